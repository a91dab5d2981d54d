"""The key findings of a site report and of the network overview: the largest clear gaps, in plain
words with their numbers.

Two steps, as each section: :func:`site_findings` and :func:`network_findings` build the
exhibit from the facts every section shares (helpers.report.facts): which gaps are clear, the
widest contrast and change, the clearest breakdown gaps, what is withheld, as rows and keys; their
presenters write the headline and the findings (``.shown``, a blocks.Findings), which a notebook
shows as the page does: the headline marked for the index page, then the findings as a list.
"""

from dataclasses import dataclass
from typing import NamedTuple

import pandas as pd

from helpers import analysis, words
from helpers.context import Run
from helpers.language import _, gendered, n_, number, percent, signed
from helpers.load import Dataset
from helpers.marks import PRECISION, WITHHELD
from helpers.report.blocks import Findings, KeyFindings, esc
from helpers.report.facts import clear_rows, judged, shown_contrasts, widest_comparison, withheld
from helpers.words import (
    all_respondents,
    capital,
    measure_words,
    of_group,
    reference_words,
    share_label,
    verdict,
)


class Widest(NamedTuple):
    """The widest comparison of a kind (the largest clear one, or the largest): its row, whether it
    is clear, and (contrasts) where the contrasts come from (facts.shown_contrasts)."""

    row: pd.Series
    clear: bool
    scope: str = ""


def widest_contrast(dataset: Dataset, site: str) -> Widest | None:
    rows, scope = shown_contrasts(dataset, site)
    if len(rows) == 0:
        return None
    return Widest(*widest_comparison(dataset, rows, "contrast", site if scope == "site" else ""), scope)


def widest_change(dataset: Dataset, site: str) -> Widest | None:
    rows = analysis.wave_changes(dataset, site)
    return None if rows.empty else Widest(*widest_comparison(dataset, rows, "change", site, "change"))


def clear_breakdowns(dataset: Dataset, site: str, most: int = 2) -> pd.DataFrame:
    """Returns the largest clear gaps between a group of a breakdown and the other respondents (at
    most `most`); none where no breakdown gap is clear."""
    frames = [analysis.breakdown(dataset, c.id, site) for c in dataset.codebook.characteristics]
    rows = pd.concat(frames, ignore_index=True) if frames else pd.DataFrame()
    return rows if rows.empty else clear_rows(dataset, rows, "breakdown").head(most)


@dataclass(frozen=True, repr=False, eq=False)
class SiteFindings(KeyFindings):
    """A site report's key findings: the site's gaps to its reference with their verdicts in the
    run's family, the widest contrast and change, the clearest breakdown gaps and what is withheld."""

    run: Run
    gaps: pd.DataFrame  # the site's gaps, largest first (analysis.gaps_for_site), with a clear column
    contrast: Widest | None
    change: Widest | None
    breakdowns: pd.DataFrame
    hidden: pd.DataFrame  # the site's withheld figures
    sites: int  # how many sites the dataset has

    @property
    def frame(self) -> pd.DataFrame:
        """Returns the site's gaps to the reference, largest first, with their verdicts."""
        return self.gaps

    @property
    def tested(self) -> bool:
        return not self.gaps.empty and bool(self.gaps["p"].notna().any())

    def present(self) -> Findings:
        return site_findings_of(self)


def site_findings(run: Run) -> SiteFindings:
    """Returns the key findings exhibit of a site's report.

    Where the comparisons can be tested (n known), a gap is a finding only when it stays clear
    after the false discovery rate is controlled across all the comparisons of the run's reports
    (analysis.verdicts); the others are left to the charts, with their intervals.
    """
    dataset, site = run.dataset, run.site
    gaps = analysis.gaps_for_site(dataset, site)
    return SiteFindings(run, judged(dataset, gaps, "site"), widest_contrast(dataset, site),
                        widest_change(dataset, site), clear_breakdowns(dataset, site),
                        withheld(dataset, site=site), len(dataset.site_ids))


def site_findings_of(exhibit: SiteFindings) -> Findings:
    """Returns a site's headline and its key findings (escaped HTML), each with its numbers."""
    dataset, site, min_n, gaps = exhibit.run.dataset, exhibit.run.site, exhibit.run.min_n, exhibit.gaps
    name = dataset.codebook.site_name(site)
    items = []
    head = _("{site}: the data hold no figures by site for {site}.").format(site=name)
    if exhibit.tested:
        found = gaps[gaps["clear"]]
        if found.empty:
            count = int(gaps["p"].notna().sum())
            head = n_("At {site}, people answered much like {reference}: its {count} figure does not "
                      "differ clearly.",
                      "At {site}, people answered much like {reference}: none of its {count} figures "
                      "differs clearly.", count).format(
                site=name, reference=reference_words(dataset), count=number(count, 0))
        else:
            head = gap_headline(dataset, name, found.iloc[0])
        for row in found.head(3).to_dict("records"):
            items.append(gap_item(dataset, name, row, clear=True))
    elif not gaps.empty:  # gaps without a test: no gap is named in the headline
        head = words.site_title(name, reference_words(dataset), len(gaps), False,
                                int((gaps["gap"] > 0).sum()), 0) + "."
        for row in gaps.head(2).to_dict("records"):
            items.append(gap_item(dataset, name, row))
        if dataset.codebook.dataset.reference == "published mean":
            items.append(esc(_("These gaps are not tested for chance: {reference} includes {site}, and the "
                               "publication gives no site counts.").format(
                reference=reference_words(dataset), site=name)))
    if not gaps.empty:
        n = gaps["n"].min()
        if pd.notna(n) and n < min_n:
            text = (_("{site}'s percentages rest on about {n} respondents (inferred from their rounding); "
                      "one person moves a figure by {points} points.") if bool(gaps["inferred"].any())
                    else _("{site}'s percentages rest on about {n} respondents; one person moves a "
                           "figure by {points} points."))
            items.append("<strong>" + esc(_("Read with care")) + "</strong>: "
                         + esc(text.format(site=name, n=int(n), points=number(100 / n, 0))))
    items += [contrast_finding(dataset, site, exhibit.contrast), change_finding(dataset, exhibit.change),
              *breakdown_findings(dataset, exhibit.breakdowns)]
    hidden = exhibit.hidden
    if gaps.empty and exhibit.sites == 1:
        head = words.only_site(name)
    if len(hidden):
        if gaps.empty and exhibit.sites > 1:
            head = _("{site}: too few people answered for its figures to be shown safely, so each one "
                     "is withheld.").format(site=name)
        items.append("<strong>" + esc(_("Withheld")) + "</strong>: " + esc(n_(
            "{count} of {site}'s figures is shown as {mark} to protect the people behind small numbers "
            "(groups of fewer than {base}); each chart says which.",
            "{count} of {site}'s figures are shown as {mark} to protect the people behind small numbers "
            "(groups of fewer than {base}); each chart says which.", len(hidden)).format(
            count=len(hidden), site=name, mark=WITHHELD,
            base=dataset.codebook.dataset.disclosure.minimum_base)))
    return Findings(head, [i for i in items if i])


def site_key_findings(run: Run) -> Findings:
    """Returns a site's headline and its key findings as the page shows them."""
    return site_findings(run).shown


def gap_headline(dataset: Dataset, name: str, top) -> str:
    """Returns "<site> is N points above/below the reference on <figure> (x% vs y%)."."""
    said = (_("{site} is {points} points above {reference} on {figure} ({percent} vs {reference_percent}).")
             if top["gap"] > 0 else
             _("{site} is {points} points below {reference} on {figure} ({percent} vs {reference_percent})."))
    return said.format(site=name, points=number(abs(top["gap"])), reference=reference_words(dataset),
                        figure=share_label(dataset, top["item"], top["answer"]),
                        percent=percent(top["percent"]),
                        reference_percent=percent(top["reference"]))


def gap_item(dataset: Dataset, name: str, row: dict, clear: bool = False) -> str:
    """Returns a key finding on one of a site's gaps (escaped HTML): its share, the reference and,
    for a gap that stays clear across the run's comparisons, that it is clear."""
    label = share_label(dataset, row["item"], row["answer"])
    about = dataset.codebook.dataset
    if clear:
        said = (_("{percent} {of_whom} {measure}, {points} points above {reference} ({reference_percent}); "
                   "a clear gap.") if row["gap"] > 0 else
                 _("{percent} {of_whom} {measure}, {points} points below {reference} ({reference_percent}); "
                   "a clear gap."))
    else:
        said = (_("{percent} {of_whom} {measure}, {points} points above {reference} of {reference_percent}.")
                 if row["gap"] > 0 else
                 _("{percent} {of_whom} {measure}, {points} points below {reference} of "
                   "{reference_percent}."))
    text = said.format(percent=percent(row["percent"]),
                        of_whom=gendered(about.respondents_gender, "of {site}'s {respondents}").format(
                            site=name, respondents=about.respondents_word),
                        measure=measure_words(dataset, row["item"], row["answer"]),
                        points=number(abs(row["gap"])), reference=reference_words(dataset),
                        reference_percent=percent(row["reference"]))
    if not clear and row.get("imprecise"):  # a caption would flag it: the finding does too
        text += " " + _("{mark} Too imprecise to read much into.").format(mark=PRECISION)
    return f"<strong>{esc(capital(label))}</strong>: {esc(text)}"


def contrast_finding(dataset: Dataset, site: str, widest: Widest | None) -> str:
    if widest is None:
        return ""
    row, where = widest.row, words.contrast_scope(dataset, site, widest.scope)
    label = share_label(dataset, row["item"], row["answer"])
    text = _("{figure}: {first} {of_first} and {second} {of_second} {measure} ({where})").format(
        figure=label, first=percent(row["first %"]), of_first=of_group(dataset, row["first"]),
        second=percent(row["second %"]), of_second=of_group(dataset, row["second"]),
        measure=measure_words(dataset, row["item"], row["answer"]), where=where)
    return esc(text + verdict(widest.clear, row["gap"], row["low"], row["high"]) + ".")


def change_finding(dataset: Dataset, widest: Widest | None) -> str:
    if widest is None:
        return ""
    row, codebook = widest.row, dataset.codebook
    text = _("{figure}: from {before} in {first_wave} to {after} in {last_wave}").format(
        figure=share_label(dataset, row["item"], row["answer"]), before=percent(row["before %"]),
        first_wave=codebook.wave_label(row["before"]), after=percent(row["after %"]),
        last_wave=codebook.wave_label(row["after"]))
    return esc(text + verdict(widest.clear, row["change"], row["low"], row["high"], change=True) + ".")


def breakdown_findings(dataset: Dataset, found: pd.DataFrame) -> list[str]:
    """Returns the clearest breakdown gaps as key findings (escaped HTML)."""
    codebook = dataset.codebook
    return [esc(words.breakdown_finding(
        share_label(dataset, r["item"], r["answer"]), codebook.characteristic(r["breakdown"]).label,
        {v.id: v.label for v in codebook.characteristic(r["breakdown"]).values}[r["value"]],
        percent(r["percent"]), percent(r["others %"]), signed(r["gap"])))
        for r in found.to_dict("records")]


def measure_key(dataset: Dataset, item: str, answer: str) -> tuple[bool, str]:
    """Returns what a share counts as a key (words.measure_words says it): an option's measure, or
    the scale's answer."""
    found = dataset.codebook.item(item)
    if found.kind == "choose-any":
        return True, found.measure
    return False, dataset.codebook.answer_label(item, answer)


@dataclass(frozen=True, repr=False, eq=False)
class NetworkFindings(KeyFindings):
    """The network overview's key findings: every site's figures, the network's highest and lowest
    figure of one measure, the clear site gaps, the widest contrast and change, the clearest
    breakdown gaps; with no site figures, the network's first choose-any item."""

    run: Run
    shares: pd.DataFrame  # every site's figures against the reference (analysis.site_shares)
    extremes: tuple | None  # the network's highest and lowest figure measured as its first is
    tested: int  # how many site figures have a test
    found: pd.DataFrame  # those clear in the run's family, largest gap first
    chosen: pd.DataFrame | None  # no site figures: the first choose-any item's options, by share
    contrast: Widest | None
    change: Widest | None
    breakdowns: pd.DataFrame

    @property
    def frame(self) -> pd.DataFrame:
        """Returns the site figures that differ clearly from the reference, largest gap first."""
        return self.found

    def present(self) -> Findings:
        return network_findings_of(self)


def network_findings(run: Run) -> NetworkFindings:
    """Returns the key findings exhibit of the network overview."""
    dataset = run.dataset
    data = analysis.site_shares(dataset)
    extremes = chosen = None
    if not data.empty:
        reference = data.drop_duplicates(["item", "answer"]).dropna(subset=["network"])
        # Like with like: an agree share is not set beside a choose-any option or a yes; the
        # figures measured as the codebook's first is ("answer agree or strongly agree") compared.
        measures = [measure_key(dataset, i, a) for i, a in
                    zip(reference["item"], reference["answer"], strict=True)]
        reference = reference[[m == measures[0] for m in measures]] if measures else reference
        if len(reference) > 1:
            extremes = (reference.loc[reference["network"].idxmax()],
                        reference.loc[reference["network"].idxmin()])
    else:
        chosen = choose_any_options(dataset)
    tested = data.dropna(subset=["p"])
    found = clear_rows(dataset, tested, "site") if len(tested) else tested
    return NetworkFindings(run, data, extremes, len(tested), found, chosen, widest_contrast(dataset, ""),
                           widest_change(dataset, ""), clear_breakdowns(dataset, ""))


def choose_any_options(dataset: Dataset) -> pd.DataFrame | None:
    """Returns the network's first choose-any item's options, by share; None without one."""
    data = analysis.shares(dataset)
    for item in dataset.codebook.items:
        rows = data[(data["item"] == item.id) & (data["site"] == "") & (data["group"] == "")
                    & (data["breakdown"] == "")]
        if item.kind == "choose-any" and len(rows):
            return rows.sort_values("percent", ascending=False)
    return None


def network_findings_of(exhibit: NetworkFindings) -> Findings:
    """Returns the network overview's headline and key findings (escaped HTML)."""
    dataset = exhibit.run.dataset
    about = dataset.codebook.dataset
    items = []
    head = _("{partnership}: what {respondents} report.").format(partnership=about.partnership,
                                                                 respondents=about.respondents_word)
    if exhibit.extremes is not None:
        top, bottom = exhibit.extremes
        whose = all_respondents() if about.reference == "network" else reference_words(dataset)
        across = _("Across all sites, {top} {measure} on {top_figure}, but only {bottom} on "
                   "{bottom_figure} ({whose}).").format(
            top=percent(top["network"]), measure=measure_words(dataset, top["item"], top["answer"]),
            top_figure=share_label(dataset, top["item"], top["answer"]),
            bottom=percent(bottom["network"]),
            bottom_figure=share_label(dataset, bottom["item"], bottom["answer"]), whose=whose)
        if exhibit.shares["p"].notna().any():
            items.append(esc(across))
        else:  # gaps without a test: the network's own figures lead, no gap is named
            head = across
    if exhibit.chosen is not None:
        rows = exhibit.chosen
        item = rows["item"].iloc[0]
        head = (f"{dataset.codebook.item(item).label}: " + ", ".join(
            f"{dataset.codebook.answer_label(item, a)} {percent(p, 0)}"
            for a, p in zip(rows["answer"], rows["percent"], strict=True)) + ".")
    if exhibit.tested:
        found, names = exhibit.found, dataset.codebook.site_name
        head = (gap_headline(dataset, names(found["site"].iloc[0]), found.iloc[0]) if len(found) else
                _("No site differs clearly from the rest of the network on any figure."))
        if len(found):  # where none is clear, the headline says so
            text = n_("{count} of {tested} site figure differs clearly from the rest of the network, more "
                      "than chance would explain",
                      "{count} of {tested} site figures differ clearly from the rest of the network, more "
                      "than chance would explain",
                      exhibit.tested).format(count=len(found), tested=exhibit.tested)
            items.append(esc(text + ": " + "; ".join(
                _("{site}, {figure} {gap} points").format(
                    site=names(r["site"]), figure=share_label(dataset, r["item"], r["answer"]),
                    gap=signed(r["gap"]))
                for r in found.head(3).to_dict("records")) + "."))
    items += [contrast_finding(dataset, "", exhibit.contrast), change_finding(dataset, exhibit.change),
              *breakdown_findings(dataset, exhibit.breakdowns)]
    return Findings(head, [i for i in items if i])


def network_key_findings(run: Run) -> Findings:
    """Returns the network overview's headline and key findings as the page shows them."""
    return network_findings(run).shown
