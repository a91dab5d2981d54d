"""Respondent groups and waves compared in pairs: the codebook's contrasts and the changes between the
last two waves, as dumbbells."""

import math

import pandas as pd

from helpers import analysis, charts, language, words
from helpers.context import of_run
from helpers.language import _, n_, percent, signed
from helpers.load import Dataset
from helpers.marks import FLAG
from helpers.report.blocks import (
    Chart,
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


def contrast_chart(dataset: Dataset, rows: pd.DataFrame, name: str, where: str, min_n: int,
                   site: str = "", table_of: tuple[int, int] = (1, 1)) -> Chart:
    """Returns a dumbbell of one contrast: both groups' shares and the gap with its interval; when
    the contrast's figures come from several published tables (table_of: this one's number and
    how many), its title says which and its caption why they differ."""
    codebook = dataset.codebook
    first, second = rows["first"].iloc[0], rows["second"].iloc[0]
    wave = analysis.latest_wave(dataset)
    held, hidden = withheld_pairs(dataset, site, [("first", {"group": first, "wave": wave}),
                                                   ("second", {"group": second, "wave": wave})])
    first_label, second_label = codebook.group_label(first), codebook.group_label(second)
    inferred = bool(rows["inferred"].any())
    small = [g for g, column in ((first, "first n"), (second, "second n"))
             if rows[column].isna().any() or (rows[column].astype(float) < min_n).any()]
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
    rows = judged(dataset, rows, "contrast", site)
    found = largest_first(rows[rows["clear"]])
    widest = found.iloc[0] if len(found) else None
    heading = words.contrast_title(first_label, second_label, rows["p"].notna().any(), *(
        (labels[list(rows.index).index(widest.name)], percent(widest["first %"]), of_group(dataset, first),
         percent(widest["second %"]), of_group(dataset, second)) if widest is not None else ()))
    gaps = "; ".join(
        f"{label} {signed(r.gap)}" + ("" if math.isnan(r.low) else f" ({interval(r.low, r.high)})")
        for label, r in zip(labels, rows.itertuples(), strict=True))
    number, tables = table_of
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
    shown = pd.DataFrame({_("figure"): [*labels, *share_labels(dataset, held)],
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
    return Chart(name, heading, alt, description, shown, figure, bool(small))


def contrast_tables(dataset: Dataset, site: str) -> tuple[pd.DataFrame, str]:
    """Returns the contrasts a report shows and, in words, where they come from."""
    rows, scope = shown_contrasts(dataset, site)
    return rows, words.contrast_scope(dataset, site, scope)


@of_run("dataset", "site", "min_n")
def contrasts_section(dataset: Dataset, site: str | None, min_n: int) -> Section:
    """Returns the section comparing respondent groups (the codebook's contrasts)."""
    rows, scope = shown_contrasts(dataset, site or "")
    where, network_wide = words.contrast_scope(dataset, site or "", scope), scope != "site"
    if len(rows) == 0:
        return Section(_("Respondent groups"))
    made = []
    for (contrast, table_id), cells in rows.groupby(["contrast", "table"], sort=False):
        same = list(dict.fromkeys(rows.loc[rows["contrast"] == contrast, "table"]))  # its tables
        made.append(contrast_chart(dataset, cells.reset_index(drop=True),
                                   f"contrast-{contrast}-{table_id}", where, min_n,
                                   "" if network_wide else site or "",
                                   (same.index(table_id) + 1, len(same))))
    labels = [dataset.codebook.group_label(g.id) for g in dataset.codebook.groups]
    intro = (_("How {groups} answered ({where}).").format(groups=language.conjunction(labels), where=where)
             if len(labels) > 1 else _("How the groups answered ({where}).").format(where=where))
    return Section(_("Respondent groups"), intro, made)


@of_run("dataset", "site", "min_n")
def waves_section(dataset: Dataset, site: str | None, min_n: int) -> Section:
    """Returns the changes between the last two waves, as a dumbbell per figure."""
    rows = analysis.wave_changes(dataset, site or "")
    if rows.empty:
        return withheld_section(dataset, _("Changes between waves"), site, group="")
    codebook = dataset.codebook
    held, hidden = withheld_pairs(dataset, site or "", [
        ("before", {"wave": rows["before"].iloc[0], "group": ""}),
        ("after", {"wave": rows["after"].iloc[0], "group": ""})])
    held = held.assign(change=math.nan, low=math.nan, high=math.nan)
    before, after = codebook.wave_label(rows["before"].iloc[0]), codebook.wave_label(rows["after"].iloc[0])
    labels = share_labels(dataset, rows)
    figure = charts.dumbbell(pd.concat([rows, held], ignore_index=True),
                             [*labels, *share_labels(dataset, held)], "after %", "before %",
                             (_("{wave} (n up to {n})").format(wave=after, n=int(rows["after n"].max())),
                              _("{wave} (n up to {n})").format(wave=before, n=int(rows["before n"].max()))),
                             gap="change",
                             xlabel=_("% {of_respondents}").format(of_respondents=of_respondents(dataset)),
                             gap_label=_("change, {after} − {before}").format(after=after, before=before),
                             text=words.chart_text())
    rows = judged(dataset, rows, "change", site or "")
    found = largest_first(rows[rows["clear"]], "change")
    widest = found.iloc[0] if len(found) else None
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

