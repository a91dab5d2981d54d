"""The reports' phrases: made when a figure or finding is shown, from its keys and numbers and
the codebook, in the report's language.

:mod:`helpers.checks` returns records; this module turns them into sentences (for `make
check-data`, the data notes and the data-quality report). It also holds the phrases the report's
sections share (labels, grammar that agrees with a group's gender, verdicts, what is withheld and
why, chart titles) and the words charts write beside their marks (:class:`ChartText`), since
helpers.charts writes none of its own. Numbers are formatted by helpers.language. Nothing here is
parsed again.
"""

import math
from dataclasses import dataclass

import pandas as pd

from helpers import language
from helpers.checks import Finding
from helpers.codebook import Codebook
from helpers.disclosure import SMALL_GROUP, coded_bound
from helpers.language import N_, NP_, _, gendered, n_, number, percent, signed
from helpers.load import Dataset
from helpers.marks import PRECISION, WITHHELD

GENDERED = (  # the phrases that agree with the gender of a group's label or of the respondents' word
    NP_("masculine", "all {respondents}"), NP_("feminine", "all {respondents}"),
    NP_("masculine", "of {group}"), NP_("feminine", "of {group}"),
    NP_("masculine", "among {group}"), NP_("feminine", "among {group}"),
    NP_("masculine", "of {respondents}"), NP_("feminine", "of {respondents}"),
    NP_("masculine", "of {site}'s {respondents}"), NP_("feminine", "of {site}'s {respondents}"),
    NP_("masculine", "What {respondents} chose"), NP_("feminine", "What {respondents} chose"),
)

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


def only_site(site: str) -> str:
    """Returns the sentence for a survey of one site: it has no other site to be compared with."""
    return _("{site} is the only site in this survey, so it is not compared with other sites.").format(
        site=site)


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


# --- the reports' phrases: labels, grammar, verdicts and what is withheld ----------------------------


def share_label(dataset: Dataset, item: str, answer: str) -> str:
    """Returns a share's short label: an option's short label, or the item's label."""
    found = dataset.codebook.item(item)
    return dataset.codebook.answer_label(item, answer) if found.kind == "choose-any" else found.label


def share_labels(dataset: Dataset, rows: pd.DataFrame) -> list[str]:
    return [share_label(dataset, i, a) for i, a in zip(rows["item"], rows["answer"], strict=True)]


def measure_words(dataset: Dataset, item: str, answer: str) -> str:
    """Returns what a share counts, e.g. "agree or strongly agree" or "chose it"."""
    found = dataset.codebook.item(item)
    if found.kind == "choose-any":
        return found.measure or _("chose it")
    return _("answer {answer}").format(answer=dataset.codebook.answer_label(item, answer))


def reference_words(dataset: Dataset) -> str:
    return (_("the published all-sites figure") if dataset.codebook.dataset.reference == "published mean"
            else _("the rest of the network"))


def n_words(n, inferred: bool) -> str:
    if n is None or pd.isna(n):
        return _("n unknown")
    return (_("n = {n}, inferred") if inferred else _("n = {n}")).format(n=round(float(n)))


def withheld_count(count: int) -> str:
    """Returns "; N withheld (—)." for a chart's alt text."""
    return "; " + _("{count} withheld ({mark}).").format(count=count, mark=WITHHELD)


def name_list(names: list[str], most: int = 6) -> str:
    """Returns the names as a list in words, the first few and how many more."""
    if len(names) <= most:
        return language.conjunction(names)
    return _("{names} and {count} more").format(names=", ".join(names[:most]), count=len(names) - most)


def withheld_reasons(dataset: Dataset) -> dict[str, str]:
    """Returns why a figure is withheld, in words, by how disclosure control withheld it
    ("primary", "complementary", "coded": a small group's, with the bound its shares passed)."""
    rules = dataset.codebook.dataset.disclosure
    bound = coded_bound(rules.minimum_base, rules.protection_interval)
    coded = (_("fewer than {size} respondents, too few for any bound on a share to protect them").format(
        size=SMALL_GROUP) if bound is None else
        _("fewer than {size} respondents, and a share above {top}% or below {bottom}%, which is shown only "
          "as that bound").format(size=SMALL_GROUP, top=100 - bound, bottom=bound))
    return {"primary": _("fewer than {base} respondents").format(base=rules.minimum_base),
            "complementary": _("so that another withheld figure cannot be worked out from it"),
            "coded": coded}


def withheld_sentence(dataset: Dataset, rows: pd.DataFrame, names: list[str]) -> str:
    """Returns, for a chart's withheld figures (rows, each with a name), why each is withheld."""
    if rows.empty:
        return ""
    parts = []
    for kind, why in withheld_reasons(dataset).items():
        chosen = [name + (f" {shown}" if kind == "coded" and shown != WITHHELD else "")
                  for name, k, shown in zip(names, rows["suppressed"], rows["shown"], strict=True)
                  if k == kind]
        if chosen:
            parts.append(f"{name_list(chosen)} ({why})")
    return " " + _("{mark} Withheld to protect the people behind small numbers: {reasons}.").format(
        mark=WITHHELD, reasons="; ".join(parts))


def notes(rows: pd.DataFrame) -> list[str]:
    """Returns each row's note for a table: withheld (or its coded bound), or the precision flag."""
    shown = rows["shown"] if "shown" in rows else pd.Series("", index=rows.index)
    flags = rows["imprecise"] if "imprecise" in rows else pd.Series(False, index=rows.index)
    return [(_("withheld") if text == WITHHELD else _("{mark} (withheld)").format(mark=text))
            if isinstance(text, str) and text else PRECISION if flag is True else ""
            for text, flag in zip(shown, flags, strict=True)]


def precision_note(rows: pd.DataFrame) -> str:
    """Returns how many of the figures are too imprecise to read much into, or nothing."""
    count = int(rows["imprecise"].sum())
    if not count:
        return ""
    return " " + n_("{mark} {count} of {total} figure is too imprecise to read much into (marked in the "
                    "table; see Methods).",
                    "{mark} {count} of {total} figures are too imprecise to read much into (marked in the "
                    "table; see Methods).", len(rows)).format(mark=PRECISION, count=count, total=len(rows))


def yes_no(clear: bool) -> str:
    """Returns a comparison's verdict as a table shows it."""
    return _("yes") if clear else _("no")


def verdict_cells(rows: pd.DataFrame, withheld_rows: int = 0) -> list:
    """Returns a table's column of verdicts: yes or no for each tested comparison (rows with a
    p-value and a clear column), blank for an untested one, missing for withheld rows after them."""
    return [yes_no(c) if p == p else "" for c, p in zip(rows["clear"], rows["p"], strict=True)] \
        + [None] * withheld_rows


def interval(low: float, high: float) -> str:
    return _("95% CI {low} to {high}").format(low=signed_number(low), high=signed_number(high))


def signed_number(value: float) -> str:
    """Returns a number with a true minus sign where negative, and no plus sign."""
    return ("−" if value < 0 else "") + number(abs(value))


def verdict(clear: bool, gap: float, low: float, high: float, change: bool = False) -> str:
    """Returns whether a tested gap (or change) is clear, in words (its interval is in the chart's
    table)."""
    if math.isnan(low):
        return ""
    values = {"points": signed(gap)}
    if change:
        return ("; " + (_("a clear change of {points} points") if clear else
                        _("the change of {points} points is not clear: with this many comparisons, "
                          "chance alone could give one this size")).format(**values))
    return ("; " + (_("a clear gap of {points} points") if clear else
                    _("the gap of {points} points is not clear: with this many comparisons, chance "
                      "alone could give one this size")).format(**values))




def all_respondents() -> str:
    return _("all respondents")


def among(dataset: Dataset, group: str) -> str:
    """Returns "among <group>" ("entre las familias"), or among all respondents."""
    if not group:
        return _("among all respondents")
    found = {g.id: g for g in dataset.codebook.groups}.get(group)
    return gendered(found.gender if found else "", "among {group}").format(
        group=dataset.codebook.group_label(group))


def of_group(dataset: Dataset, group: str) -> str:
    """Returns "of <group>", as the language joins it to a share ("de las familias")."""
    found = {g.id: g for g in dataset.codebook.groups}.get(group)
    label = dataset.codebook.group_label(group)
    return gendered(found.gender if found else "", "of {group}").format(group=label)


def of_respondents(dataset: Dataset) -> str:
    """Returns "of <the respondents' word>", as the language joins it to a share."""
    about = dataset.codebook.dataset
    return gendered(about.respondents_gender, "of {respondents}").format(respondents=about.respondents_word)



@dataclass(frozen=True)
class ChartText:
    """The few words a chart writes beside its marks (helpers.charts writes none of its own)."""

    not_asked: str
    withheld: str  # beside a focal group's withheld figure: "{mark} withheld"
    withheld_row: str  # after a row's hollow markers of withheld groups
    withheld_coded: str  # the same, with the coded bounds shown: "{marks}"
    withheld_pair: str  # a dumbbell's row with a side withheld
    each_of: str  # the legend of a many-group dot plot: "{count}"
    gap: str  # a gap without its interval: "{gap}"
    gap_interval: str  # "{gap}", "{low}", "{high}"
    under_label: str  # what the text under a dumbbell's label is: "{gap}"
    no_figure: str


def chart_text() -> ChartText:
    """Returns the charts' words in the report's language."""
    return ChartText(
        not_asked=_("not asked"), withheld=_("{mark} withheld"), withheld_row=_("— withheld"),
        withheld_coded=_("— withheld ({marks})"), withheld_pair=_("— (withheld)"),
        each_of=_("each of {count}"), gap=_("{gap} pts"),
        gap_interval=_("{gap} pts (95% CI {low} to {high})"),
        under_label=_("under each label: {gap}, in points"), no_figure=_("no figure"))


def contrast_scope(dataset: Dataset, site: str, scope: str) -> str:
    """Returns where a report's contrasts come from (helpers.report.facts.shown_contrasts), in words."""
    if scope == "network-withheld":
        return _("network-wide; this site's figures by group are withheld to protect small numbers")
    if scope == "network":
        return _("network-wide; the data hold no such figures by site")
    return dataset.codebook.site_name(site) if site else _("all sites")
