"""Each figure broken down by a respondent characteristic, with the disparity across its groups."""


from dataclasses import dataclass

import pandas as pd
from IPython.display import HTML

from helpers import analysis, charts, language, words
from helpers.context import Run
from helpers.language import _, percent
from helpers.load import Dataset
from helpers.marks import FLAG
from helpers.report.blocks import Chart, Exhibit, Section, all_withheld, table
from helpers.report.facts import judged, largest_first, withheld
from helpers.report.sites import disparity_frame
from helpers.words import (
    all_respondents,
    notes,
    of_respondents,
    precision_note,
    share_labels,
    verdict_cells,
    withheld_count,
    withheld_sentence,
)


@dataclass(frozen=True, repr=False, eq=False)
class Breakdown:
    """One characteristic's figures by its values, at a site or across all sites: numbers and
    keys, no words, no drawing."""

    characteristic: str  # its id in the codebook
    rows: pd.DataFrame  # each figure by value, shown or withheld, in the codebook's order, judged
    hidden: pd.DataFrame  # the figures disclosure control withholds
    small: tuple[str, ...] = ()  # values resting on fewer than min_n respondents, in order
    values: tuple[str, ...] = ()  # the values shown, in the codebook's order
    disparity: pd.DataFrame | None = None  # across the values, per figure

    @property
    def widest(self) -> pd.Series | None:
        """Returns the largest clear gap between a value and the other respondents, if any."""
        found = largest_first(self.rows[self.rows["clear"]])
        return found.iloc[0] if len(found) else None


@dataclass(frozen=True, repr=False, eq=False)
class Breakdowns(Exhibit):
    """The breakdowns section of a run: a Breakdown per respondent characteristic."""

    run: Run
    each: tuple[Breakdown, ...]

    @property
    def frame(self) -> pd.DataFrame:
        """Returns every figure of the section, by characteristic (breakdown), value and figure."""
        frames = [b.rows.assign(breakdown=b.characteristic) for b in self.each]
        return self.stacked(frames, "breakdown")

    def present(self) -> Section:
        return breakdowns_section_of(self)


def breakdown(dataset: Dataset, characteristic, site: str | None, min_n: int) -> Breakdown:
    """Returns a characteristic's figures by its values, with what is withheld and small."""
    rows = analysis.breakdown(dataset, characteristic.id, site or "")
    small = {v for v, n in zip(rows["value"], rows["n"], strict=True) if n < min_n}
    hidden = withheld(dataset, site=site or "", group="", breakdown=characteristic.id)
    overall = rows.drop_duplicates(["item", "answer"]).set_index(["item", "answer"])["overall"]
    hidden = hidden.assign(overall=overall.reindex(
        pd.MultiIndex.from_frame(hidden[["item", "answer"]])).to_numpy())
    rows = pd.concat([rows, hidden[["item", "answer", "value", "shown", "overall"]]], ignore_index=True)
    if rows.empty or rows["percent"].isna().all():
        return Breakdown(characteristic.id, rows.iloc[0:0], hidden)
    order = {f"{i}:{a}": n for n, (i, a) in enumerate(analysis.indicators(dataset.codebook))}
    rows = rows.assign(key=rows["item"] + ":" + rows["answer"])
    rows = rows.sort_values("key", key=lambda k: k.map(order), kind="stable").reset_index(drop=True)
    values = tuple(v.id for v in characteristic.values if v.id in set(rows["value"]))
    disparity = analysis.breakdown_disparity(dataset, characteristic.id, site or "")
    return Breakdown(characteristic.id, judged(dataset, rows, "breakdown", site or ""), hidden,
                     tuple(sorted(small, key=values.index)), values, disparity)


def breakdowns(run: Run) -> Breakdowns:
    """Returns the run's breakdowns exhibit: each respondent characteristic's figures by value."""
    return Breakdowns(run, tuple(breakdown(run.dataset, c, run.site, run.min_n)
                                 for c in run.dataset.codebook.characteristics))


def breakdown_chart(dataset: Dataset, shown: Breakdown, site: str | None, min_n: int) -> Chart | HTML | None:
    """Returns a breakdown's dot plot: each figure by the characteristic's values, with Wilson
    whiskers and the all-respondents figure marked; every figure withheld, a note saying so;
    no figure at all, None."""
    characteristic = dataset.codebook.characteristic(shown.characteristic)
    rows, hidden, small = shown.rows.drop(columns="clear", errors="ignore"), shown.hidden, list(shown.small)
    if rows.empty:
        heading = _("By {characteristic}").format(characteristic=characteristic.label)
        return None if hidden.empty else all_withheld(dataset, f"breakdown-{characteristic.id}", heading,
                                                      hidden, site)
    labels = dict(zip(rows["key"], share_labels(dataset, rows), strict=True))
    value_labels = {v.id: v.label for v in characteristic.values}
    figure = charts.dot_plot(rows, "key", "value", list(dict.fromkeys(rows["key"])), list(shown.values),
                             labels, value_labels,
                             xlabel=_("% {of_respondents} (95% interval)").format(
                                 of_respondents=of_respondents(dataset)),
                             reference="overall", reference_label=all_respondents(), hollow=small,
                             text=words.chart_text())
    where = dataset.codebook.site_name(site) if site else _("all sites")
    rows, widest = shown.rows, shown.widest
    heading = words.breakdown_title(characteristic.label, rows["p"].notna().any(), *(
        (value_labels[widest["value"]], labels[widest["key"]], percent(widest["percent"]),
         percent(widest["others %"])) if widest is not None else ()))
    description = _("Each figure by {characteristic} ({where}), with 95% intervals; the "
                    "dashed mark "
                    "is all respondents. Respondents who did not state their {characteristic} are left "
                    "out of this breakdown.").format(characteristic=characteristic.label, where=where)
    if small:
        description += " " + _("{flag} Fewer than {min_n} respondents: {values}.").format(
            flag=FLAG, min_n=min_n, values=language.conjunction([value_labels[v] for v in small]))
    description += precision_note(rows.dropna(subset=["percent"]))
    description += withheld_sentence(dataset, hidden, [
        _("{figure} among {group}").format(figure=labels[f"{i}:{a}"], group=value_labels[v])
        for i, a, v in zip(hidden["item"], hidden["answer"], hidden["value"], strict=True)])
    table_ = pd.DataFrame({_("figure"): [labels[k] for k in rows["key"]],
                           characteristic.label: rows["value"].map(value_labels),
                           "%": rows["percent"], _("95% low"): rows["low"], _("95% high"): rows["high"],
                           "n": rows["n"].astype("Int64"), _("all respondents %"): rows["overall"],
                           _("other respondents %"): rows["others %"],
                           _("gap to the others (points)"): rows["gap"], _("gap 95% low"): rows["gap low"],
                           _("gap 95% high"): rows["gap high"], _("clear"): verdict_cells(rows),
                           _("note"): notes(rows)}).round(1)
    alt = _("Dot plot of {count} figures by {characteristic}, {where}").format(
        count=len(labels), characteristic=characteristic.label, where=where)
    return Chart(f"breakdown-{characteristic.id}", heading,
                 alt + (withheld_count(len(hidden)) if len(hidden) else "."),
                 description, table_, figure, bool(small))


def breakdown_disparity_table(dataset: Dataset, characteristic, rows: pd.DataFrame) -> HTML | None:
    """Returns the disparity across a characteristic's groups, per figure, as a table."""
    if rows is None or rows.empty:
        return None
    label = {v.id: v.label for v in characteristic.values}
    shown = disparity_frame(dataset, rows, lambda v: label.get(v, v), _("all respondents %"))
    shown = shown.assign(**{_("between-group variance"): rows["between-group variance"]}).round(2)
    return table(shown, _("Disparity across {characteristic} groups, by figure").format(
        characteristic=characteristic.label), digits=2)


def breakdowns_section_of(exhibit: Breakdowns) -> Section:
    """Returns the breakdowns section as the page shows it: each chart with its disparity table."""
    dataset, site, min_n = exhibit.run.dataset, exhibit.run.site, exhibit.run.min_n
    names = language.conjunction([c.label for c in dataset.codebook.characteristics])
    parts: list = []
    for shown in exhibit.each:
        chart = breakdown_chart(dataset, shown, site, min_n)
        parts += [chart] if chart is not None else []
        if isinstance(chart, Chart):
            characteristic = dataset.codebook.characteristic(shown.characteristic)
            disparity = breakdown_disparity_table(dataset, characteristic, shown.disparity)
            if disparity is not None:
                parts.append(disparity)
    return Section(_("Who answered what"), _(
        "Results broken down by {characteristics}, in the codebook's order; the tables give the gap between "
        "the highest and lowest group and the index of disparity against all respondents.").format(
        characteristics=names), parts)


def breakdowns_section(run: Run) -> Section:
    """Returns the breakdowns section of a run as the page shows it."""
    return breakdowns(run).shown
