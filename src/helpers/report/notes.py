"""Data notes, the data-quality report's tables, disclosure control and the methods."""

import dataclasses
from dataclasses import dataclass

import pandas as pd
from IPython.display import HTML

from helpers import analysis
from helpers.checks import Finding, findings_for_site
from helpers.context import Run, of_run
from helpers.disclosure import SMALL_GROUP, coded_bound
from helpers.language import N_, _, n_, number
from helpers.load import Dataset
from helpers.marks import FLAG, PRECISION, WITHHELD
from helpers.report.blocks import (
    DataTable,
    Exhibit,
    Fragment,
    Section,
    bullets,
    esc,
    paragraph,
    table,
)
from helpers.report.facts import contrast_tables_used
from helpers.words import (
    CHECK_EXPLANATIONS,
    CHECK_NAMES,
    capital,
    describe,
    reference_words,
    severity,
    share_label,
)


def finding_items(dataset: Dataset, findings: list[Finding], gather: bool = True) -> list:
    """Returns each finding as escaped HTML: what, where, as published and what others imply.
    The published means, which fail together, are gathered into one item."""
    averages = [f for f in findings if gather and f.check == "published average"]
    others = [f for f in findings if f not in averages]
    items = [averages_item(dataset, averages)] if averages else []
    for finding in others:
        described = describe(finding, dataset.codebook)
        source = (_("(source: {file}, row {row}; published {published}; the other figures give {implied})")
                  if finding.row is not None else
                  _("(source: {file}; published {published}; the other figures give {implied})")).format(
            file=finding.file, row=finding.row, published=described.published, implied=described.implied)
        items.append(f'<span class="severity {esc(finding.severity)}">'
                     f'{esc(severity(finding.severity))}</span> '
                     f'{esc(described.explanation)} <span class="source">{esc(source)}</span>')
    return items


def averages_item(dataset: Dataset, findings: list[Finding]) -> Fragment:
    averages = pd.DataFrame({
        _("figure"): [share_label(dataset, f.item, f.answer) for f in findings],
        _("published %"): [f.published for f in findings],
        _("plain average of the sites %"): [f.detail("unweighted") for f in findings]})
    sites = findings[0].detail("sites")
    text = n_("The published mean over the sites is not the plain average of the {sites} sites, nor a "
              "weighted "
              "average with respondent numbers that fit the sites' figures.",
              "None of the {count} published means over the sites is the plain average of the {sites} sites, "
              "nor a weighted average with respondent numbers that fit the sites' figures.",
              len(findings)).format(count=len(findings), sites=sites)
    source = _("(source: figures.csv, rows {rows}; the data-quality report gives the weighted averages "
               "tried)").format(rows=", ".join(str(f.row) for f in findings))
    return Fragment(
        f'<span class="severity unexplained">{esc(severity("unexplained"))}</span> {esc(text)} '
        + esc(_("The publication may count respondents not assigned to a site; it does not say.")) + " ",
        DataTable(averages, _("Published means and plain averages of the sites"),
              digits=max(1, *(f.decimals for f in findings))),
        f'<span class="source">{esc(source)}</span>')


@dataclass(frozen=True, repr=False, eq=False)
class DataNotes(Exhibit):
    """The data notes of a run: the checks' findings that concern its report, the site's own and
    those about the network-wide figures it shows (without a site, every finding); keys and numbers."""

    run: Run
    own: tuple[Finding, ...]
    shared: tuple[Finding, ...]
    found: int  # the run's findings in all, whether or not they concern this report
    gather: bool = True  # the published means, which fail together, as one note

    @property
    def frame(self) -> pd.DataFrame:
        """Returns each finding of the notes (its check, severity, file, row, keys and numbers), with
        what it is about: the site's own figures, or the network-wide ones the report shows."""
        rows = [dataclasses.asdict(f) | {"about": about}
                for about, findings in (("site", self.own), ("network", self.shared)) for f in findings]
        return pd.DataFrame(rows, columns=[f.name for f in dataclasses.fields(Finding)] + ["about"])

    def present(self) -> HTML | Fragment:
        return data_notes_of(self)


def data_notes(run: Run, gather: bool = True) -> DataNotes:
    """Returns the run's data notes: the findings that concern its report, the site's own first,
    then the network-wide figures it shows; without a site, every finding."""
    dataset, findings, site = run.dataset, run.findings, run.site
    if site is None:
        own, shared = findings, []
    else:
        own, shared = findings_for_site(findings, site, contrast_tables_used(dataset, site))
    return DataNotes(run, tuple(own), tuple(shared), len(findings), gather)


def data_notes_of(exhibit: DataNotes) -> HTML | Fragment:
    """Returns the data notes as the page shows them."""
    dataset, site, gather = exhibit.run.dataset, exhibit.run.site, exhibit.gather
    if not dataset.codebook.dataset.published and not exhibit.found:
        return HTML("<p>" + esc(_("The figures are counted from the survey exports, so their parts "
                                  "always add "
                                  "up to their totals; there is no published figure to check.")) + "</p>")
    own, shared = list(exhibit.own), list(exhibit.shared)
    parts = []
    if own:
        parts.append("<h3>" + esc(_("About this site's figures")) + "</h3>" if site else "")
        parts.append(bullets(finding_items(dataset, own, gather), "notes"))
    if shared:
        parts.append("<h3>" + esc(_("About the network-wide figures this report uses")) + "</h3>")
        parts.append(bullets(finding_items(dataset, shared, gather), "notes"))
    if not parts:
        parts.append("<p>" + esc(_("The published figures this report uses add up.")) + "</p>")
    return Fragment(*parts)


@of_run("findings")
def quality_headline(findings: list[Finding]) -> str:
    """Returns the data-quality report's headline: how many findings of each kind."""
    if not findings:
        return _("Every published figure we check adds up.")
    counts = pd.Series([f.severity for f in findings]).value_counts()
    phrases = {"inconsistent": lambda n: n_("{count} does not add up", "{count} do not add up", n),
               "unexplained": lambda n: n_("{count} cannot be reproduced", "{count} cannot be reproduced", n)}
    kinds = ", ".join(phrases[s](n).format(count=n) if s in phrases else f"{n} {s}"
                      for s, n in counts.items())
    return n_("{count} place where the published figures disagree: {kinds}.",
              "{count} places where the published figures disagree: {kinds}.", len(findings)).format(
        count=len(findings), kinds=kinds)


@of_run("findings")
def findings_summary(findings: list[Finding]) -> HTML:
    if not findings:
        return HTML("")
    frame = pd.DataFrame([{_("check"): _(CHECK_NAMES.get(f.check, f.check)),
                           _("severity"): severity(f.severity)} for f in findings])
    counts = frame.groupby([_("check"), _("severity")], sort=False).size().rename(_("findings")).reset_index()
    return table(counts, _("Findings by check"), digits=0)


@of_run()
def checks_list() -> HTML:
    return bullets([f"<strong>{esc(capital(_(CHECK_NAMES[name])))}</strong>: {esc(_(text))}"
                    for name, text in CHECK_EXPLANATIONS.items()], "notes")


@of_run("dataset")
def respondents_table(dataset: Dataset) -> HTML:
    """Returns the inferred respondents of each group of figures, or the counted bases."""
    from helpers.denominators import respondents

    inferred = respondents(dataset)
    codebook = dataset.codebook
    if inferred.empty:
        counts = analysis.respondent_counts(dataset)
        if counts.empty:
            return paragraph(_("The data give no percentages whose base must be inferred."))
        shown = counts.assign(wave=counts["wave"].map(codebook.wave_label),
                              group=counts["group"].map(lambda g: codebook.group_label(g) if g else _("all")))
        shown = shown.rename(columns={"wave": _("wave"), "group": _("group"),
                                      "respondents": _("respondents")})
        return table(shown, _("Respondents counted in the exports (exact)"), digits=0)
    shown = pd.DataFrame({
        _("table"): inferred["table"].map(codebook.table_title),
        _("respondents"): [", ".join(p for p in (codebook.site_name(s) if s else "", codebook.group_label(g)
                                                 if g else "") if p) or _("all")
                           for s, g in zip(inferred["site"], inferred["group"], strict=True)],
        _("n (inferred)"): inferred["n"],
        _("other numbers that fit"): inferred["candidates"].map(lambda c: ", ".join(map(str, c[1:4]))),
        _("published head-count"): inferred["bound"].astype(object),
        _("result"): inferred["status"].map(lambda status: _(INFERENCE_RESULTS.get(status, status))),
    })
    return table(shown, _("Respondents inferred from rounding"), digits=0)


INFERENCE_RESULTS = {  # helpers.denominators' statuses, as the data-quality report words them
    "fits": N_("fits"), "one figure does not fit": N_("one figure does not fit"),
    "more than published": N_("more than published"), "no fit": N_("no fit"),
    "whole percentages: not inferred": N_("whole percentages: not inferred"),
}


@of_run("dataset", "site")
def missing_note(dataset: Dataset, site: str) -> HTML:
    """Returns a note naming the sections a site's report leaves out for lack of data."""
    missing = []
    counted = not dataset.headcounts.empty and (dataset.headcounts["site"] == site).any()
    figures = analysis.at_site(dataset, "all figures", site)
    exported = (figures["file"] != "figures.csv").any()
    if not counted and not exported:  # (counts withheld to protect small groups are shown as such)
        missing.append(_("who took part (no counts for this site)"))
    if figures.empty:
        missing.append(_("the comparison with other sites (no figures for this site)"))
    if not missing:
        return HTML("")
    return HTML('<p class="note">' + esc(_("This report leaves out: {sections}. The data hold no figures "
                                           "for them.").format(sections="; ".join(missing))) + "</p>")


def lead(title: str, text: str) -> str:
    """Returns a paragraph's text (HTML) after its title in bold."""
    return f"<strong>{esc(title)}</strong> {text}"


def disclosure_words(dataset: Dataset) -> str:
    """Returns what disclosure control did and what its audit found, as one paragraph (HTML)."""
    audit = dataset.audit
    rules = dataset.codebook.dataset.disclosure
    bound = coded_bound(rules.minimum_base, rules.protection_interval)
    if not rules.top_bottom_coding:
        coding = _("Top/bottom coding is off.")
    elif bound is None:
        coding = _("Every figure of a group of fewer than {size} is withheld: no bound on its share would "
                   "leave enough possible counts beyond it.").format(size=SMALL_GROUP)
    else:
        coding = _("In a group of fewer than {size}, a share above {top}% or below {bottom}% is never "
                   "printed: that group's figures are withheld and the share is shown only as “> {top}%” "
                   "or “< {bottom}%”. The bound is the same for every group, and at least {counts} whole "
                   "counts lie beyond it in the smallest group it applies to, so the mark gives no one's "
                   "answer away.").format(size=SMALL_GROUP, top=100 - bound, bottom=bound,
                                   counts=max(2, rules.protection_interval + 1))
    verdict = (lead(_("Audit: passed."), esc(_(
        "From everything this run publishes (every site report and the network report together) and the "
        "relations between the figures, no withheld figure can be worked out."))) if audit.safe else
        lead(_("Audit: NOT SAFE."), esc(n_(
            "{count} withheld figure can be worked out from the published ones (complementary suppression "
            "is off); this report was published only because the run was told to.",
            "{count} withheld figures can be worked out from the published ones (complementary suppression "
            "is off); this report was published only because the run was told to.",
            len(audit.recoverable)).format(count=len(audit.recoverable)))))
    text = [_("A figure resting on fewer than {base} respondents is withheld and shown as {mark}, never as 0 "
              "or a blank.").format(base=audit.min_base, mark=WITHHELD), coding]
    if rules.complementary_suppression:
        text.append(_("Other figures are withheld too wherever a withheld one could otherwise be worked out "
                      "from what is shown: totals, all-groups figures, the network (complementary "
                      "suppression)."))
    text.append(_("Of {cells} groups of figures, {withheld} are withheld ({primary} for their size, "
                  "{coded} by "
                  "top/bottom coding, {complementary} to protect others).").format(
        cells=number(audit.cells, 0), withheld=number(audit.withheld, 0), primary=number(audit.primary, 0),
        coded=number(audit.coded, 0), complementary=number(audit.complementary, 0)))
    return (lead(_("Protecting small numbers."), esc(" ".join(text))) + " " + verdict + " " + esc(_(
        "The audit takes an outsider's part: for each withheld count and base, it looks for other whole "
        "numbers that fit everything the run publishes (parts and their totals, sites and the network, "
        "those who did not state a characteristic, the reasons printed, and that counts are whole "
        "numbers, none below 0 and none above its group). A withheld figure passes only if it is shown "
        "to take values at least {interval} apart, and no one can tell that none or all of a group gave "
        "an answer; where that cannot be shown, more figures are withheld.").format(
            interval=number(rules.protection_interval, 0))))


@of_run("dataset")
def disclosure_section(dataset: Dataset) -> Section:
    """Returns, for counted data, what disclosure control withheld and the audit's verdict."""
    if dataset.audit is None:
        return Section(_("Protecting small numbers"))
    return Section(_("Protecting small numbers"), "", [HTML(f"<p>{disclosure_words(dataset)}</p>")])


@dataclass(frozen=True, repr=False, eq=False)
class Methods(Exhibit):
    """What the methods section says of a run's dataset: which of its methods apply and the few
    numbers it gives (responses left out, the comparisons in the run's one family); no words."""

    run: Run
    published: bool  # figures transcribed as published (else counted from exports)
    inferred: bool  # respondents inferred from the rounding of some published percentages
    uninferable: bool  # published percentages whose base none can be inferred for
    counted: bool  # respondents counted from the exports
    left_out: int  # responses the survey tool marks as unfinished, a preview, a test or spam
    sites: bool  # sites compared with their reference
    reference: str  # the codebook's reference: "network" or "published mean"
    comparisons: int  # the tested comparisons of the run's one false-discovery family
    audited: bool  # disclosure control applied, and audited

    @property
    def frame(self) -> pd.DataFrame:
        """Returns the facts as one row."""
        facts = {f.name: getattr(self, f.name) for f in dataclasses.fields(self) if f.name != "run"}
        return pd.DataFrame([facts | {"min_n": self.run.min_n}])

    def present(self) -> HTML:
        return methods_of(self)


def methods(run: Run) -> Methods:
    """Returns the run's methods exhibit: which methods apply to its dataset, with their numbers."""
    from helpers.denominators import respondents

    dataset = run.dataset
    about = dataset.codebook.dataset
    guessed = respondents(dataset)
    return Methods(run, bool(about.published), bool(guessed["n"].notna().any()),
                   bool(len(guessed)) and not guessed["n"].notna().any(),
                   not analysis.respondent_counts(dataset).empty,
                   sum(count for reasons in dataset.left_out.values() for count in reasons.values()),
                   bool(dataset.site_ids), about.reference, len(analysis.verdicts(dataset)),
                   dataset.audit is not None)


def methods_of(exhibit: Methods) -> HTML:
    """Returns the methods and sources as the page shows them, as they apply to the dataset."""
    dataset, min_n = exhibit.run.dataset, exhibit.run.min_n
    about = dataset.codebook.dataset
    paragraphs = [lead(_("Source."), esc(about.source))]
    if about.translation_note:
        paragraphs.append(lead(_("Translation."), esc(about.translation_note)))
    if exhibit.published:
        paragraphs.append(lead(_("As published."), esc(_(
            "Every figure is transcribed exactly as published, slips included; the checks say where figures "
            "do not add up, and no figure is corrected."))))
    if exhibit.inferred:
        paragraphs.append(lead(_("How many people a figure rests on."), esc(_(
            "Where the publication gives percentages without their base, we infer it from the rounding: the "
            "smallest whole number of respondents for which every percentage of a group is a whole number of "
            "people (the GRIM idea). These numbers are inferences, marked “inferred” wherever they "
            "appear."))))
    elif exhibit.uninferable:
        paragraphs.append(lead(_("How many people a figure rests on."), esc(_(
            "The publication gives no number of respondents, and its whole percentages fit almost any "
            "number, "
            "so none is inferred and no interval is drawn."))))
    if exhibit.counted:
        paragraphs.append(lead(_("Counting."), esc(_(
            "Figures are counted from the survey exports, one row per respondent. The base of a "
            "percentage is "
            "those who gave an answer on the scale: skipped questions leave the base, and answers such as "
            "“don't know” are shown apart and leave the base of the others. A blank choose-any answer counts "
            "as skipped. Where the export has weights, percentages are weighted and intervals use Kish's "
            "effective sample size."))))
    left = exhibit.left_out
    if left:  # the survey tool's own marks (Qualtrics' Finished and Status)
        paragraphs.append(lead(_("Responses left out."), esc(n_(
            "{count} response that the survey tool marks as unfinished, a preview, a test or spam is left "
            "out.", "{count} responses that the survey tool marks as unfinished, a preview, a test or spam "
            "are left out.", left).format(count=number(left, 0)))))
    paragraphs.append(lead(_("Uncertainty."), esc(_(
        "Intervals are 95% Wilson score intervals for one percentage and Newcombe's hybrid score intervals "
        "for a difference between two groups or two waves (Brown, Cai & DasGupta 2001; Newcombe 1998), "
        "computed with statsmodels. Waves are treated as independent samples."))))
    if exhibit.sites:
        compared = (_("A site is compared with {reference} as the publication gives it; the publication "
                      "gives "
                      "no site counts from which to form the rest of the network, so the site is part of its "
                      "own reference.") if about.reference == "published mean" else
                    _("A site is compared with {reference} (all respondents but the site's, so that no "
                      "one is "
                      "counted on both sides), with Newcombe intervals.")).format(
            reference=reference_words(dataset))
        paragraphs.append(lead(_("Comparisons."), esc(compared + " " + _(
            "The range ratio is the highest site over the lowest; the index of disparity is the mean "
            "absolute "
            "gap as a percentage of the reference (NCI HD*Calc)."))))
    count = exhibit.comparisons
    paragraphs.append(lead(_("Many comparisons."), esc(n_(
        "The reports compare many figures (sites, groups, waves, and each group of a breakdown against the "
        "other respondents who stated a value), and some gaps look large by chance alone. A gap is called "
        "clear only when it survives Benjamini–Hochberg control of the false discovery rate at 5% "
        "across all the comparisons that the reports of this run publish, as one "
        "family of {count} tested comparison (statsmodels' multipletests, with score-test p-values), so a "
        "comparison has the same verdict in every report; the others are shown with their intervals, not "
        "as findings.",
        "The reports compare many figures (sites, groups, waves, and each group of a breakdown against the "
        "other respondents who stated a value), and some gaps look large by chance alone. A gap is called "
        "clear only when it survives Benjamini–Hochberg control of the false discovery rate at 5% "
        "across all the comparisons that the reports of this run publish, as one "
        "family of {count} tested comparisons (statsmodels' multipletests, with score-test p-values), so a "
        "comparison has the same verdict in every report; the others are shown with their intervals, not "
        "as findings.", count).format(count=number(count, 0))
        + (" " + _("Gaps to the published mean have no test, since the mean includes the site: they are "
                   "outside that family and never called clear.")
           if about.reference == "published mean" else ""))))
    if exhibit.audited:
        paragraphs.append(disclosure_words(dataset))
    paragraphs.append(lead(_("Small numbers."), esc(_(
        "A figure resting on fewer than {min_n} respondents is marked {flag}: one person more or less "
        "moves it "
        "by many points.").format(min_n=min_n, flag=FLAG))))
    paragraphs.append(lead(_("Precision."), esc(_(
        "Apart from privacy, a figure is marked {mark} when it is too imprecise to read much into, after the "
        "NCHS data presentation standards for proportions (Parker et al. 2017): an effective sample size "
        "under 30, a 95% interval 30 points wide or more, or an interval wider than 130% of the figure. The "
        "mark informs; it hides nothing.").format(mark=PRECISION))))
    return HTML("".join(f"<p>{p}</p>" for p in paragraphs))

