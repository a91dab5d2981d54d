"""The full answer distributions (diverging bars) and the network's choose-any shares."""


import pandas as pd

from helpers import analysis, charts, words
from helpers.context import of_run
from helpers.language import _, gendered, n_, percent
from helpers.load import Dataset
from helpers.marks import FLAG, WITHHELD
from helpers.report.blocks import Chart, Section, anchor, withheld_section
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


def distribution_charts(dataset: Dataset, site: str | None, min_n: int) -> list[Chart]:
    """Returns a diverging bar chart per section of scale items (groups side by side)."""
    rows = analysis.distributions(dataset, site or "")
    codebook = dataset.codebook
    made = []
    if rows.empty:
        return made
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
            inferred = bool(cells["inferred"].any())
            small = [g for g in groups if pd.isna(n.get(g)) or n.get(g) < min_n]
            titles = {g: f"{capital(codebook.group_label(g) if g else all_respondents())} "
                         f"({n_words(n.get(g), inferred)})" + (f" {FLAG}" if g in small else "")
                      for g in groups}
            positive = cells[cells["level"].isin(scale.side("positive"))].groupby(
                ["group", "item"])["percent"].sum()
            has_first = groups[0] in positive.index.get_level_values(0)
            first = positive.loc[groups[0]] if has_first else pd.Series()
            order = [*first.sort_values(ascending=False).index, *(m for m in members if m not in first.index)]
            order = [m for m in order if m in set(cells["item"])]
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
            hidden = withheld(dataset, site=site or "", breakdown="")
            drawn = set(zip(cells["item"], cells["group"], strict=True))
            hidden = hidden[[i in members and g != "" and (i, g) not in drawn
                             for i, g in zip(hidden["item"], hidden["group"], strict=True)]]
            if len(hidden):
                description += withheld_sentence(dataset, hidden.assign(shown=WITHHELD), [
                    _("every answer {of_group} to “{statement}”").format(of_group=of_group(dataset, g),
                                                                         statement=labels[i])
                    for i, g in zip(hidden["item"], hidden["group"], strict=True)])
            wide = cells.pivot_table(index=["item", "group"], columns="level", values="percent",
                                     aggfunc="first").reindex(columns=[lv.id for lv in scale.levels])
            wide = wide.reset_index()
            shown = wide.assign(item=wide["item"].map(labels),
                                group=wide["group"].map(lambda g: codebook.group_label(g) if g else _("all")))
            shown = pd.concat([shown, pd.DataFrame({
                "item": [labels[i] for i in hidden["item"]],
                "group": [codebook.group_label(g) for g in hidden["group"]], "note": _("withheld")})],
                ignore_index=True) if len(hidden) else shown
            shown = shown.rename(columns={lv.id: lv.label for lv in scale.levels}
                                 | {"item": _("statement"), "group": _("group"), "note": _("note")})
            shown.columns.name = None
            alt = n_("Diverging bar chart of {section}: {count} statements, {groups} group.",
                     "Diverging bar chart of {section}: {count} statements, {groups} groups.",
                     len(groups)).format(
                section=section or scale.id, count=len(order), groups=len(groups))
            made.append(Chart(f"distribution-{anchor(section or scale.id)}", heading, alt,
                              description, shown.round(1), figure, bool(small)))
    return made


@of_run("dataset", "site", "min_n")
def distributions_section(dataset: Dataset, site: str | None, min_n: int) -> Section:
    made = distribution_charts(dataset, site, min_n)
    if not made:
        return withheld_section(dataset, _("Every answer"), site)
    return Section(_("Every answer"), _("The full distribution of answers to each statement."), made,
                   appendix=True)


@of_run("dataset", "min_n")
def choose_any_section(dataset: Dataset, min_n: int) -> Section:
    """Returns, for network-wide choose-any figures with no sites, a bar chart per item."""
    made = []
    data = analysis.shares(dataset)
    for item in dataset.codebook.items:
        if item.kind != "choose-any":
            continue
        rows = data[(data["item"] == item.id) & (data["site"] == "") & (data["group"] == "")
                    & (data["breakdown"] == "") & (data["wave"] == analysis.latest_wave(dataset))]
        if rows.empty or (data["site"] != "").any():
            continue
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

