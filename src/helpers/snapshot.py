"""Each site's one-page family snapshot: the few figures that matter most to families, each against
the rest of the network, in short sentences.

The facts first (:func:`facts`: records of keys and numbers), taken from the tables the full site
report shows, so that every figure is the same: the site's shares against the reference
(analysis.site_shares), their verdicts in the run's one false-discovery family
(analysis.is_clear: the same verdict as the full report for the same comparison), and what
disclosure control withholds (a withheld figure is named, never given). Then their words, then
the blocks a notebook shows. Which figures: the codebook's ``snapshot: items``; by default the
items its families' group (``snapshot: families``) answered; with no such group, the figures the
site's key findings lead with (clear gaps first, then the largest).

Each of the page's sections is an exhibit of those facts (:func:`findings`, :func:`families`,
:func:`numbers`: ``.frame`` the figures a row, ``.shown`` the section as the page shows it), as
the sections of the full report are (helpers.report.blocks.Exhibit).
"""

import dataclasses
import math
from dataclasses import dataclass, field

import pandas as pd
from IPython.display import HTML

from helpers import analysis, language, report
from helpers.context import Run, of_run
from helpers.language import N_, NP_, _, gendered, n_, number, percent
from helpers.load import Dataset
from helpers.paths import SNAPSHOT_PAGE
from helpers.words import capital

HEADLINE_FIGURES = 3  # with no families' group and no items named: the figures the findings lead with
SUBTITLE = N_("Family snapshot")  # the title block's subtitle (report.title translates it)


def name_of(site: str) -> str:
    """Returns the report name (and file name, without .html) of a site's snapshot."""
    return site + SNAPSHOT_PAGE


# --- the facts ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Figure:
    """One of the snapshot's figures at the site: its share and the reference's, unrounded; a
    withheld one has no numbers, only its mark."""

    item: str
    answer: str
    percent: float = math.nan
    reference: float = math.nan
    gap: float = math.nan
    tested: bool = False  # the gap has a test, so a verdict in the run's family
    clear: bool = False
    n: float = math.nan
    withheld: str = ""  # what disclosure control shows instead ("—", "> 85%"), or ""


@dataclass(frozen=True)
class Facts:
    """What a site's snapshot says, as keys and numbers."""

    site: str
    figures: list[Figure]
    families: str = ""  # the families' group, if the codebook names one
    family_figures: list[Figure] = field(default_factory=list)  # their own shares at the site
    family_withheld: int = 0  # how many of their figures are withheld


def pairs_of(dataset: Dataset, site: str) -> list[tuple[str, str]]:
    """Returns the (item, answer) pairs the site's snapshot shows, in the codebook's order (the
    codebook's own order of snapshot items when it names them)."""
    codebook = dataset.codebook
    every = analysis.indicators(codebook)
    if codebook.snapshot.items:
        return [pair for item in codebook.snapshot.items for pair in every if pair[0] == item]
    families = codebook.snapshot.families
    if families:
        answered = set(dataset.figures.loc[dataset.figures["group"] == families, "item"])
        return [pair for pair in every if pair[0] in answered]
    gaps = analysis.gaps_for_site(dataset, site)  # largest first
    clear = report.judged(dataset, gaps, "site")["clear"]
    leading = pd.concat([gaps[clear], gaps[~clear]]).head(HEADLINE_FIGURES)
    chosen = set(zip(leading["item"], leading["answer"], strict=True))
    return [pair for pair in every if pair in chosen]


def _figures(dataset: Dataset, shares: pd.DataFrame, hidden: pd.DataFrame,
             pairs: list[tuple[str, str]], tested: bool) -> list[Figure]:
    """Returns a Figure per pair that the table of shares has, or disclosure control withholds."""
    rows = shares.set_index(["item", "answer"])
    marks = hidden.drop_duplicates(["item", "answer"]).set_index(["item", "answer"])["shown"]
    made = []
    for item, answer in pairs:
        if (item, answer) in marks.index:
            made.append(Figure(item, answer, withheld=str(marks[(item, answer)])))
        elif (item, answer) in rows.index:
            row = rows.loc[(item, answer)]
            made.append(Figure(item, answer, float(row["percent"]),
                               float(row.get("reference", math.nan)), float(row.get("gap", math.nan)),
                               tested and pd.notna(row.get("p")), bool(row.get("clear", False)),
                               float(row["n"]) if pd.notna(row["n"]) else math.nan))
    return made


def facts(dataset: Dataset, site: str) -> Facts:
    """Returns what the site's snapshot says: its figures against the reference, with their
    verdicts in the run's family, and, where the codebook names the families' group, the
    families' own shares at the site (those disclosure control lets a report show)."""
    pairs = pairs_of(dataset, site)
    shares = analysis.site_shares(dataset)
    shares = report.judged(dataset, shares[shares["site"] == site], "site")
    hidden = report.withheld(dataset, site=site, group="", breakdown="")
    figures = _figures(dataset, shares, hidden, pairs, tested=True)
    figures = [f for f in figures if not f.withheld] + [f for f in figures if f.withheld]  # shown first
    families = dataset.codebook.snapshot.families
    if not families:
        return Facts(site, figures)
    wave = analysis.latest_wave(dataset)
    own = analysis.at_site(dataset, "shares", site)
    own = own[(own["group"] == families) & (own["wave"] == wave) & (own["breakdown"] == "")
              & (own["aggregate"] == "")].drop_duplicates(["item", "answer"])
    theirs = _figures(dataset, own, report.withheld(dataset, site=site, group=families, breakdown=""),
                      pairs, tested=False)
    shown = [f for f in theirs if not f.withheld]
    return Facts(site, figures, families, shown, len(theirs) - len(shown))


# --- the words ------------------------------------------------------------------------------------


def headline(dataset: Dataset, found: Facts) -> str:
    """Returns the snapshot's headline: its clearest difference, or that none is clear, or (gaps
    without a test) how many figures are above the reference; or that none can be shown."""
    name = dataset.codebook.site_name(found.site)
    reference = report.reference_words(dataset)
    shown = [f for f in found.figures if not f.withheld]
    if not shown:
        return _("At {site}, too few people answered for these figures to be shown safely.").format(
            site=name)
    clear = sorted((f for f in shown if f.clear), key=lambda f: -abs(f.gap))
    if clear:
        top = clear[0]
        words = (_("At {site}, {figure} is clearly higher than in {reference}: {percent} against "
                   "{reference_percent}.") if top.gap > 0 else
                 _("At {site}, {figure} is clearly lower than in {reference}: {percent} against "
                   "{reference_percent}."))
        return words.format(site=name, figure=report.share_label(dataset, top.item, top.answer),
                            reference=reference, percent=percent(top.percent),
                            reference_percent=percent(top.reference))
    if any(f.tested for f in shown):
        return n_("At {site}, people answered much like {reference}: the {count} figure here does not "
                  "differ clearly.",
                  "At {site}, people answered much like {reference}: none of the {count} figures here "
                  "differs clearly.", len(shown)).format(site=name, reference=reference, count=len(shown))
    above = sum(f.gap > 0 for f in shown)
    if len(shown) == 1:
        one = (_("At {site}, the one figure here is above {reference}.") if above else
               _("At {site}, the one figure here is not above {reference}."))
        return one.format(site=name, reference=reference)
    return n_("At {site}, {above} of {count} figures is above {reference}.",  # the verb agrees with above
              "At {site}, {above} of {count} figures are above {reference}.", above).format(
        site=name, above=above, count=len(shown), reference=reference)


def verdict(figure: Figure) -> str:
    """Returns what a figure's gap means, in a few words: the run's verdict where it is tested."""
    if figure.tested:
        if not figure.clear:
            return _("No clear difference.")
        return _("Clearly higher here.") if figure.gap > 0 else _("Clearly lower here.")
    words = (_("{points} points higher here, but we cannot tell if that is more than chance.")
             if figure.gap > 0 else
             _("{points} points lower here, but we cannot tell if that is more than chance."))
    return words.format(points=number(abs(figure.gap)))


def finding(dataset: Dataset, figure: Figure, min_n: int) -> str:
    """Returns one figure as a key finding (escaped HTML): its label, what it counts, the site's
    share beside the reference's and the verdict."""
    label = report.share_label(dataset, figure.item, figure.answer)
    counts = _what_it_counts(dataset, figure)
    text = _("Here: {percent}. {reference}: {reference_percent}.").format(
        percent=percent(figure.percent), reference_percent=percent(figure.reference),
        reference=capital(report.reference_words(dataset))) + " " + verdict(figure)
    if figure.n == figure.n and figure.n < min_n:
        text += " " + _("Few people answered, so read it with care.")
    return (f"<strong>{report.esc(capital(label))}</strong> ({report.esc(counts)}): "
            + report.esc(text))


def _what_it_counts(dataset: Dataset, figure: Figure) -> str:
    """Returns what a share counts, shortly: the scale's positive answer, or the option's measure."""
    item = dataset.codebook.item(figure.item)
    if item.kind == "choose-any":
        return item.measure or _("chose it")
    return dataset.codebook.answer_label(figure.item, figure.answer)


def withheld_finding(dataset: Dataset, found: Facts) -> str:
    """Returns, for the figures disclosure control withholds at the site, that too few answered to
    show them (escaped HTML), naming them and giving no number; "" where none is."""
    names = [report.share_label(dataset, f.item, f.answer) for f in found.figures if f.withheld]
    if not names:
        return ""
    title = _("Withheld")
    return f"<strong>{report.esc(title)}</strong>: " + report.esc(n_(
        "too few people answered here to show this figure safely: {figures}.",
        "too few people answered here to show these figures safely: {figures}.", len(names)).format(
        figures=language.conjunction(names)))


def _gender(dataset: Dataset, group: str) -> str:
    return next((g.gender for g in dataset.codebook.groups if g.id == group), "")


GENDERED = (  # the sentences that agree with the gender of the families' group's label
    NP_("masculine", "What {group} said"), NP_("feminine", "What {group} said"),
    NP_("masculine", "Too few {group} answered the other questions to show their answers safely."),
    NP_("feminine", "Too few {group} answered the other questions to show their answers safely."),
    NP_("masculine", "Too few {group} at {site} answered for their own answers to be shown safely. The "
                     "figures above count everyone who answered: {groups}."),
    NP_("feminine", "Too few {group} at {site} answered for their own answers to be shown safely. The "
                    "figures above count everyone who answered: {groups}."),
)


def family_words(dataset: Dataset, found: Facts) -> list[str]:
    """Returns the families' own figures as list items (escaped HTML), and a sentence for those
    withheld; a sentence alone where all are."""
    group = dataset.codebook.group_label(found.families)
    items = [f"<strong>{report.esc(capital(report.share_label(dataset, f.item, f.answer)))}"
             f"</strong> ({report.esc(_what_it_counts(dataset, f))}): "
             + report.esc(_("{percent} {of_group}.").format(percent=percent(f.percent),
                                                           of_group=report.of_group(dataset, found.families)))
             for f in found.family_figures]
    if found.family_withheld and items:
        items.append(report.esc(gendered(_gender(dataset, found.families), "Too few {group} answered the "
                                         "other questions to show their answers safely.").format(
            group=group)))
    return items


def families_note(dataset: Dataset, found: Facts) -> str:
    """Returns, where every figure of the families is withheld, that their answers are too few to
    show, and whose answers the figures above count; else ""."""
    if not found.families or found.family_figures:
        return ""
    codebook = dataset.codebook
    groups = language.conjunction([g.label for g in codebook.groups])
    return gendered(_gender(dataset, found.families), "Too few {group} at {site} answered for their own "
                    "answers to be shown safely. The figures above count everyone who answered: "
                    "{groups}.").format(
        group=codebook.group_label(found.families), site=codebook.site_name(found.site), groups=groups)


# --- the exhibits and the blocks -----------------------------------------------------------------


@dataclass(frozen=True, repr=False, eq=False)
class SnapshotExhibit:
    """What the snapshot's exhibits share: the run and the facts of its site."""

    run: Run
    facts: Facts

    @property
    def frame(self) -> pd.DataFrame:
        """Returns the snapshot's figures a row ("whose": the site's, or the families' own)."""
        rows = ([dataclasses.asdict(f) | {"whose": "site"} for f in self.facts.figures]
                + [dataclasses.asdict(f) | {"whose": self.facts.families} for f in self.facts.family_figures])
        return pd.DataFrame(rows, columns=[f.name for f in dataclasses.fields(Figure)] + ["whose"])


class SnapshotFindings(SnapshotExhibit, report.KeyFindings):
    """The snapshot's headline and its findings, one per figure."""

    def present(self) -> report.Findings:
        dataset, found = self.run.dataset, self.facts
        items = [finding(dataset, f, self.run.min_n) for f in found.figures if not f.withheld]
        return report.Findings(headline(dataset, found),
                               [*items, *filter(None, [withheld_finding(dataset, found)])])


class Families(SnapshotExhibit, report.Exhibit):
    """What the families said at the site, or that too few answered; nothing without a families'
    group."""

    def present(self) -> report.Section | HTML:
        dataset, found = self.run.dataset, self.facts
        if not found.families:
            return HTML("")
        heading = gendered(_gender(dataset, found.families), "What {group} said").format(
            group=dataset.codebook.group_label(found.families))
        note = families_note(dataset, found)
        if note:
            return report.Section(capital(heading), "", [report.paragraph(note, "note")])
        return report.Section(capital(heading), "", [report.bullets(family_words(dataset, found),
                                                                    "family-figures")])


class Numbers(SnapshotExhibit, report.Exhibit):
    """The numbers behind the findings and what they are."""

    def present(self) -> report.Section:
        dataset = self.run.dataset
        wave = dataset.codebook.wave_label(analysis.latest_wave(dataset))
        intro = _("Each figure is the share {of_respondents} giving that answer in {wave}, against "
                  "{reference}. A difference is called clear only when it is too large to be chance, as "
                  "in the full report.").format(of_respondents=report.of_respondents(dataset), wave=wave,
                                                reference=report.reference_words(dataset))
        return report.Section(_("The numbers"), intro, [numbers_table(dataset, self.facts)])


def findings(run: Run) -> SnapshotFindings:
    """Returns the snapshot's key findings exhibit."""
    return SnapshotFindings(run, facts(run.dataset, run.site))


def families(run: Run) -> Families:
    """Returns the exhibit of what the families said at the site."""
    return Families(run, facts(run.dataset, run.site))


def numbers(run: Run) -> Numbers:
    """Returns the exhibit of the snapshot's numbers."""
    return Numbers(run, facts(run.dataset, run.site))


def key_findings(run: Run) -> report.Findings:
    """Returns the snapshot's headline and its findings (escaped HTML), one per figure."""
    return findings(run).shown


def families_section(run: Run) -> report.Section | HTML:
    return families(run).shown


def numbers_section(run: Run) -> report.Section:
    return numbers(run).shown


def numbers_table(dataset: Dataset, found: Facts) -> report.DataTable:
    """Returns the snapshot's figures as a table, as the full report's table gives them: the
    site's share, the reference's, the gap and its verdict (withheld figures marked)."""
    shown = pd.DataFrame({
        _("figure"): [report.share_label(dataset, f.item, f.answer) for f in found.figures],
        "%": [f.percent for f in found.figures],
        _("reference %"): [f.reference for f in found.figures],
        _("gap (points)"): [f.gap for f in found.figures],
        _("clear"): [report.yes_no(f.clear) if f.tested else "" for f in found.figures],
        _("note"): [(_("withheld") if f.withheld == report.WITHHELD else
                     _("{mark} (withheld)").format(mark=f.withheld)) if f.withheld else ""
                    for f in found.figures]}).round(1)
    if not any(f.tested for f in found.figures):
        shown = shown.drop(columns=_("clear"))
    return report.DataTable(shown, _("{site}: the figures of this page").format(
        site=dataset.codebook.site_name(found.site)), name="snapshot")


@of_run("site")
def full_report_link(site: str) -> HTML:
    """Returns a paragraph linking the site's full report, for educators and partners."""
    words = _("the full report")  # (not inside the f-string, where extraction cannot see it)
    link = f'<a href="{report.esc(site)}.html">{report.esc(words)}</a>'
    # "family-snapshot": on paper, report.css fits the page with this paragraph on one sheet
    return HTML('<p class="note family-snapshot">' + report.esc(_(
        "For educators and partners: {link} has every figure, chart and method.")).format(link=link)
        + "</p>")


@of_run("site")
def snapshot_link(site: str) -> HTML:
    """Returns a paragraph linking a site's family snapshot, for its full report."""
    words = _("the family snapshot")
    link = f'<a href="{report.esc(name_of(site))}.html">{report.esc(words)}</a>'
    return HTML('<p class="note">' + report.esc(_("A one-page summary for families: {link}.")).format(
        link=link) + "</p>")
