"""The sites against one another: each site against its reference (the rest of the network, or the
published mean), the gaps, the disparity measures, and beyond MANY_SITES the spread of the sites."""

from dataclasses import dataclass

import pandas as pd
from IPython.display import HTML

from helpers import analysis, charts, words
from helpers.context import Run
from helpers.language import N_, _, n_, number, percent, signed
from helpers.load import Dataset
from helpers.marks import FLAG, WITHHELD
from helpers.report.blocks import Chart, Exhibit, Section, all_withheld, esc, table
from helpers.report.facts import MANY_SITES, clear_rows, judged, withheld
from helpers.words import (
    all_respondents,
    name_list,
    notes,
    of_respondents,
    precision_note,
    reference_words,
    share_label,
    share_labels,
    verdict_cells,
    withheld_count,
    withheld_sentence,
    yes_no,
)

SITE_TABLE = "network-sites.csv"  # beside the network report: every site's figures, for a spreadsheet


def site_sheet(dataset: Dataset) -> dict:
    """Returns every site's compared figures (SITE_TABLE, beside the network report) as the workbook
    and CSV files take a table: percentages and gaps rounded as on the page, counts whole, p to
    three significant digits, a missing figure WITHHELD."""
    rows = analysis.site_shares(dataset)
    frame = rows.assign(**{"site name": rows["site"].map(dataset.codebook.site_name),
                           "figure": share_labels(dataset, rows),
                           "clear": analysis.is_clear(dataset, rows.assign(kind="site")).astype(object)
                           .where(rows["p"].notna(), "")})  # a gap without a test has no verdict
    rounded = ["percent", "low", "high", "reference", "gap", "gap low", "gap high"]
    frame[rounded] = frame[rounded].astype(float).round(1)
    frame["p"] = [float(f"{p:.3g}") if pd.notna(p) else p for p in frame["p"]]
    frame[["n", "reference n"]] = frame[["n", "reference n"]].astype(float).astype("Int64")
    columns = ["site", "site name", "item", "answer", "figure", "percent", "low", "high", "n",
               "reference", "reference n", "gap", "gap low", "gap high", "p", "clear", "imprecise"]

    def cell(value):
        return WITHHELD if pd.isna(value) else value.item() if hasattr(value, "item") else value

    return {"name": "sites", "title": SITE_TABLE, "columns": columns,
            "rows": [[cell(v) for v in row] for row in frame[columns].itertuples(index=False)]}


def site_comparison_chart(dataset: Dataset, site: str | None, min_n: int,
                          data: pd.DataFrame | None = None) -> Chart | None:
    """Returns the equiplot of the sites' shares with Wilson whiskers and the reference marked;
    the site, when given, highlighted and labelled. None when there are no site figures."""
    data = analysis.site_shares(dataset) if data is None else data
    hidden = withheld(dataset, **({"site": site} if site else {}), group="", breakdown="")
    small = {s for s, n in zip(data["site"], data["n"], strict=True) if pd.isna(n) or n < min_n}
    data = pd.concat([data, hidden[["site", "item", "answer", "shown"]]], ignore_index=True)
    if data.empty or (site is not None and not (data["site"] == site).any()):
        return None
    codebook = dataset.codebook
    data = data.assign(key=data["item"] + ":" + data["answer"])
    hidden = hidden.assign(key=hidden["item"] + ":" + hidden["answer"])
    keys = [f"{i}:{a}" for i, a in analysis.indicators(codebook) if f"{i}:{a}" in set(data["key"])]
    labels = dict(zip(data["key"], share_labels(dataset, data), strict=True))
    sites = [s for s in dataset.site_ids if s in set(data["site"])]
    small = sorted(small, key=sites.index)
    inferred = bool(data["inferred"].fillna(False).astype(bool).any())
    # The dashed mark: the focal site's reference (the rest of the network, or the published
    # mean); without a focal site, the figure for all respondents (or the published mean).
    if site is not None:
        marks = data[data["site"] == site].set_index("key")["reference"]
        mark_label = reference_words(dataset)
    else:
        marks = data.drop_duplicates("key").set_index("key")["network"]
        mark_label = (all_respondents() if codebook.dataset.reference == "network"
                      else reference_words(dataset))
    data = data.assign(mark=data["key"].map(marks))
    figure = charts.dot_plot(data, "key", "site", keys, sites, labels, codebook.site_names(),
                             xlabel=_("% {of_respondents} (95% interval)").format(
                                 of_respondents=of_respondents(dataset)),
                             reference="mark", reference_label=mark_label, focus=site, hollow=small,
                             text=words.chart_text())
    name = codebook.site_name(site) if site else ""
    if site and data[data["site"] == site]["gap"].isna().all():
        heading = _("{site}: no figure can be compared with {reference}").format(
            site=name, reference=reference_words(dataset))
        description = _("{site}: no figure has both its own value and {reference}.").format(
            site=name, reference=reference_words(dataset))
    elif site:
        rows = data[data["site"] == site].dropna(subset=["gap"])
        found = clear_rows(dataset, rows, "site")
        widest = found.iloc[0] if len(found) else None
        heading = words.site_title(name, reference_words(dataset), len(rows), rows["p"].notna().any(),
                                   int((rows["gap"] > 0).sum()), len(found),
                                   *((labels[widest["key"]], signed(widest["gap"])) if len(found) else ()))
        description = f"{name}: " + "; ".join(
            _("{figure} {percent} vs {reference} ({gap})").format(
                figure=labels[r.key], percent=percent(r.percent), reference=percent(r.reference),
                gap=signed(r.gap))
            for r in rows.itertuples()) + "."
    else:
        known = data.dropna(subset=["gap"])
        found = clear_rows(dataset, known, "site")
        heading = words.gaps_title(reference_words(dataset), known["p"].notna().any(), *(
            (codebook.site_name(found["site"].iloc[0]), labels[found["key"].iloc[0]],
             signed(found["gap"].iloc[0])) if len(found) else ()), shares=True,
            sites=len(set(data["site"])))
        spread = data.groupby("key", sort=False)["percent"].agg(["min", "max"])
        description = _("Range across sites: {ranges}.").format(ranges="; ".join(
            f"{labels[k]} {number(r['min'])}–{percent(r['max'])}" for k, r in spread.iterrows()))
    description += " " + (_("The thin lines show where each figure likely lies (95% interval), from the "
                            "number of respondents inferred from each site's rounding; the dashed line is "
                            "{mark}.") if inferred else
                          _("The thin lines show where each figure likely lies (95% interval); the dashed "
                            "line is {mark}.")).format(
        mark=mark_label)
    if small:
        names = name_list([codebook.site_name(s) for s in small], most=8)
        description += " " + (_("{flag} Fewer than {min_n} respondents (n inferred): {sites}.") if inferred
                              else _("{flag} Fewer than {min_n} respondents: {sites}.")).format(
            flag=FLAG, min_n=min_n, sites=names)
    description += precision_note(data.dropna(subset=["percent"]))
    description += withheld_sentence(dataset, hidden, [
        labels[k] if site else _("{figure} at {site}").format(figure=labels[k], site=codebook.site_name(st))
        for k, st in zip(hidden["key"], hidden["site"], strict=True)])
    shown = pd.DataFrame({
        _("site"): data["site"].map(codebook.site_name), _("figure"): [labels[k] for k in data["key"]],
        "%": data["percent"], _("95% low"): data["low"], _("95% high"): data["high"],
        _("n (inferred)") if inferred else "n": data["n"].astype("Int64"),
        _("reference %"): data["reference"], _("gap (points)"): data["gap"],
        _("clear"): verdict_cells(judged(dataset, data, "site")),
        _("note"): notes(data)}).round(1)
    if not data["p"].notna().any():  # gaps without a test: no verdicts to show
        shown = shown.drop(columns=_("clear"))
    alt = (_("Dot plot of {figures} figures at {sites} sites with 95% intervals and {reference}; {site} "
             "highlighted") if site else
           _("Dot plot of {figures} figures at {sites} sites with 95% intervals and {reference}")).format(
        figures=len(keys), sites=len(sites), reference=reference_words(dataset), site=name)
    alt += withheld_count(len(hidden)) if len(hidden) else "."
    return Chart("site-comparison", heading, alt, description, shown, figure, bool(small))


def gap_chart(dataset: Dataset, site: str, data: pd.DataFrame | None = None) -> Chart | None:
    """Returns a site's gaps to the reference as bars (the network report shows every site's in
    one grid, gap_grid_chart)."""
    data = analysis.site_shares(dataset) if data is None else data
    data = data.dropna(subset=["gap"])
    sites = [site]
    if not (data["site"] == site).any():
        return None
    data = data[data["site"].isin(sites)].assign(key=lambda d: d["item"] + ":" + d["answer"])
    keys = list(dict.fromkeys(data["key"]))
    labels = dict(zip(data["key"], share_labels(dataset, data), strict=True))
    names = dataset.codebook.site_names()
    figure = charts.gap_bars(data, "key", keys, labels, "site", sites, names,
                             xlabel=(_("points vs published all-sites figure")
                                     if dataset.codebook.dataset.reference == "published mean"
                                     else _("points vs rest of the network")), text=words.chart_text())
    found = clear_rows(dataset, data, "site")
    heading = words.gaps_title(reference_words(dataset), data["p"].notna().any(), *(
        (names.get(found["site"].iloc[0]), labels[found["key"].iloc[0]], signed(found["gap"].iloc[0]))
        if len(found) else ()))
    above = int((data["gap"] > 0).sum())
    description = n_("{above} of {count} site figure is above {reference}.",
                     "{above} of {count} site figures are above {reference}.", len(data)).format(
        above=above, count=len(data), reference=reference_words(dataset)) + " " + _(
        "Bars show the site's figure minus the reference in percentage points; teal bars are above, brown "
        "below, and each bar is labelled.")
    shown = pd.DataFrame({_("site"): data["site"].map(names), _("figure"): [labels[k] for k in data["key"]],
                          "%": data["percent"], _("reference %"): data["reference"],
                          _("gap (points)"): data["gap"]}).round(1)
    alt = _("Bar chart of gaps to {reference} in points, {count} figures, for {sites}.").format(
        reference=reference_words(dataset), count=len(keys), sites=", ".join(names.get(s, s) for s in sites))
    return Chart("site-gaps", heading, alt, description, shown, figure)


def gap_grid_chart(dataset: Dataset, data: pd.DataFrame | None = None) -> Chart | None:
    """Returns a grid of every site's gap on every figure, each cell labelled."""
    data = analysis.site_shares(dataset) if data is None else data
    data = data.dropna(subset=["gap"])
    if data.empty:
        return None
    data = data.assign(key=data["item"] + ":" + data["answer"])
    labels = dict(zip(data["key"], share_labels(dataset, data), strict=True))
    names = dataset.codebook.site_names()
    grid = data.pivot(index="site", columns="key", values="gap")
    grid = grid.reindex(index=[s for s in dataset.site_ids if s in grid.index],
                        columns=list(dict.fromkeys(data["key"])))
    figure = charts.gap_grid(grid, names, labels)
    found = clear_rows(dataset, data, "site")
    heading = words.gaps_title(reference_words(dataset), data["p"].notna().any(), *(
        (names.get(found["site"].iloc[0]), labels[found["key"].iloc[0]], signed(found["gap"].iloc[0]))
        if len(found) else ()))
    shown = grid.round(1).rename(index=names, columns=labels).reset_index(names=_("site"))
    shown.columns.name = None
    alt = _("Grid of gaps to {reference}: {sites} sites by {figures} figures.").format(
        reference=reference_words(dataset), sites=grid.shape[0], figures=grid.shape[1])
    return Chart("gap-grid", heading, alt,
                 _("Each cell is a site's figure minus the reference, in percentage points; teal is above, "
                   "brown below, and every cell is labelled."), shown, figure)


def disparity_frame(dataset: Dataset, rows: pd.DataFrame, name, reference: str) -> pd.DataFrame:
    """Returns the disparity measures per figure as the tables show them: the highest and lowest
    (named by name()), the range, the range ratio and the index of disparity."""
    return pd.DataFrame({
        _("figure"): share_labels(dataset, rows), reference: rows["reference"],
        _("highest"): [f"{name(s)} {percent(v)}"
                       for s, v in zip(rows["highest"], rows["highest %"], strict=True)],
        _("lowest"): [f"{name(s)} {percent(v)}"
                      for s, v in zip(rows["lowest"], rows["lowest %"], strict=True)],
        _("range (points)"): rows["range"], _("range ratio"): rows["range ratio"],
        _("index of disparity (%)"): rows["index of disparity"],
    })


def disparity_table(dataset: Dataset, appendix: bool = True, rows: pd.DataFrame | None = None) -> HTML:
    """Returns the disparity between sites per figure (rows: analysis.disparity_by_indicator's), as a
    table (appendix measures optional)."""
    table_ = analysis.disparity_by_indicator(dataset) if rows is None else rows
    if table_.empty:
        return HTML("")
    shown = disparity_frame(dataset, table_, dataset.codebook.site_name, _("reference %"))
    if appendix:
        shown[_("spread between groups (variance)")] = table_["between-group variance"]
        shown[_("inequality (Theil index ×1000)")] = table_["theil"]
        shown[_("inequality (mean log deviation ×1000)")] = table_["mld"]
    return table(shown.round(2), _("Disparity between sites, by figure"), digits=2)


@dataclass(frozen=True, repr=False, eq=False)
class Sites(Exhibit):
    """The sites section of a run: every site's figures against its reference, the disparity
    between the sites, and which of the section's forms the data call for; numbers and keys."""

    run: Run
    shares: pd.DataFrame  # every site's figures against the reference (analysis.site_shares)
    form: str  # "only" (one site), "withheld" (none of the site's shown), "none", "compared"
    hidden: pd.DataFrame | None = None  # the site's withheld figures, when none is shown
    compared: int = 0  # the sites compared: beyond MANY_SITES, the spread of the sites
    disparity: pd.DataFrame | None = None  # between the sites, per figure

    @property
    def frame(self) -> pd.DataFrame:
        """Returns every site's figures with their intervals, references and gaps."""
        return self.shares

    def present(self) -> Section:
        return sites_section_of(self)


def sites(run: Run) -> Sites:
    """Returns the run's sites exhibit: the site (when given) or every site against the reference."""
    dataset, site = run.dataset, run.site
    data = analysis.site_shares(dataset)
    if len(dataset.site_ids) == 1:  # nothing to compare: no chart of one site against itself
        return Sites(run, data, "only")
    if site is not None and not (data["site"] == site).any():
        return Sites(run, data, "withheld", withheld(dataset, site=site, group="", breakdown=""))
    if data.empty:
        return Sites(run, data, "none")
    return Sites(run, data, "compared", compared=analysis.compared_sites(dataset),
                 disparity=analysis.disparity_by_indicator(dataset))


def sites_section_of(exhibit: Sites) -> Section:
    """Returns the section comparing sites as the page shows it (the site, when given, against the
    reference)."""
    dataset, site, min_n, data = exhibit.run.dataset, exhibit.run.site, exhibit.run.min_n, exhibit.shares
    if exhibit.form == "only":
        heading = (_("{site} against the other sites").format(site=dataset.codebook.site_name(site)) if site
                   else _("How the sites compare"))
        only = dataset.codebook.site_name(dataset.site_ids[0])
        return Section(heading, "", [HTML("<p>" + esc(words.only_site(only)) + "</p>")])
    if exhibit.form == "withheld":
        hidden = exhibit.hidden
        return Section(_("{site} against the other sites").format(site=dataset.codebook.site_name(site)), "",
                       [all_withheld(dataset, "site-comparison", _("Figures"), hidden, site)]
                       if len(hidden) else [])
    if exhibit.form == "none":
        return Section(_("How the sites compare"))
    many = exhibit.compared > MANY_SITES
    parts: list = []
    if site is not None and many:
        parts.append(site_summary_chart(dataset, site, data))
    elif site is None and many:
        parts += [network_summary_chart(dataset, data), furthest_sites_table(dataset, data),
                  HTML('<p class="note">' + esc(_("Every site's figures, with their intervals and gaps: "
                                                  "{file} "
                                                  "({rows} rows, CSV for a spreadsheet).")).format(
                      file=f'<a href="{SITE_TABLE}" download>{SITE_TABLE}</a>', rows=number(len(data), 0))
                      + "</p>")]
    else:
        parts.append(site_comparison_chart(dataset, site, min_n, data))
    if site is not None:
        parts.append(gap_chart(dataset, site, data))
    elif not many:  # every site's gaps in one grid (as bars, they would be the same chart again)
        parts.append(gap_grid_chart(dataset, data))
    parts.append(disparity_table(dataset, appendix=site is None, rows=exhibit.disparity))
    wave = dataset.codebook.wave_label(analysis.latest_wave(dataset))
    intro = _("Each figure is the share {of_respondents} giving that answer in {wave}, with a 95% interval, "
              "against {reference}.").format(of_respondents=of_respondents(dataset), wave=wave,
                                             reference=reference_words(dataset))
    heading = (_("{site} against the other sites").format(site=dataset.codebook.site_name(site)) if site
               else _("How the sites compare"))
    return Section(heading, intro, [p for p in parts if p is not None])


def sites_section(run: Run) -> Section:
    """Returns the section comparing sites of a run as the page shows it."""
    return sites(run).shown


def network_summary_chart(dataset: Dataset, data: pd.DataFrame) -> Chart:
    """Returns, for a large network, the spread of the sites on each figure: lowest, quartiles and
    highest site as marks on one line per figure, with all respondents dashed."""
    data = data.assign(key=data["item"] + ":" + data["answer"])
    names = dataset.codebook.site_name
    marks = ["lowest site", "lower quartile", "median site", "upper quartile", "highest site"]
    mark_labels = {m: _(m) for m in marks}
    rows, table_rows = [], []
    for key, cells in data.groupby("key", sort=False):
        q1, median, q3 = analysis.quartiles(cells["percent"])
        low, high = cells.loc[cells["percent"].idxmin()], cells.loc[cells["percent"].idxmax()]
        network = cells["network"].iloc[0]
        for who, value in zip(marks, (low["percent"], q1, median, q3, high["percent"]), strict=True):
            rows.append({"key": key, "who": who, "percent": value, "network": network})
        table_rows.append({_("figure"): share_label(dataset, cells["item"].iloc[0], cells["answer"].iloc[0]),
                           _("lowest site"): f"{names(low['site'])} {percent(low['percent'])}",
                           _("lower quartile %"): q1, _("median site %"): median, _("upper quartile %"): q3,
                           _("highest site"): f"{names(high['site'])} {percent(high['percent'])}",
                           _("all respondents %"): network, _("sites"): len(cells)})
    frame = pd.DataFrame(rows)
    keys = list(dict.fromkeys(frame["key"]))
    labels = dict(zip(data["key"], share_labels(dataset, data), strict=True))
    figure = charts.dot_plot(frame, "key", "who", keys, marks, labels, mark_labels,
                             xlabel=_("% {of_respondents}").format(of_respondents=of_respondents(dataset)),
                             low=None, high=None, reference="network",
                             reference_label=all_respondents(), text=words.chart_text())
    sites = data["site"].nunique()
    return Chart("network-summary", _("The spread of {sites} sites on each figure").format(
                     sites=data["site"].nunique()),
                 _("Dot plot of the spread of {sites} sites on {figures} figures.").format(
                     sites=sites, figures=len(keys)),
                 _("For each figure, the lowest site, the quartiles, the median and the highest of the "
                   "{sites} "
                   "sites with published figures; the dashed line is all respondents. The sites furthest "
                   "from the rest are in the next table, every site in the CSV file.").format(sites=sites),
                 pd.DataFrame(table_rows).round(1), figure)


NETWORK_MARKS = (N_("lowest site"), N_("lower quartile"), N_("median site"), N_("upper quartile"),
                 N_("highest site"))


def furthest_sites_table(dataset: Dataset, data: pd.DataFrame, most: int = 3) -> HTML:
    """Returns, per figure, the sites furthest from the rest of the network, with the gap's
    interval and whether it is clear once chance across the run's comparisons is allowed for."""
    names = dataset.codebook.site_name
    data = data.dropna(subset=["gap"])
    data = judged(dataset, data, "site")
    rows = []
    for (item, answer), cells in data.groupby(["item", "answer"], sort=False):
        furthest = cells.reindex(cells["gap"].abs().sort_values(ascending=False, kind="stable").index)
        for row in furthest.head(most).to_dict("records"):
            rows.append({_("figure"): share_label(dataset, item, answer), _("site"): names(row["site"]),
                         "%": row["percent"], _("rest of the network %"): row["reference"],
                         _("gap (points)"): row["gap"], _("95% low"): row["gap low"],
                         _("95% high"): row["gap high"],
                         _("clear"): yes_no(row["clear"])})
    if not rows:
        return HTML("")
    return table(pd.DataFrame(rows).round(1),
                 _("The {count} sites furthest from the rest of the network on each figure").format(
                     count=most))


def site_summary_chart(dataset: Dataset, site: str, data: pd.DataFrame) -> Chart:
    """Returns, for a large network, the site against the spread of the sites: the quartiles
    as a band and the site's dot with its interval (drawn as an equiplot of three marks)."""
    spread = analysis.site_spread(dataset)
    own = data[data["site"] == site].set_index(["item", "answer"])
    labels = {f"{i}:{a}": share_label(dataset, i, a)
              for i, a in zip(spread["item"], spread["answer"], strict=True)}
    rows = []
    for item, answer, q1, median, q3 in spread.itertuples(index=False):
        key = f"{item}:{answer}"
        rows += [{"key": key, "who": _("lower quartile"), "percent": q1, "low": None, "high": None},
                 {"key": key, "who": _("median site"), "percent": median, "low": None, "high": None},
                 {"key": key, "who": _("upper quartile"), "percent": q3, "low": None, "high": None}]
        if (item, answer) in own.index:
            mine = own.loc[(item, answer)]
            rows.append({"key": key, "who": site, "percent": mine["percent"],
                         "low": mine["low"], "high": mine["high"]})
    hidden = withheld(dataset, site=site, group="", breakdown="")
    for key, mark in zip(hidden["item"] + ":" + hidden["answer"], hidden["shown"], strict=True):
        if key in labels:
            rows.append({"key": key, "who": site, "percent": None, "low": None, "high": None,
                         "shown": mark})
    frame = pd.DataFrame(rows).astype({"percent": float, "low": float, "high": float})
    keys = list(dict.fromkeys(frame["key"]))
    name = dataset.codebook.site_name(site)
    who = [_("lower quartile"), _("median site"), _("upper quartile"), site]
    figure = charts.dot_plot(frame, "key", "who", keys, who, labels,
                             {site: name, _("median site"): _("median site")}, focus=site,
                             xlabel=_("% {of_respondents}").format(of_respondents=of_respondents(dataset)),
                             text=words.chart_text())
    shown = frame.assign(figure=[labels[k] for k in frame["key"]],
                         who=frame["who"].replace({site: name}))[["figure", "who", "percent", "low", "high"]]
    shown = shown.assign(note=notes(frame)).round(1).rename(columns={
        "figure": _("figure"), "who": _("who"), "percent": "%", "low": _("95% low"), "high": _("95% high"),
        "note": _("note")})
    sites = analysis.compared_sites(dataset)
    return Chart("site-summary",
                 _("{site} against the spread of {sites} sites").format(site=name, sites=sites),
                 _("Dot plot of {site}'s figures with the quartiles of {sites} sites.").format(
                     site=name, sites=sites),
                 _("For each figure, {site}'s share with its 95% interval, and the lower quartile, "
                   "median and "
                   "upper quartile of the {sites} sites' shares.").format(site=name, sites=sites)
                 + withheld_sentence(dataset, hidden, share_labels(dataset, hidden)), shown, figure)

