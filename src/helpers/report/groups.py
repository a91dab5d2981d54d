"""Respondent groups and waves compared in pairs: the codebook's contrasts and the changes between the
last two waves, as dumbbells."""

import math
from dataclasses import dataclass

import pandas as pd

from helpers import analysis, charts, language, words
from helpers.context import Run
from helpers.language import _, n_, percent, signed
from helpers.load import Dataset
from helpers.marks import FLAG
from helpers.report.blocks import (
    Chart,
    Exhibit,
    Section,
    withheld_section,
)
from helpers.report.facts import (
    judged,
    largest_first,
    shown_contrasts,
    withheld_pairs,
)
from helpers.words import (
    interval,
    measure_words,
    n_words,
    of_group,
    of_respondents,
    share_labels,
    verdict_cells,
    withheld_count,
    withheld_sentence,
)


@dataclass(frozen=True, repr=False, eq=False)
class Contrast:
    """One of the codebook's contrasts as one published table gives it: both groups' shares and
    the gap with its interval and verdict, and the figures withheld on either side; numbers and
    keys, no words, no drawing."""

    name: str  # the chart's: contrast-<contrast>-<table>
    first: str  # the groups' ids
    second: str
    rows: pd.DataFrame  # each figure: both shares, the gap with its interval, judged (clear)
    held: pd.DataFrame  # the figures withheld on one side or both, with each side's share and mark
    hidden: pd.DataFrame  # the withheld shares themselves
    small: tuple[str, ...] = ()  # the groups resting on fewer than min_n respondents, or n unknown
    table_of: tuple[int, int] = (1, 1)  # this table's number and how many the contrast's figures fill

    @property
    def widest(self) -> pd.Series | None:
        """Returns the largest clear gap between the two groups, if any."""
        found = largest_first(self.rows[self.rows["clear"]])
        return found.iloc[0] if len(found) else None


def contrast(dataset: Dataset, rows: pd.DataFrame, name: str, min_n: int, site: str = "",
             table_of: tuple[int, int] = (1, 1)) -> Contrast:
    """Returns one contrast's figures from one table (rows: analysis's contrast rows), judged, with
    what is withheld and which groups are small."""
    first, second = rows["first"].iloc[0], rows["second"].iloc[0]
    wave = analysis.latest_wave(dataset)
    held, hidden = withheld_pairs(dataset, site, [("first", {"group": first, "wave": wave}),
                                                   ("second", {"group": second, "wave": wave})])
    small = tuple(g for g, column in ((first, "first n"), (second, "second n"))
                  if rows[column].isna().any() or (rows[column].astype(float) < min_n).any())
    return Contrast(name, first, second, judged(dataset, rows, "contrast", site), held, hidden, small,
                    table_of)


def contrast_chart(dataset: Dataset, shown: Contrast, where: str, min_n: int) -> Chart:
    """Returns a dumbbell of one contrast: both groups' shares and the gap with its interval; when
    the contrast's figures come from several published tables, its title says which and its
    caption why they differ."""
    codebook = dataset.codebook
    first, second, held, hidden = shown.first, shown.second, shown.held, shown.hidden
    small = list(shown.small)
    rows = shown.rows.drop(columns="clear")
    first_label, second_label = codebook.group_label(first), codebook.group_label(second)
    inferred = bool(rows["inferred"].any())
    labels = share_labels(dataset, rows)
    legend = tuple(f"{codebook.group_label(g)} ({n_words(rows[c].max(), inferred)})"
                   + (f" {FLAG}" if g in small else "")
                   for g, c in ((first, "first n"), (second, "second n")))
    measures = {i if codebook.item(i).kind == "choose-any" else "" for i in rows["item"]}
    answers = {codebook.answer_label(i, a) for i, a in zip(rows["item"], rows["answer"], strict=True)}
    if measures == {""} and len(answers) == 1:
        xlabel = _("% who answer {answer}").format(answer=answers.pop())
    elif len(measures) == 1 and "" not in measures:
        xlabel = _("% who {measure}").format(measure=measure_words(dataset, rows["item"].iloc[0], ""))
    else:
        xlabel = _("% {of_respondents} (each row's answer)").format(of_respondents=of_respondents(dataset))
    drawn = pd.concat([rows, held.assign(gap=math.nan, low=math.nan, high=math.nan)], ignore_index=True)
    figure = charts.dumbbell(drawn, [*labels, *share_labels(dataset, held)], "first %", "second %",
                             legend, xlabel=xlabel, gap_label=_("gap, {first} − {second}").format(
                                 first=first_label, second=second_label), text=words.chart_text())
    rows, widest = shown.rows, shown.widest
    heading = words.contrast_title(first_label, second_label, rows["p"].notna().any(), *(
        (labels[list(rows.index).index(widest.name)], percent(widest["first %"]), of_group(dataset, first),
         percent(widest["second %"]), of_group(dataset, second)) if widest is not None else ()))
    gaps = "; ".join(
        f"{label} {signed(r.gap)}" + ("" if math.isnan(r.low) else f" ({interval(r.low, r.high)})")
        for label, r in zip(labels, rows.itertuples(), strict=True))
    number, tables = shown.table_of
    if tables > 1:  # the same statements in another table: two charts, told apart
        heading = _("{title} (table {number} of {count})").format(title=heading, number=number, count=tables)
    description = ("" if tables == 1 else _(
        "The publication gives these figures in {count} tables, each rounded on its own, so they differ "
        "a little; this one is its table of {table}.").format(
            count=tables, table=codebook.table_title(rows["table"].iloc[0])) + " ")
    description += _("Gaps ({first} minus {second}, percentage points, {where}): {gaps}.").format(
        first=first_label, second=second_label, where=where, gaps=gaps) + " " + (
        _("The ranges in brackets show where each gap likely lies (95% interval), from the numbers of "
          "respondents inferred from the rounding.") if inferred else
        _("The ranges in brackets show where each gap likely lies (95% interval)."))
    if small:
        description += " " + _("{flag} Fewer than {min_n} respondents or n unknown: read with care.").format(
            flag=FLAG, min_n=min_n)
    description += withheld_sentence(dataset, hidden, [
        _("{figure} among {group}").format(figure=label, group=codebook.group_label(g))
        for label, g in zip(share_labels(dataset, hidden), hidden["group"], strict=True)])
    table_ = pd.DataFrame({_("figure"): [*labels, *share_labels(dataset, held)],
                          f"{first_label} %": drawn["first %"].to_numpy(),
                          f"{second_label} %": drawn["second %"].to_numpy(),
                          _("gap (points)"): drawn["gap"].to_numpy(), _("95% low"): drawn["low"].to_numpy(),
                          _("95% high"): drawn["high"].to_numpy(),
                          _("clear"): verdict_cells(rows, len(held)),
                          _("note"): [""] * len(labels) + [_("withheld")] * len(held)}).round(1)
    alt = n_("Dumbbell chart comparing {first} and {second} on {count} figure, with the gap in points",
             "Dumbbell chart comparing {first} and {second} on {count} figures, with the gap in points",
             len(drawn)).format(first=first_label, second=second_label, count=len(drawn))
    alt += withheld_count(len(held)) if len(held) else "."
    return Chart(shown.name, heading, alt, description, table_, figure, bool(small))


def contrast_tables(dataset: Dataset, site: str) -> tuple[pd.DataFrame, str]:
    """Returns the contrasts a report shows and, in words, where they come from."""
    rows, scope = shown_contrasts(dataset, site)
    return rows, words.contrast_scope(dataset, site, scope)


@dataclass(frozen=True, repr=False, eq=False)
class Contrasts(Exhibit):
    """The respondent groups section of a run: a Contrast per contrast and table the report shows,
    and where they come from (facts.shown_contrasts: "site", "network-withheld" or "network")."""

    run: Run
    each: tuple[Contrast, ...]
    scope: str

    @property
    def frame(self) -> pd.DataFrame:
        """Returns every figure of the section: each contrast's shown ones, then those withheld."""
        frames = [frame for c in self.each for frame in (
            c.rows, c.held.assign(first=c.first, second=c.second, contrast=c.rows["contrast"].iloc[0],
                                  table=c.rows["table"].iloc[0]))]
        return self.stacked(frames, "contrast")

    def present(self) -> Section:
        return contrasts_section_of(self)


def contrasts(run: Run) -> Contrasts:
    """Returns the run's respondent groups exhibit: the codebook's contrasts that the report shows
    (the site's own, or network-wide where the data have none by site), by contrast and table."""
    dataset, site = run.dataset, run.site or ""
    rows, scope = shown_contrasts(dataset, site)
    made = []
    for (name, table_id), cells in rows.groupby(["contrast", "table"], sort=False):
        same = list(dict.fromkeys(rows.loc[rows["contrast"] == name, "table"]))  # its tables
        made.append(contrast(dataset, cells.reset_index(drop=True), f"contrast-{name}-{table_id}", run.min_n,
                             site if scope == "site" else "", (same.index(table_id) + 1, len(same))))
    return Contrasts(run, tuple(made), scope)


def contrasts_section_of(exhibit: Contrasts) -> Section:
    """Returns the section comparing respondent groups as the page shows it: a dumbbell each."""
    dataset, site = exhibit.run.dataset, exhibit.run.site or ""
    if not exhibit.each:
        return Section(_("Respondent groups"))
    where = words.contrast_scope(dataset, site, exhibit.scope)
    made = [contrast_chart(dataset, shown, where, exhibit.run.min_n) for shown in exhibit.each]
    labels = [dataset.codebook.group_label(g.id) for g in dataset.codebook.groups]
    intro = (_("How {groups} answered ({where}).").format(groups=language.conjunction(labels), where=where)
             if len(labels) > 1 else _("How the groups answered ({where}).").format(where=where))
    return Section(_("Respondent groups"), intro, made)


def contrasts_section(run: Run) -> Section:
    """Returns the section comparing respondent groups (the codebook's contrasts) as the page shows it."""
    return contrasts(run).shown


@dataclass(frozen=True, repr=False, eq=False)
class Waves(Exhibit):
    """The changes between the last two waves of a run: each figure in both, the change with its
    interval and verdict, and the figures withheld in either; numbers and keys."""

    run: Run
    rows: pd.DataFrame  # each figure: both waves' shares and ns, the change with its interval, judged
    held: pd.DataFrame  # the figures withheld in one wave or both, with each wave's share and mark
    hidden: pd.DataFrame  # the withheld shares themselves
    before: str = ""  # the waves' ids; empty when the data have no change to show
    after: str = ""

    @property
    def frame(self) -> pd.DataFrame:
        """Returns every figure of the section: the changes shown, then the figures withheld."""
        return pd.concat([self.rows, self.held], ignore_index=True)

    @property
    def widest(self) -> pd.Series | None:
        """Returns the largest clear change, if any."""
        found = largest_first(self.rows[self.rows["clear"]], "change")
        return found.iloc[0] if len(found) else None

    def present(self) -> Section:
        return waves_section_of(self)


def waves(run: Run) -> Waves:
    """Returns the run's changes between the last two waves (none where the data have one wave)."""
    dataset, site = run.dataset, run.site or ""
    rows = analysis.wave_changes(dataset, site)
    if rows.empty:
        return Waves(run, rows.assign(clear=False), rows.iloc[0:0], rows.iloc[0:0])
    before, after = rows["before"].iloc[0], rows["after"].iloc[0]
    held, hidden = withheld_pairs(dataset, site, [("before", {"wave": before, "group": ""}),
                                                   ("after", {"wave": after, "group": ""})])
    return Waves(run, judged(dataset, rows, "change", site), held.assign(change=math.nan, low=math.nan,
                                                                          high=math.nan),
                 hidden, before, after)


def waves_section_of(exhibit: Waves) -> Section:
    """Returns the changes between the last two waves as the page shows them: a dumbbell per figure."""
    dataset, site = exhibit.run.dataset, exhibit.run.site
    if exhibit.rows.empty:
        return withheld_section(dataset, _("Changes between waves"), site, group="")
    codebook = dataset.codebook
    held, hidden = exhibit.held, exhibit.hidden
    rows = exhibit.rows.drop(columns="clear")
    before, after = codebook.wave_label(exhibit.before), codebook.wave_label(exhibit.after)
    labels = share_labels(dataset, rows)
    figure = charts.dumbbell(pd.concat([rows, held], ignore_index=True),
                             [*labels, *share_labels(dataset, held)], "after %", "before %",
                             (_("{wave} (n up to {n})").format(wave=after, n=int(rows["after n"].max())),
                              _("{wave} (n up to {n})").format(wave=before, n=int(rows["before n"].max()))),
                             gap="change",
                             xlabel=_("% {of_respondents}").format(of_respondents=of_respondents(dataset)),
                             gap_label=_("change, {after} − {before}").format(after=after, before=before),
                             text=words.chart_text())
    rows, widest = exhibit.rows, exhibit.widest
    where = codebook.site_name(site) if site else _("all sites")
    heading = words.change_title(before, after, rows["p"].notna().any(), *(
        (labels[list(rows.index).index(widest.name)], percent(widest["before %"]), percent(widest["after %"]),
         signed(widest["change"])) if widest is not None else ()))
    changes = "; ".join(
        f"{label} {signed(r.change)}" + ("" if math.isnan(r.low) else f" ({interval(r.low, r.high)})")
        for label, r in zip(labels, rows.itertuples(), strict=True))
    description = (_("Changes ({where}, {after} minus {before}, percentage points): {changes}.").format(
        where=where, after=after, before=before, changes=changes) + " "
        + _("The ranges in brackets show where each change likely lies (95% interval), with the two waves "
            "treated as separate samples, since respondents are not linked between them.")
        + withheld_sentence(dataset, hidden, [
            _("{figure} in {wave}").format(figure=label, wave=codebook.wave_label(w))
            for label, w in zip(share_labels(dataset, hidden), hidden["wave"], strict=True)]))
    shown = pd.DataFrame({_("figure"): labels, f"{before} %": rows["before %"], f"{after} %": rows["after %"],
                          _("change (points)"): rows["change"], _("95% low"): rows["low"],
                          _("95% high"): rows["high"], _("clear"): verdict_cells(rows),
                          f"{before} n": rows["before n"].astype("Int64"),
                          f"{after} n": rows["after n"].astype("Int64")})
    shown = pd.concat([shown, pd.DataFrame({
        _("figure"): share_labels(dataset, held), f"{before} %": held["before %"],
        f"{after} %": held["after %"], _("note"): _("withheld")})], ignore_index=True).round(1)
    alt = _("Dumbbell chart of {count} figures in {before} and {after}").format(
        count=len(rows) + len(held), before=before, after=after)
    chart = Chart("waves", heading, alt + (withheld_count(len(held)) if len(held) else "."),
                  description, shown, figure)
    return Section(_("Changes between waves"), _("Each figure in {before} and {after}, {where}.").format(
        before=before, after=after, where=where), [chart])


def waves_section(run: Run) -> Section:
    """Returns the changes between the last two waves of a run as the page shows them."""
    return waves(run).shown
