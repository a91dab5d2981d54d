"""The key findings of a site report and of the network overview: the largest clear gaps, in plain
words with their numbers, from the facts every section shares (helpers.report.facts)."""


import pandas as pd

from helpers import analysis, words
from helpers.context import of_run
from helpers.language import _, gendered, n_, number, percent, signed
from helpers.load import Dataset
from helpers.marks import PRECISION, WITHHELD
from helpers.report.blocks import esc
from helpers.report.facts import clear_rows, shown_contrasts, widest_comparison, withheld
from helpers.words import (
    all_respondents,
    capital,
    measure_words,
    of_group,
    reference_words,
    share_label,
    verdict,
)


@of_run("dataset", "site", "min_n")
def site_key_findings(dataset: Dataset, site: str, min_n: int) -> tuple[str, list[str]]:
    """Returns a site's headline and its key findings (escaped HTML), each with its numbers.

    Where the comparisons can be tested (n known), a gap is a finding only when it stays clear
    after the false discovery rate is controlled across all the comparisons of the run's reports
    (analysis.verdicts); the others are left to the charts, with their intervals.
    """
    name = dataset.codebook.site_name(site)
    gaps = analysis.gaps_for_site(dataset, site)
    items = []
    head = _("{site}: the data hold no figures by site for {site}.").format(site=name)
    if not gaps.empty and gaps["p"].notna().any():
        found = clear_rows(dataset, gaps, "site")
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
    items.append(contrast_finding(dataset, site))
    items.append(change_finding(dataset, site))
    items += breakdown_findings(dataset, site)
    hidden = withheld(dataset, site=site)
    if gaps.empty and len(dataset.site_ids) == 1:
        head = words.only_site(name)
    if len(hidden):
        if gaps.empty and len(dataset.site_ids) > 1:
            head = _("{site}: too few people answered for its figures to be shown safely, so each one "
                     "is withheld.").format(site=name)
        items.append("<strong>" + esc(_("Withheld")) + "</strong>: " + esc(n_(
            "{count} of {site}'s figures is shown as {mark} to protect the people behind small numbers "
            "(groups of fewer than {base}); each chart says which.",
            "{count} of {site}'s figures are shown as {mark} to protect the people behind small numbers "
            "(groups of fewer than {base}); each chart says which.", len(hidden)).format(
            count=len(hidden), site=name, mark=WITHHELD,
            base=dataset.codebook.dataset.disclosure.minimum_base)))
    return head, [i for i in items if i]


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


def contrast_finding(dataset: Dataset, site: str) -> str:
    rows, scope = shown_contrasts(dataset, site)
    if len(rows) == 0:
        return ""
    where, network_wide = words.contrast_scope(dataset, site, scope), scope != "site"
    widest, is_clear = widest_comparison(dataset, rows, "contrast", "" if network_wide else site)
    label = share_label(dataset, widest["item"], widest["answer"])
    text = _("{figure}: {first} {of_first} and {second} {of_second} {measure} ({where})").format(
        figure=label, first=percent(widest["first %"]), of_first=of_group(dataset, widest["first"]),
        second=percent(widest["second %"]), of_second=of_group(dataset, widest["second"]),
        measure=measure_words(dataset, widest["item"], widest["answer"]), where=where)
    return esc(text + verdict(is_clear, widest["gap"], widest["low"], widest["high"]) + ".")


def change_finding(dataset: Dataset, site: str) -> str:
    rows = analysis.wave_changes(dataset, site)
    if rows.empty:
        return ""
    widest, is_clear = widest_comparison(dataset, rows, "change", site, "change")
    codebook = dataset.codebook
    text = _("{figure}: from {before} in {first_wave} to {after} in {last_wave}").format(
        figure=share_label(dataset, widest["item"], widest["answer"]), before=percent(widest["before %"]),
        first_wave=codebook.wave_label(widest["before"]), after=percent(widest["after %"]),
        last_wave=codebook.wave_label(widest["after"]))
    return esc(text + verdict(is_clear, widest["change"], widest["low"], widest["high"], change=True) + ".")


def breakdown_findings(dataset: Dataset, site: str, most: int = 2) -> list[str]:
    """Returns the largest clear gaps between a group of a breakdown and the other respondents (at
    most `most`), as key findings (escaped HTML); none where no breakdown gap is clear."""
    frames = [analysis.breakdown(dataset, c.id, site) for c in dataset.codebook.characteristics]
    rows = pd.concat(frames, ignore_index=True) if frames else pd.DataFrame()
    if rows.empty:
        return []
    found = clear_rows(dataset, rows, "breakdown")
    codebook = dataset.codebook
    return [esc(words.breakdown_finding(
        share_label(dataset, r["item"], r["answer"]), codebook.characteristic(r["breakdown"]).label,
        {v.id: v.label for v in codebook.characteristic(r["breakdown"]).values}[r["value"]],
        percent(r["percent"]), percent(r["others %"]), signed(r["gap"])))
        for r in found.head(most).to_dict("records")]


@of_run("dataset")
def network_key_findings(dataset: Dataset) -> tuple[str, list[str]]:
    """Returns the network overview's headline and key findings (escaped HTML)."""
    about = dataset.codebook.dataset
    data = analysis.site_shares(dataset)
    items = []
    head = _("{partnership}: what {respondents} report.").format(partnership=about.partnership,
                                                                 respondents=about.respondents_word)
    if not data.empty:
        reference = data.drop_duplicates(["item", "answer"]).dropna(subset=["network"])
        # Like with like: an agree share is not set beside a choose-any option or a yes; the
        # figures measured as the codebook's first is ("answer agree or strongly agree") compared.
        measures = [measure_words(dataset, i, a) for i, a in
                    zip(reference["item"], reference["answer"], strict=True)]
        reference = reference[[m == measures[0] for m in measures]] if measures else reference
        whose = all_respondents() if about.reference == "network" else reference_words(dataset)
        if len(reference) > 1:
            top = reference.loc[reference["network"].idxmax()]
            bottom = reference.loc[reference["network"].idxmin()]
            across = _("Across all sites, {top} {measure} on {top_figure}, but only {bottom} on "
                       "{bottom_figure} ({whose}).").format(
                top=percent(top["network"]), measure=measure_words(dataset, top["item"], top["answer"]),
                top_figure=share_label(dataset, top["item"], top["answer"]),
                bottom=percent(bottom["network"]),
                bottom_figure=share_label(dataset, bottom["item"], bottom["answer"]), whose=whose)
            if data["p"].notna().any():
                items.append(esc(across))
            else:  # gaps without a test: the network's own figures lead, no gap is named
                head = across
    else:
        chosen = choose_any_finding(dataset)
        if chosen:
            head, items = chosen, []
    tested = data.dropna(subset=["p"])
    if len(tested):
        found = clear_rows(dataset, tested, "site")
        names = dataset.codebook.site_name
        head = (gap_headline(dataset, names(found["site"].iloc[0]), found.iloc[0]) if len(found) else
                _("No site differs clearly from the rest of the network on any figure."))
        if len(found):  # where none is clear, the headline says so
            text = n_("{count} of {tested} site figure differs clearly from the rest of the network, more "
                      "than chance would explain",
                      "{count} of {tested} site figures differ clearly from the rest of the network, more "
                      "than chance would explain",
                      len(tested)).format(count=len(found), tested=len(tested))
            items.append(esc(text + ": " + "; ".join(
                _("{site}, {figure} {gap} points").format(
                    site=names(r["site"]), figure=share_label(dataset, r["item"], r["answer"]),
                    gap=signed(r["gap"]))
                for r in found.head(3).to_dict("records")) + "."))
    items.append(contrast_finding(dataset, ""))
    items.append(change_finding(dataset, ""))
    items += breakdown_findings(dataset, "")
    return head, [i for i in items if i]


def choose_any_finding(dataset: Dataset) -> str:
    """Returns the network's first choose-any item in one sentence, options by share."""
    data = analysis.shares(dataset)
    for item in dataset.codebook.items:
        rows = data[(data["item"] == item.id) & (data["site"] == "") & (data["group"] == "")
                    & (data["breakdown"] == "")]
        if item.kind == "choose-any" and len(rows):
            rows = rows.sort_values("percent", ascending=False)
            return (f"{item.label}: " + ", ".join(
                f"{dataset.codebook.answer_label(item.id, a)} {percent(p, 0)}"
                for a, p in zip(rows["answer"], rows["percent"], strict=True)) + ".")
    return ""

