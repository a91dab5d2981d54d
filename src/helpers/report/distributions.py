"""The full answer distributions (diverging bars) and the network's choose-any shares."""

from dataclasses import dataclass

import pandas as pd

from helpers import analysis, charts, words
from helpers.context import Run
from helpers.language import _, gendered, n_, percent
from helpers.load import Dataset
from helpers.marks import FLAG, WITHHELD
from helpers.report.blocks import Chart, Exhibit, Section, anchor, withheld_section
from helpers.report.facts import withheld
from helpers.words import (
    all_respondents,
    among,
    capital,
    n_words,
    of_group,
    of_respondents,
    withheld_sentence,
)


@dataclass(frozen=True, repr=False, eq=False)
class Distribution:
    """Every answer to one section's statements on one scale, by group (all respondents where the
    data have no groups): numbers and keys, no words, no drawing."""

    scale: str  # the scale's id
    section: str  # the codebook's section of the statements ("" for none)
    cells: pd.DataFrame  # each statement's share of each level (the level column), by group
    groups: tuple[str, ...]  # in the codebook's order; ("",) for all respondents
    order: tuple[str, ...]  # the statements, most positive first in the first group
    positive: pd.Series  # the positive side's share, by group and statement
    hidden: pd.DataFrame  # the groups' shares withheld by disclosure control, of these statements
    small: tuple[str, ...] = ()  # the groups resting on fewer than min_n respondents, or n unknown

    @property
    def n(self) -> pd.Series:
        """Returns the most respondents behind a statement, by group."""
        return self.cells.groupby("group")["n"].max()


@dataclass(frozen=True, repr=False, eq=False)
class Distributions(Exhibit):
    """The every-answer section of a run: a Distribution per scale and section of statements."""

    run: Run
    each: tuple[Distribution, ...]

    @property
    def frame(self) -> pd.DataFrame:
        """Returns every share of the section, by scale, section, statement, group and level."""
        frames = [d.cells.assign(scale=d.scale, section=d.section) for d in self.each]
        return self.stacked(frames, "scale")

    def present(self) -> Section:
        return distributions_section_of(self)


def distributions(run: Run) -> Distributions:
    """Returns the run's every-answer exhibit: each scale's statements, section by section, by group."""
    dataset, site, min_n = run.dataset, run.site or "", run.min_n
    rows = analysis.distributions(dataset, site)
    codebook = dataset.codebook
    made = []
    if rows.empty:
        return Distributions(run, ())
    if (rows["group"] != "").any():
        rows = rows[rows["group"] != ""]
    for scale in codebook.scales:
        items = [i for i in codebook.items if i.scale == scale.id]
        for section in dict.fromkeys(i.section for i in items):
            members = [i.id for i in items if i.section == section]
            cells = rows[rows["item"].isin(members)].rename(columns={"answer": "level"})
            if cells.empty:
                continue
            groups = [g.id for g in codebook.groups if g.id in set(cells["group"])] or [""]
            n = cells.groupby("group")["n"].max()
            small = tuple(g for g in groups if pd.isna(n.get(g)) or n.get(g) < min_n)
            positive = cells[cells["level"].isin(scale.side("positive"))].groupby(
                ["group", "item"])["percent"].sum()
            has_first = groups[0] in positive.index.get_level_values(0)
            first = positive.loc[groups[0]] if has_first else pd.Series()
            order = [*first.sort_values(ascending=False).index, *(m for m in members if m not in first.index)]
            order = [m for m in order if m in set(cells["item"])]
            hidden = withheld(dataset, site=site, breakdown="")
            drawn = set(zip(cells["item"], cells["group"], strict=True))
            hidden = hidden[[i in members and g != "" and (i, g) not in drawn
                             for i, g in zip(hidden["item"], hidden["group"], strict=True)]]
            made.append(Distribution(scale.id, section, cells, tuple(groups), tuple(order), positive, hidden,
                                     small))
    return Distributions(run, tuple(made))


def distribution_chart(dataset: Dataset, shown: Distribution, min_n: int) -> Chart:
    """Returns the diverging bar chart of one section's statements on one scale (groups side by side)."""
    codebook = dataset.codebook
    scale = next(s for s in codebook.scales if s.id == shown.scale)
    items = [i for i in codebook.items if i.scale == scale.id]
    section, cells, groups, order, positive, hidden = (shown.section, shown.cells, list(shown.groups),
                                                       list(shown.order), shown.positive, shown.hidden)
    n, inferred, small = shown.n, bool(cells["inferred"].any()), list(shown.small)
    titles = {g: f"{capital(codebook.group_label(g) if g else all_respondents())} "
                 f"({n_words(n.get(g), inferred)})" + (f" {FLAG}" if g in small else "")
              for g in groups}
    labels = {i.id: i.label for i in items}
    figure = charts.likert(cells, "item", "group", [lv.id for lv in scale.levels],
                           [lv.side for lv in scale.levels], order, groups, labels, titles,
                           {lv.id: lv.label for lv in scale.levels}, text=words.chart_text())
    agree = positive.unstack(0) if len(positive) else pd.DataFrame()
    top = agree[groups[0]].idxmax() if groups[0] in agree else order[0]
    if groups[0] not in agree:
        heading = _("{section}: every answer").format(section=section)
    elif agree[groups[0]].dropna().size == 1:  # one statement: no range from it to itself
        heading = _("{answer}: {percent} (“{statement}”) {among}").format(
            answer=capital(scale.positive_label), percent=percent(agree[groups[0]].max()),
            statement=labels[top], among=among(dataset, groups[0]))
    else:
        heading = _("{answer}: from {low} (“{low_statement}”) to {high} (“{high_statement}”) "
                    "{among}").format(
            answer=capital(scale.positive_label), low=percent(agree[groups[0]].min()),
            low_statement=labels[agree[groups[0]].idxmin()], high=percent(agree[groups[0]].max()),
            high_statement=labels[top], among=among(dataset, groups[0]))
    apart = " / ".join(lv.label for lv in scale.levels if lv.side == "apart")
    if not apart:  # a scale without "don't know" answers: nothing is shown apart
        base = (_("Percentages are of all responses") if dataset.codebook.dataset.published
                else _("Percentages are of those who gave an answer on the scale"))
    else:
        base = (_("Percentages are of all responses, including {apart}")
                if dataset.codebook.dataset.published
                else _("Percentages are of those who gave an answer on the scale; {apart} is shown "
                       "apart, as a share of everyone who answered")).format(apart=apart)
    description = (f"{base} ({'; '.join(titles[g] for g in groups)}). " + _(
        "Negative answers run left of zero, positive right, neutral answers are split across zero."))
    if small:
        description += " " + _("{flag} Fewer than {min_n} respondents: read with care.").format(
            flag=FLAG, min_n=min_n)
    if len(hidden):
        description += withheld_sentence(dataset, hidden.assign(shown=WITHHELD), [
            _("every answer {of_group} to “{statement}”").format(of_group=of_group(dataset, g),
                                                                 statement=labels[i])
            for i, g in zip(hidden["item"], hidden["group"], strict=True)])
    wide = cells.pivot_table(index=["item", "group"], columns="level", values="percent",
                             aggfunc="first").reindex(columns=[lv.id for lv in scale.levels])
    wide = wide.reset_index()
    table_ = wide.assign(item=wide["item"].map(labels),
                         group=wide["group"].map(lambda g: codebook.group_label(g) if g else _("all")))
    table_ = pd.concat([table_, pd.DataFrame({
        "item": [labels[i] for i in hidden["item"]],
        "group": [codebook.group_label(g) for g in hidden["group"]], "note": _("withheld")})],
        ignore_index=True) if len(hidden) else table_
    table_ = table_.rename(columns={lv.id: lv.label for lv in scale.levels}
                           | {"item": _("statement"), "group": _("group"), "note": _("note")})
    table_.columns.name = None
    alt = n_("Diverging bar chart of {section}: {count} statements, {groups} group.",
             "Diverging bar chart of {section}: {count} statements, {groups} groups.",
             len(groups)).format(
        section=section or scale.id, count=len(order), groups=len(groups))
    return Chart(f"distribution-{anchor(section or scale.id)}", heading, alt,
                 description, table_.round(1), figure, bool(small))


def distributions_section_of(exhibit: Distributions) -> Section:
    """Returns the every-answer section as the page shows it (in the appendix on paper)."""
    dataset, min_n = exhibit.run.dataset, exhibit.run.min_n
    made = [distribution_chart(dataset, shown, min_n) for shown in exhibit.each]
    if not made:
        return withheld_section(dataset, _("Every answer"), exhibit.run.site)
    return Section(_("Every answer"), _("The full distribution of answers to each statement."), made,
                   appendix=True)


def distributions_section(run: Run) -> Section:
    """Returns the every-answer section of a run as the page shows it."""
    return distributions(run).shown


@dataclass(frozen=True, repr=False, eq=False)
class ChooseAny(Exhibit):
    """The network's choose-any figures where the data have none by site: each item's shares of
    its options in the latest wave, all respondents; numbers and keys."""

    run: Run
    each: tuple[tuple[str, pd.DataFrame], ...]  # (the item's id, its options' shares)

    @property
    def frame(self) -> pd.DataFrame:
        """Returns every option's share, by item (its answer column is the option)."""
        frames = [rows for _, rows in self.each]
        return self.stacked(frames, "item")

    def present(self) -> Section:
        return choose_any_section_of(self)


def choose_any(run: Run) -> ChooseAny:
    """Returns the run's choose-any exhibit: the network-wide shares of each choose-any item's
    options, for data with no sites (none otherwise)."""
    dataset = run.dataset
    data = analysis.shares(dataset)
    made = []
    for item in dataset.codebook.items:
        if item.kind != "choose-any":
            continue
        rows = data[(data["item"] == item.id) & (data["site"] == "") & (data["group"] == "")
                    & (data["breakdown"] == "") & (data["wave"] == analysis.latest_wave(dataset))]
        if rows.empty or analysis.any_site_shares(dataset):
            continue
        made.append((item.id, rows))
    return ChooseAny(run, tuple(made))


def choose_any_section_of(exhibit: ChooseAny) -> Section:
    """Returns the choose-any section as the page shows it: a bar chart per item."""
    dataset = exhibit.run.dataset
    made = []
    for item_id, rows in exhibit.each:
        item = dataset.codebook.item(item_id)
        options = [o.id for o in item.options]
        labels = {o.id: o.label for o in item.options}
        figure = charts.bars(rows, "answer", "percent", options, labels, percentages=True,
                             xmax=100, text=words.chart_text())
        top = rows.loc[rows["percent"].idxmax()]
        n = rows["n"].dropna()
        description = (f"“{item.wording_for(None) or item.label}” " + _(
            "Respondents could choose more than one, so the shares need not add up to 100%: here they add up "
            "to {total}.").format(total=percent(rows["percent"].sum(), 0)) + " "
            + (_("Based on {n} respondents.").format(n=int(n.max())) if len(n) else
               _("The publication gives no number of respondents, so no interval can be given.")))
        shown = pd.DataFrame({_("option"): rows["answer"].map(labels), "%": rows["percent"],
                              "n": rows["n"].astype("Int64")})
        heading = (_("{option} leads, with {percent}").format(option=capital(labels[top["answer"]]),
                                                             percent=percent(top["percent"], 0)) if len(n)
                   else _("Each option was chosen by {low} to {high} {of_respondents}").format(
                       low=percent(rows["percent"].min(), 0), high=percent(rows["percent"].max(), 0),
                       of_respondents=of_respondents(dataset)))
        alt = _("Bar chart of {count} options of “{item}”.").format(count=len(options), item=item.label)
        made.append(Chart(f"choose-any-{item.id}", heading, alt, description, shown, figure))
    about = dataset.codebook.dataset
    return Section(gendered(about.respondents_gender, "What {respondents} chose").format(
        respondents=about.respondents_word), "", made)



def choose_any_section(run: Run) -> Section:
    """Returns the choose-any section of a run as the page shows it."""
    return choose_any(run).shown
