"""Each figure broken down by a respondent characteristic, with the disparity across its groups."""


import pandas as pd
from IPython.display import HTML

from helpers import analysis, charts, language, words
from helpers.language import _, percent
from helpers.load import Dataset
from helpers.marks import FLAG
from helpers.report.blocks import Chart, Section, all_withheld, table
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


def breakdown_charts(dataset: Dataset, site: str | None, min_n: int) -> list[Chart | HTML]:
    """Returns a dot plot per respondent characteristic: each figure by the characteristic's
    values, with Wilson whiskers and the all-respondents figure marked."""
    made = []
    for characteristic in dataset.codebook.characteristics:
        rows = analysis.breakdown(dataset, characteristic.id, site or "")
        small = {v for v, n in zip(rows["value"], rows["n"], strict=True) if n < min_n}
        hidden = withheld(dataset, site=site or "", group="", breakdown=characteristic.id)
        overall = rows.drop_duplicates(["item", "answer"]).set_index(["item", "answer"])["overall"]
        hidden = hidden.assign(overall=overall.reindex(
            pd.MultiIndex.from_frame(hidden[["item", "answer"]])).to_numpy())
        rows = pd.concat([rows, hidden[["item", "answer", "value", "shown", "overall"]]],
                         ignore_index=True)
        if rows.empty or rows["percent"].isna().all():
            if len(hidden):
                made.append(all_withheld(dataset, f"breakdown-{characteristic.id}",
                                          _("By {characteristic}").format(
                                              characteristic=characteristic.label),
                                          hidden, site))
            continue
        order = {f"{i}:{a}": n for n, (i, a) in enumerate(analysis.indicators(dataset.codebook))}
        rows = rows.assign(key=rows["item"] + ":" + rows["answer"])
        rows = rows.sort_values("key", key=lambda k: k.map(order), kind="stable").reset_index(drop=True)
        labels = dict(zip(rows["key"], share_labels(dataset, rows), strict=True))
        values = [v.id for v in characteristic.values if v.id in set(rows["value"])]
        value_labels = {v.id: v.label for v in characteristic.values}
        small = sorted(small, key=values.index)
        figure = charts.dot_plot(rows, "key", "value", list(dict.fromkeys(rows["key"])), values,
                                 labels, value_labels,
                                 xlabel=_("% {of_respondents} (95% interval)").format(
                                     of_respondents=of_respondents(dataset)),
                                 reference="overall", reference_label=all_respondents(), hollow=small,
                                 text=words.chart_text())
        where = dataset.codebook.site_name(site) if site else _("all sites")
        rows = judged(dataset, rows, "breakdown", site or "")
        found = largest_first(rows[rows["clear"]])
        widest = found.iloc[0] if len(found) else None
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
        shown = pd.DataFrame({_("figure"): [labels[k] for k in rows["key"]],
                              characteristic.label: rows["value"].map(value_labels),
                              "%": rows["percent"], _("95% low"): rows["low"], _("95% high"): rows["high"],
                              "n": rows["n"].astype("Int64"), _("all respondents %"): rows["overall"],
                              _("other respondents %"): rows["others %"],
                              _("gap to the others (points)"): rows["gap"], _("gap 95% low"): rows["gap low"],
                              _("gap 95% high"): rows["gap high"], _("clear"): verdict_cells(rows),
                              _("note"): notes(rows)}).round(1)
        alt = _("Dot plot of {count} figures by {characteristic}, {where}").format(
            count=len(labels), characteristic=characteristic.label, where=where)
        made.append(Chart(f"breakdown-{characteristic.id}", heading,
                          alt + (withheld_count(len(hidden)) if len(hidden) else "."),
                          description, shown, figure, bool(small)))
    return made


def breakdown_disparity_table(dataset: Dataset, characteristic, site: str | None) -> HTML | None:
    """Returns the disparity across a characteristic's groups, per figure, as a table."""
    rows = analysis.breakdown_disparity(dataset, characteristic.id, site or "")
    if rows.empty:
        return None
    label = {v.id: v.label for v in characteristic.values}
    shown = disparity_frame(dataset, rows, lambda v: label.get(v, v), _("all respondents %"))
    shown = shown.assign(**{_("between-group variance"): rows["between-group variance"]}).round(2)
    return table(shown, _("Disparity across {characteristic} groups, by figure").format(
        characteristic=characteristic.label), digits=2)


def breakdowns_section(dataset: Dataset, site: str | None, min_n: int) -> Section:
    names = language.conjunction([c.label for c in dataset.codebook.characteristics])
    parts: list = []
    for chart in breakdown_charts(dataset, site, min_n):
        parts.append(chart)
        if not isinstance(chart, Chart):
            continue
        characteristic = dataset.codebook.characteristic(chart.name.removeprefix("breakdown-"))
        disparity_rows = breakdown_disparity_table(dataset, characteristic, site)
        if disparity_rows is not None:
            parts.append(disparity_rows)
    return Section(_("Who answered what"), _(
        "Results broken down by {characteristics}, in the codebook's order; the tables give the gap between "
        "the highest and lowest group and the index of disparity against all respondents.").format(
        characteristics=names), parts)

