"""Findings in words: made when a finding is shown, from its keys and numbers and the codebook.

:mod:`helpers.checks` returns records; this module is the one place that turns
them into sentences (for `make check-data`, the data notes and the data-quality
report). Nothing here is parsed again.
"""

import math
from dataclasses import dataclass

from helpers.checks import Finding
from helpers.codebook import Codebook

SEVERITY_WORDS = {"inconsistent": "Does not add up", "unexplained": "Cannot be reproduced"}


@dataclass(frozen=True)
class Described:
    """A finding as a reader sees it."""

    where: str
    published: str
    implied: str
    explanation: str


def percent(value: float, decimals: int = 1) -> str:
    """Returns a percentage as printed in the reports: one decimal unless told otherwise."""
    return f"{value:.{decimals}f}%"


def figure(value: float) -> str:
    return f"{value:g}"


def who(codebook: Codebook, site: str, group: str) -> str:
    """Returns whose figures these are: a site, a group, both, or everyone."""
    parts = [codebook.site_name(site) if site else "", codebook.group_label(group) if group else ""]
    return ", ".join(p for p in parts if p) or f"all {codebook.dataset.respondents_word}"


def statement(codebook: Codebook, item: str, group: str) -> str:
    """Returns an item's wording for a group, or its label when no wording is recorded."""
    found = codebook.item(item)
    return found.wording_for(group) or found.label


def describe(finding: Finding, codebook: Codebook) -> Described:
    """Returns the finding's place, published figure, implied figure and explanation."""
    return _DESCRIBERS[finding.check](finding, codebook)


def _totals(f: Finding, codebook: Codebook) -> Described:
    kind, unit, activity = f.detail("kind"), f.detail("unit"), f.detail("activity")
    by_value = f.detail("by_value")
    characteristic = next(iter(codebook.characteristics), None)

    def unit_name(u: str) -> str:
        if by_value and characteristic is not None:
            return codebook.value_label(characteristic.id, u)
        return codebook.site_name(u)

    parts = " + ".join(figure(v) for v in f.parts) + f" = {figure(f.implied)}"
    if kind == "row":
        where = f"{unit_name(unit)} row total"
        text = (f"The {unit_name(unit)} parts add up to {figure(f.implied)}, but the published "
                f"total is {figure(f.published)}.")
    else:
        label = codebook.activity_label(activity).split(" (")[0].lower()
        where = f"{activity} column total"
        members = "values" if by_value else "sites"
        text = (f"The {members}' {label} figures add up to {figure(f.implied)}, but the published "
                f"total is {figure(f.published)}.")
    slip = f.detail("slip_unit")
    if slip is not None:
        slip_activity = codebook.activity_label(f.detail("slip_activity")).split(" (")[0].lower()
        text += (f" One typing slip would explain this: if {unit_name(slip)}'s {slip_activity} "
                 f"figure were {f.detail('slip_to')} instead of {f.detail('slip_from')}, both its "
                 f"row and the {slip_activity} column would add up.")
    return Described(where, figure(f.published), parts, text)


def _distribution(f: Finding, codebook: Codebook) -> Described:
    wording = statement(codebook, f.item, f.group)
    group = who(codebook, f.site, f.group)
    return Described(
        f"{group}: “{wording}”",
        " + ".join(figure(v) for v in f.parts),
        f"sum {f.published:.1f}%, expected 100% ± {f.tolerance:.2f}",
        f"The {len(f.parts)} answers for “{wording}” ({group}) add up to {f.published:.1f}%, more "
        f"than rounding can explain (each cell is rounded to {f.decimals} decimal, so at most "
        f"{f.tolerance:.2f} points off 100).",
    )


def _share(f: Finding, codebook: Codebook) -> Described:
    wording = statement(codebook, f.item, f.group)
    share = codebook.answer_label(f.item, f.answer)
    answers = [codebook.answer_label(f.item, a) for a in f.detail("parts_answers")]
    group = who(codebook, f.site, f.group)
    parts = " + ".join(percent(v, f.decimals) for v in f.parts)
    breakdown = " and ".join(f"{a} ({percent(v)})" for a, v in zip(answers, f.parts, strict=True))
    return Described(
        f"{statement(codebook, f.item, '')} — {group}",
        percent(f.published, f.decimals),
        f"{parts} = {percent(f.implied, f.decimals)} in the {f.detail('parts_table')} table",
        f"The {f.table} table gives {percent(f.published)} of {group} answering {share} to "
        f"“{wording}”, but the {f.detail('parts_table')} table's {breakdown} add up to "
        f"{percent(f.implied)}.",
    )


def _difference(f: Finding, codebook: Codebook) -> Described:
    wording = statement(codebook, f.item, "")
    first, second = f.parts
    return Described(
        f"{wording} — difference",
        percent(f.published, f.decimals),
        f"{percent(first)} − {percent(second)} = {percent(f.implied)}",
        f"For “{wording}” the published difference is {percent(f.published)}, but the two "
        f"published figures differ by {percent(f.implied)}.",
    )


def _quote(f: Finding, codebook: Codebook) -> Described:
    source = (f"{codebook.answer_label(f.item, f.answer)} in the {f.table} table" if f.parts
              else f"the {f.table} table")
    return Described(
        f"“{f.detail('quote')}”",
        percent(f.published, f.decimals),
        f"{percent(f.implied)} in {source}",
        f"The text quotes {percent(f.published)}, but {source} gives {percent(f.implied)}.",
    )


def _mean(f: Finding, codebook: Codebook) -> Described:
    answer = codebook.answer_label(f.item, f.answer)
    full = next((o.label for o in codebook.item(f.item).options if o.id == f.answer), answer)
    implied = f"unweighted mean {f.detail('unweighted'):.1f}%"
    if f.detail("by_survey") is not None:
        implied += f"; weighted by survey participants {f.detail('by_survey'):.1f}%"
    closest = f.detail("closest")
    if closest is not None:
        implied += f"; closest plausible weighting {closest:.1f}%"
    return Described(
        f"published mean of the sites — {full}",
        percent(f.published, f.decimals),
        implied,
        f"The published all-sites figure for “{full}” ({percent(f.published)}) is neither the "
        f"plain average of the {f.detail('sites')} sites ({f.detail('unweighted'):.1f}%) nor a "
        "weighted average with weights that fit the data"
        + (f" (the closest, weights {f.detail('weights')}, gives {closest:.1f}%)"
           if closest is not None else "")
        + ". It may include respondents not assigned to a site; the publication does not say.",
    )


def _whole(f: Finding, codebook: Codebook) -> Described:
    group = who(codebook, f.site, f.group)
    n = f.detail("n")
    if f.detail("status") == "one figure does not fit":
        low, high = math.floor(f.implied), math.ceil(f.implied)
        place = f"{f.item}, {codebook.answer_label(f.item, f.answer)}"
        return Described(
            f"{group}: {place}",
            percent(f.published),
            f"{f.implied:.1f} of {n} people; {low} would be {100 * low / n:.1f}%, {high} would be "
            f"{100 * high / n:.1f}%",
            f"Every other figure for {group} is a whole number of {n} respondents (inferred, not "
            f"published), but {percent(f.published)} would be {f.implied:.1f} people: probably a "
            f"typing slip for {100 * low / n:.1f}% or {100 * high / n:.1f}%.",
        )
    bound = f.detail("bound")
    source = f"{codebook.site_name(f.site)} survey participants" if f.site else "survey participants in all"
    if n is None:
        return Described(f"{group}: all figures", ", ".join(percent(v) for v in f.parts),
                         "no whole number of respondents fits",
                         f"No whole number of respondents fits the rounded percentages for {group}.")
    return Described(
        f"{group}: all figures",
        ", ".join(percent(v) for v in f.parts),
        f"at least {n} respondents (inferred), but {bound} published as {source}",
        f"The rounded percentages for {group} need at least {n} respondents (inferred from their "
        f"rounding: multiples of {n} fit), but the publication lists {bound} {source}.",
    )


_DESCRIBERS = {
    "parts against totals": _totals,
    "distribution sums to 100": _distribution,
    "share against its parts": _share,
    "published difference": _difference,
    "text against table": _quote,
    "published average": _mean,
    "whole numbers of people": _whole,
}

CHECK_EXPLANATIONS = {
    "parts against totals": "rows and columns of head-counts against their published totals.",
    "distribution sums to 100": "the answers to one question should add to 100% within the "
                                "rounding of their cells.",
    "share against its parts": "a published share (such as agree or strongly agree) against the "
                               "sum of its cells in the full distribution.",
    "published difference": "a published difference between two groups against its two parts.",
    "text against table": "figures quoted in the publication's text against its tables.",
    "published average": "a published mean over the sites against the plain mean of the sites and "
                         "against weighted means with weights that fit the data.",
    "whole numbers of people": "every percentage of a group must be a whole number of the same "
                               "number of people, no more than the published head-count.",
}
