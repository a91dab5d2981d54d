"""Findings in words: made when a finding is shown, from its keys and numbers and the codebook.

:mod:`helpers.checks` returns records; this module is the one place that turns
them into sentences (for `make check-data`, the data notes and the data-quality
report). Nothing here is parsed again.
"""

import math
from dataclasses import dataclass

from helpers import language
from helpers.checks import Finding
from helpers.codebook import Codebook
from helpers.language import N_, NP_, _, gendered, n_, percent

GENDERED = (NP_("masculine", "all {respondents}"), NP_("feminine", "all {respondents}"))

SEVERITY_WORDS = {"inconsistent": N_("Does not add up"), "unexplained": N_("Cannot be reproduced")}


def severity(name: str) -> str:
    """Returns a finding's severity in the report's words."""
    return _(SEVERITY_WORDS[name]) if name in SEVERITY_WORDS else name


@dataclass(frozen=True)
class Described:
    """A finding as a reader sees it."""

    where: str
    published: str
    implied: str
    explanation: str


def figure(value: float) -> str:
    return language.number(value, None)


def everyone(codebook: Codebook) -> str:
    """Returns "all respondents" in the codebook's word for them."""
    return gendered(codebook.dataset.respondents_gender, "all {respondents}").format(
        respondents=codebook.dataset.respondents_word)


def who(codebook: Codebook, site: str, group: str) -> str:
    """Returns whose figures these are: a site, a group, both, or everyone."""
    parts = [codebook.site_name(site) if site else "", codebook.group_label(group) if group else ""]
    return ", ".join(p for p in parts if p) or everyone(codebook)


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
        where = _("{unit} row total").format(unit=unit_name(unit))
        text = _("The {unit} parts add up to {implied}, but the published total is {published}.").format(
            unit=unit_name(unit), implied=figure(f.implied), published=figure(f.published))
    else:
        label = codebook.activity_label(activity).split(" (")[0].lower()
        where = _("{activity} column total").format(activity=codebook.activity_label(activity))
        text = (_("The values' {activity} figures add up to {implied}, but the published total is "
                  "{published}.") if by_value else
                _("The sites' {activity} figures add up to {implied}, but the published total is "
                  "{published}.")).format(activity=label, implied=figure(f.implied),
                                          published=figure(f.published))
    slip = f.detail("slip_unit")
    if slip is not None:
        slip_activity = codebook.activity_label(f.detail("slip_activity")).split(" (")[0].lower()
        text += " " + _("One typing slip would explain this: if {unit}'s {activity} figure were {to} "
                        "instead of {was}, both its row and the {activity} column would add up.").format(
            unit=unit_name(slip), activity=slip_activity, to=f.detail("slip_to"), was=f.detail("slip_from"))
    return Described(where, figure(f.published), parts, text)


def _distribution(f: Finding, codebook: Codebook) -> Described:
    wording = statement(codebook, f.item, f.group)
    group = who(codebook, f.site, f.group)
    return Described(
        f"{group}: “{wording}”",
        " + ".join(figure(v) for v in f.parts),
        _("sum {total}, expected 100% ± {tolerance}").format(
            total=percent(f.published), tolerance=language.number(f.tolerance, 2)),
        n_("The {count} answers for “{wording}” ({group}) add up to {total}, more than rounding can "
           "explain (each cell is rounded to {decimals} decimal, so at most {tolerance} points off 100).",
           "The {count} answers for “{wording}” ({group}) add up to {total}, more than rounding can "
           "explain (each cell is rounded to {decimals} decimals, so at most {tolerance} points off 100).",
           f.decimals).format(count=len(f.parts), wording=wording, group=group, total=percent(f.published),
                              decimals=f.decimals, tolerance=language.number(f.tolerance, 2)),
    )


def _share(f: Finding, codebook: Codebook) -> Described:
    wording = statement(codebook, f.item, f.group)
    share = codebook.answer_label(f.item, f.answer)
    answers = [codebook.answer_label(f.item, a) for a in f.detail("parts_answers")]
    group = who(codebook, f.site, f.group)
    parts = " + ".join(percent(v, f.decimals) for v in f.parts)
    breakdown = language.conjunction([f"{a} ({percent(v)})" for a, v in zip(answers, f.parts, strict=True)])
    return Described(
        f"{statement(codebook, f.item, '')} — {group}",
        percent(f.published, f.decimals),
        _("{parts} = {implied} in the table “{table}”").format(
            parts=parts, implied=percent(f.implied, f.decimals),
            table=codebook.table_title(f.detail("parts_table"))),
        _("The table “{table}” gives {published} for {group} answering {share} to “{wording}”, but in "
          "the table "
          "“{parts_table}” {breakdown} add up to {implied}.").format(
            table=codebook.table_title(f.table), published=percent(f.published), group=group, share=share,
            wording=wording, parts_table=codebook.table_title(f.detail("parts_table")), breakdown=breakdown,
            implied=percent(f.implied)),
    )


def _difference(f: Finding, codebook: Codebook) -> Described:
    wording = statement(codebook, f.item, "")
    first, second = f.parts
    return Described(
        _("{wording} — difference").format(wording=wording),
        percent(f.published, f.decimals),
        f"{percent(first)} − {percent(second)} = {percent(f.implied)}",
        _("For “{wording}” the published difference is {published}, but the two published figures "
          "differ by {implied}.").format(wording=wording, published=percent(f.published),
                                         implied=percent(f.implied)),
    )


def _quote(f: Finding, codebook: Codebook) -> Described:
    table = codebook.table_title(f.table)
    source = (_("{answer} in the table “{table}”").format(answer=codebook.answer_label(f.item, f.answer),
                                                           table=table) if f.parts
              else _("the table “{table}”").format(table=table))
    return Described(
        f"“{f.detail('quote')}”",
        percent(f.published, f.decimals),
        _("{implied} in {source}").format(implied=percent(f.implied), source=source),
        _("The text quotes {published}, but {source} gives {implied}.").format(
            published=percent(f.published), source=source, implied=percent(f.implied)),
    )


def _mean(f: Finding, codebook: Codebook) -> Described:
    answer = codebook.answer_label(f.item, f.answer)
    full = next((o.label for o in codebook.item(f.item).options if o.id == f.answer), answer)
    implied = _("unweighted mean {value}").format(value=percent(f.detail("unweighted")))
    if f.detail("by_survey") is not None:
        implied += "; " + _("weighted by survey participants {value}").format(
            value=percent(f.detail("by_survey")))
    closest = f.detail("closest")
    if closest is not None:
        implied += "; " + _("closest plausible weighting {value}").format(value=percent(closest))
    text = _("The published all-sites figure for “{figure}” ({published}) is neither the plain "
             "average of the {sites} sites ({unweighted}) nor a weighted average with weights that fit "
             "the data.").format(figure=full, published=percent(f.published), sites=f.detail("sites"),
                                 unweighted=percent(f.detail("unweighted")))
    if closest is not None:
        text = text.removesuffix(".") + " " + _("(the closest, weights {weights}, gives {value}).").format(
            weights=f.detail("weights"), value=percent(closest))
    return Described(
        _("published mean of the sites — {figure}").format(figure=full),
        percent(f.published, f.decimals),
        implied,
        text + " " + _("It may include respondents not assigned to a site; the publication does not say."),
    )


def _whole(f: Finding, codebook: Codebook) -> Described:
    group = who(codebook, f.site, f.group)
    n = f.detail("n")
    if f.detail("status") == "one figure does not fit":
        low, high = math.floor(f.implied), math.ceil(f.implied)
        place = f"{codebook.item(f.item).label}, {codebook.answer_label(f.item, f.answer)}"
        numbers = {"people": language.number(f.implied), "n": n, "low": low, "high": high,
                   "low_percent": percent(100 * low / n), "high_percent": percent(100 * high / n)}
        return Described(
            f"{group}: {place}",
            percent(f.published),
            _("{people} of {n} people; {low} would be {low_percent}, {high} would be "
              "{high_percent}").format(**numbers),
            _("Every other figure for {group} is a whole number of {n} respondents (inferred, not "
              "published), but {published} would be {people} people: probably a typing slip for "
              "{low_percent} or {high_percent}.").format(group=group, published=percent(f.published),
                                                         **numbers),
        )
    bound = f.detail("bound")
    source = (_("{site} survey participants").format(site=codebook.site_name(f.site)) if f.site
              else _("survey participants in all"))
    if n is None:
        return Described(_("{group}: all figures").format(group=group),
                         ", ".join(percent(v) for v in f.parts),
                         _("no whole number of respondents fits"),
                         _("No whole number of respondents fits the rounded percentages for {group}.").format(
                             group=group))
    return Described(
        _("{group}: all figures").format(group=group),
        ", ".join(percent(v) for v in f.parts),
        _("at least {n} respondents (inferred), but {bound} published as {source}").format(
            n=n, bound=bound, source=source),
        _("The rounded percentages for {group} need at least {n} respondents (inferred from their "
          "rounding: multiples of {n} fit), but the publication lists {bound} {source}.").format(
            group=group, n=n, bound=bound, source=source),
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

CHECK_NAMES = {  # each check's name as the reports write it
    "parts against totals": N_("parts against totals"),
    "distribution sums to 100": N_("distribution sums to 100"),
    "share against its parts": N_("share against its parts"),
    "published difference": N_("published difference"),
    "text against table": N_("text against table"),
    "published average": N_("published average"),
    "whole numbers of people": N_("whole numbers of people"),
}

CHECK_EXPLANATIONS = {
    "parts against totals": N_("rows and columns of head-counts against their published totals."),
    "distribution sums to 100": N_("the answers to one question should add to 100% within the "
                                   "rounding of their cells."),
    "share against its parts": N_("a published share (such as agree or strongly agree) against the "
                                  "sum of its cells in the full distribution."),
    "published difference": N_("a published difference between two groups against its two parts."),
    "text against table": N_("figures quoted in the publication's text against its tables."),
    "published average": N_("a published mean over the sites against the plain mean of the sites and "
                            "against weighted means with weights that fit the data."),
    "whole numbers of people": N_("every percentage of a group must be a whole number of the same "
                                  "number of people, no more than the published head-count."),
}


# --- comparisons: titles and verdicts --------------------------------------------------------------
# A title or headline names a gap only when it is clear across the run's one family of comparisons
# (helpers.analysis.verdicts); otherwise it says what the chart shows. Labels come formatted.


def site_title(site: str, reference: str, count: int, tested: bool, above: int, clear: int,
               figure: str = "", gap: str = "") -> str:
    """Returns the title of a site's chart against the reference: its largest clear gap, or that
    none is clear, or (gaps without a test) how many figures are above the reference."""
    if not tested:
        return n_("{site} is above {reference} on {above} of {count} figure",
                  "{site} is above {reference} on {above} of {count} figures", count).format(
            site=site, reference=reference, above=above, count=count)
    if not clear:
        return _("No figure at {site} differs clearly from {reference}").format(site=site,
                                                                                 reference=reference)
    return n_("{site} differs clearly from {reference} on {clear} of {count} figure, most on {figure} "
              "({gap} points)",
              "{site} differs clearly from {reference} on {clear} of {count} figures, most on {figure} "
              "({gap} points)", count).format(site=site, reference=reference, clear=clear, count=count,
                                              figure=figure, gap=gap)


def gaps_title(reference: str, tested: bool, site: str = "", figure: str = "", gap: str = "",
               shares: bool = False, sites: int = 0) -> str:
    """Returns the title of a chart of the sites' gaps to the reference (of their shares, with
    shares): the largest clear gap, or that none is clear, or (gaps without a test) what the chart
    shows."""
    if not tested:
        words = (_("The figures of {sites} sites, with {reference} marked") if shares else
                 _("Gaps to {reference}, in points"))
        return words.format(sites=sites, reference=reference)
    if not figure:
        words = (_("No site's figure differs clearly from {reference} once chance is allowed for") if shares
                 else _("No gap to {reference} is clear once chance is allowed for"))
        return words.format(reference=reference)
    return _("Largest clear gap to {reference}: {site}, {figure}, {gap} points").format(
        reference=reference, site=site, figure=figure, gap=gap)


def contrast_title(first: str, second: str, tested: bool, figure: str = "", first_percent: str = "",
                   of_first: str = "", second_percent: str = "", of_second: str = "") -> str:
    """Returns the title of a contrast's chart: the largest clear gap between the two groups, or
    that none is clear, or (no test) what the chart shows."""
    if not tested:
        return capital(_("How {first} and {second} answered").format(first=first, second=second))
    if not figure:
        return _("No figure differs clearly between {first} and {second}").format(first=first, second=second)
    return capital(_("{first} and {second} differ clearly on “{figure}”: {first_percent} {of_first} vs "
                     "{second_percent} {of_second}").format(
        first=first, second=second, figure=figure, first_percent=first_percent, of_first=of_first,
        second_percent=second_percent, of_second=of_second))


def change_title(before: str, after: str, tested: bool, figure: str = "", first: str = "",
                 last: str = "", change: str = "") -> str:
    """Returns the title of the chart of changes between two waves: the largest clear change, or
    that none is clear, or (no test) what the chart shows."""
    if not tested:
        return _("How the figures moved from {before} to {after}").format(before=before, after=after)
    if not figure:
        return _("No figure changed clearly from {before} to {after}").format(before=before, after=after)
    return capital(_("{figure} changed clearly from {before} to {after}: {first} to {last} ({change} "
                     "points)").format(figure=figure, before=before, after=after, first=first, last=last,
                                       change=change))


def breakdown_title(characteristic: str, tested: bool, value: str = "", figure: str = "",
                    percent: str = "", others: str = "") -> str:
    """Returns the title of a breakdown's chart: the largest clear gap between a group and the
    other respondents, or that no group differs clearly, or (no test) what the chart shows."""
    if not tested:
        return _("How respondents answered, by {characteristic}").format(characteristic=characteristic)
    if not figure:
        return _("No {characteristic} group differs clearly from the other respondents").format(
            characteristic=characteristic)
    return _("By {characteristic}, the {value} group differs clearly from the other respondents on "
             "{figure}: {percent} against {others}").format(
        characteristic=characteristic, value=value, figure=figure, percent=percent, others=others)


def breakdown_finding(figure: str, characteristic: str, value: str, percent: str, others: str,
                      points: str) -> str:
    """Returns a key finding on a clear breakdown gap (plain text)."""
    return _("{figure}, by {characteristic}: {percent} of the {value} group against {others} of the other "
             "respondents; a clear gap of {points} points.").format(
        figure=capital(figure), characteristic=characteristic, value=value, percent=percent, others=others,
        points=points)


def capital(text: str) -> str:
    return text[:1].upper() + text[1:]
