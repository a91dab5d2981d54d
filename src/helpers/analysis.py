"""The numbers behind the reports: shares with intervals, gaps, contrasts, changes, breakdowns.

Every function takes a :class:`~helpers.load.Dataset` and returns a DataFrame of keys
and unrounded numbers; none draws, formats or reads a file. The same functions
serve published tallies (n published or inferred from rounding) and tabulated
exports (n counted, weighted where the export has weights).

A *share* is what a report compares: for a scale item, the share answering on its
positive side (agree or strongly agree, yes); for a choose-any item, the share
choosing each option.
"""

import math

import numpy as np
import pandas as pd

from helpers.codebook import Codebook
from helpers.denominators import with_bases
from helpers.load import Dataset, once
from helpers.stats import difference_p_value, disparity, imprecise, newcombe, wilson

KEYS = ["table", "wave", "site", "group", "breakdown", "value", "item", "answer"]
SHARE_COLUMNS = [*KEYS, "percent", "n", "n_eff", "weight", "weight2", "chosen", "inferred", "exact",
                 "aggregate", "low", "high", "imprecise"]
FDR = 0.05  # Benjamini–Hochberg false discovery rate across the comparisons of one report


def indicators(codebook: Codebook) -> list[tuple[str, str]]:
    """Returns the (item, answer) pairs a report compares, in the codebook's order."""
    pairs = []
    for item in codebook.items:
        if item.kind == "choose-any":
            pairs += [(item.id, option.id) for option in item.options]
        else:
            pairs.append((item.id, "positive"))
    return pairs


def _floats(values) -> np.ndarray:
    """Returns the values as floats, missing ones (pandas' NA included) as NaN."""
    return pd.Series(values).astype(float).to_numpy()


def _counts(percent, n_eff, inferred) -> np.ndarray:
    """Returns the number of respondents each share stands for: whole where n is inferred from
    rounding (the published figure is a rounded whole count), else p × effective n."""
    counted = _floats(percent) * _floats(n_eff) / 100
    inferred = np.asarray(inferred, dtype=bool)
    counted[inferred] = np.round(counted[inferred])
    return counted


@once
def shares(dataset: Dataset) -> pd.DataFrame:
    """Returns every share with its n and 95% Wilson interval (low, high in percent).

    Published shares are taken as published; where a table publishes a full
    distribution but not the positive share, the share is the sum of its positive
    cells (as the publication's own "agree or strongly agree" would be).
    """
    figures = published_figures(dataset)
    wanted = pd.DataFrame(indicators(dataset.codebook), columns=["item", "answer"])
    direct = figures.merge(wanted, on=["item", "answer"])
    direct = direct[direct["aggregate"].isin(["", "mean"])]
    derived = []
    published_positive = set(map(tuple, direct[KEYS[:-1]].to_numpy().tolist()))
    for item in dataset.codebook.items:
        scale = dataset.codebook.scale_of(item)
        if scale is None:
            continue
        cells = figures[(figures["item"] == item.id) & figures["answer"].isin(scale.side("positive"))
                        & (figures["aggregate"] == "")]
        if cells.empty:
            continue
        summed = cells.groupby(KEYS[:-1], sort=False).agg(
            percent=("percent", "sum"), n=("n", "first"), n_eff=("n_eff", "first"),
            inferred=("inferred", "first"), exact=("exact", "first")).reset_index()
        summed[["weight", "weight2", "chosen"]] = math.nan
        keep = [tuple(k) not in published_positive for k in summed[KEYS[:-1]].to_numpy().tolist()]
        derived.append(summed[keep].assign(answer="positive", aggregate=""))
    table = pd.concat([direct, *derived], ignore_index=True) if derived else direct
    n_eff = table["n_eff"].astype(float).fillna(0).to_numpy()
    counted = _counts(table["percent"], n_eff, table["inferred"].astype(bool))
    known = n_eff > 0
    lows, highs = np.full(len(table), math.nan), np.full(len(table), math.nan)
    if known.any():
        low, high = wilson(counted[known], n_eff[known])
        lows[known], highs[known] = 100 * low, 100 * high
    table["low"], table["high"] = lows, highs
    table["imprecise"] = [imprecise(p, lo, hi, float(n) if pd.notna(n) else math.nan)
                          for p, lo, hi, n in zip(table["percent"], lows, highs, table["n_eff"],
                                                  strict=True)]
    return table[SHARE_COLUMNS].reset_index(drop=True)


@once
def published_figures(dataset: Dataset) -> pd.DataFrame:
    """Returns the figures a report may show, each with its n (denominators.with_bases)."""
    return published(with_bases(dataset))


SITE_TABLES = {"shares": lambda d: shares(d), "figures": lambda d: published_figures(d),
               "withheld": lambda d: suppressed_shares(d), "all figures": lambda d: d.figures}


@once
def _by_site(dataset: Dataset, name: str) -> dict[str, pd.DataFrame]:
    table = SITE_TABLES[name](dataset)
    return {site: rows for site, rows in table.groupby("site", sort=False)}


def at_site(dataset: Dataset, name: str, site: str) -> pd.DataFrame:
    """Returns the rows of one site (blank: the network's own) of a table of SITE_TABLES,
    index kept: split once per dataset, so that a report's cost does not grow with the
    number of sites."""
    parts = _by_site(dataset, name)
    return parts[site] if site in parts else SITE_TABLES[name](dataset).iloc[:0]


def published(figures: pd.DataFrame) -> pd.DataFrame:
    """Returns the figures that disclosure control lets a report show."""
    if "suppressed" not in figures:
        return figures
    return figures[figures["suppressed"] == ""]


@once
def suppressed_shares(dataset: Dataset) -> pd.DataFrame:
    """Returns the keys of the shares disclosure control hides (none for published tallies)."""
    figures = dataset.figures
    if "suppressed" not in figures:
        return pd.DataFrame(columns=[*KEYS, "suppressed", "shown"])
    hidden = figures[figures["suppressed"] != ""]
    wanted = pd.DataFrame(indicators(dataset.codebook), columns=["item", "answer"])
    return hidden.merge(wanted, on=["item", "answer"])[[*KEYS, "suppressed", "shown"]]


@once
def suppressed_site_shares(dataset: Dataset) -> pd.DataFrame:
    """Returns the shares disclosure control hides at the sites (not the network's), for all
    respondents and not broken down: what the network report's comparison of the sites marks,
    computed once, so that it needs no site's other rows."""
    hidden = suppressed_shares(dataset)
    return hidden[(hidden["site"] != "") & (hidden["group"] == "") & (hidden["breakdown"] == "")]


@once
def any_site_shares(dataset: Dataset) -> bool:
    """Returns whether any share is broken down by site, computed once for the same reason."""
    return bool((shares(dataset)["site"] != "").any())


@once
def waves(dataset: Dataset) -> list[str]:
    """Returns the waves (in the codebook's order) that have any figures."""
    present = set(dataset.figures["wave"])
    return [w.id for w in dataset.codebook.waves if w.id in present]


def latest_wave(dataset: Dataset) -> str:
    """Returns the last wave (in the codebook's order) that has any figures."""
    return waves(dataset)[-1]


@once
def site_shares(dataset: Dataset) -> pd.DataFrame:
    """Returns each site's shares (all groups, latest wave) against the reference: the published
    mean over the sites, or the network's figure. Columns: item, answer, site, percent, low,
    high, n, inferred, reference, gap."""
    table = shares(dataset)
    wave = latest_wave(dataset)
    table = table[(table["wave"] == wave) & (table["group"] == "") & (table["breakdown"] == "")]
    sites = table[(table["site"] != "") & (table["aggregate"] == "")]
    if dataset.codebook.dataset.reference == "published mean":
        reference = table[(table["site"] == "") & (table["aggregate"] == "mean")]
    else:
        reference = table[(table["site"] == "") & (table["aggregate"] == "")]
    reference = reference.drop_duplicates(["item", "answer"]).set_index(["item", "answer"])["percent"]
    keys = pd.MultiIndex.from_frame(sites[["item", "answer"]])
    sites = sites.assign(reference=reference.reindex(keys).to_numpy())
    sites["gap"] = sites["percent"] - sites["reference"]
    sites["network"] = sites["reference"]
    sites[["reference n", "gap low", "gap high", "p"]] = math.nan
    if dataset.codebook.dataset.reference == "network":
        sites = _against_complement(sites, table[(table["site"] == "") & (table["aggregate"] == "")])
    order = {pair: i for i, pair in enumerate(indicators(dataset.codebook))}
    site_order = {s: i for i, s in enumerate(dataset.site_ids)}
    pairs = zip(sites["item"], sites["answer"], strict=True)
    sites = sites.assign(_o=[order.get(pair, 0) for pair in pairs], _s=sites["site"].map(site_order))
    return sites.sort_values(["_o", "_s"]).drop(columns=["_o", "_s"]).reset_index(drop=True)


def _against_complement(sites: pd.DataFrame, network: pd.DataFrame) -> pd.DataFrame:
    """Returns the sites' rows with the rest of the network (all respondents but the site's) as
    the reference: its share and n, the gap, its Newcombe interval and a score-test p-value.

    The complement comes from subtracting the site's sums of weights from the network's, so it
    is exact, weights included; a site compared with a whole that contains it would count its
    own respondents twice (../methods.md, "Comparisons that do not mislead").
    """
    whole = network.drop_duplicates(["item", "answer"]).set_index(["item", "answer"])
    keys = pd.MultiIndex.from_frame(sites[["item", "answer"]])
    for column in ("n", "weight", "weight2", "chosen"):
        sites[f"rest {column}"] = whole[column].astype(float).reindex(keys).to_numpy() \
            - sites[column].astype(float).to_numpy()
    rest_n_eff = sites["rest weight"] ** 2 / sites["rest weight2"]
    sites["network"] = whole["percent"].reindex(keys).to_numpy()
    sites["reference"] = 100 * sites["rest chosen"] / sites["rest weight"]
    sites["reference n"] = sites["rest n"]
    sites["gap"] = sites["percent"] - sites["reference"]
    n_eff = sites["n_eff"].astype(float).to_numpy()
    other, other_n = sites["reference"].to_numpy(dtype=float), rest_n_eff.to_numpy(dtype=float)
    known = ~np.isnan(other) & (np.nan_to_num(other_n) > 0) & (np.nan_to_num(n_eff) > 0)
    lows, highs, ps = (np.full(len(sites), math.nan) for _ in range(3))
    if known.any():
        a = sites["percent"].to_numpy(dtype=float)[known] * n_eff[known] / 100
        b = other[known] * other_n[known] / 100
        _, low, high = newcombe(a, n_eff[known], b, other_n[known])
        lows[known], highs[known] = 100 * low, 100 * high
        ps[known] = difference_p_value(a, n_eff[known], b, other_n[known])
    sites["gap low"], sites["gap high"], sites["p"] = lows, highs, ps
    return sites.drop(columns=[c for c in sites.columns if c.startswith("rest ")])


def clear(p_values: pd.Series, rate: float = FDR) -> pd.Series:
    """Returns which comparisons survive Benjamini–Hochberg control of the false discovery rate
    (statsmodels' multipletests); a comparison without a p-value is never clear."""
    from statsmodels.stats.multitest import multipletests

    survives = pd.Series(False, index=p_values.index)
    known = p_values.notna()
    if known.any():
        survives[known] = multipletests(p_values[known].astype(float), alpha=rate, method="fdr_bh")[0]
    return survives


COMPARISON = ["kind", "site", "table", "item", "answer", "contrast", "breakdown", "value"]


def comparison_key(kind: str, site: str, item: str, answer: str, contrast: str = "", table: str = "",
                   breakdown: str = "", value: str = "") -> tuple:
    """Returns the key of one comparison in :func:`verdicts` (COMPARISON's order): the same
    comparison has the same key in every report."""
    return (kind, site, table if kind == "contrast" else "", item, answer, contrast, breakdown, value)


@once
def verdicts(dataset: Dataset) -> pd.DataFrame:
    """Returns every tested comparison that any report of the run publishes, with which are clear
    after the false discovery rate is controlled across all of them at once (one
    Benjamini–Hochberg family for the run, so that a comparison has one verdict wherever it is
    shown): every site against the rest of the network, the group contrasts and the changes
    between waves at every site and in the network, and each group of a breakdown against the
    other respondents who stated a value, at every site and in the network.

    Comparisons without a test (a site against a published mean that includes it) are not in
    the family. Computed once per run (helpers.render.share_dataset). Columns: COMPARISON,
    gap, low, high, p, clear.
    """
    renamed = {"gap low": "low", "gap high": "high", "change": "gap"}  # each table's names
    frames = []
    for kind, rows in (("site", site_shares(dataset)), ("contrast", _contrasts_everywhere(dataset)),
                       ("change", _changes_everywhere(dataset)),
                       ("breakdown", _breakdowns_everywhere(dataset))):
        rows = rows.drop(columns=["low", "high"] if kind in ("site", "breakdown") else []).rename(
            columns=renamed)
        frames.append(pd.DataFrame({c: rows.get(c, "") for c in
                                    [*COMPARISON[1:], "gap", "low", "high", "p"]}).assign(kind=kind))
        if kind != "contrast":
            frames[-1]["table"] = ""
    table = pd.concat([f for f in frames if len(f)] or frames[:1], ignore_index=True)[[*COMPARISON, "gap",
                                                                                        "low", "high", "p"]]
    table["p"] = table["p"].astype(float)
    table = table[table["p"].notna()].drop_duplicates(COMPARISON).reset_index(drop=True)
    table["clear"] = clear(table["p"])
    return table


@once
def clear_keys(dataset: Dataset) -> frozenset:
    """Returns the keys (:func:`comparison_key`) of the run's comparisons that are clear."""
    family = verdicts(dataset)
    return frozenset(map(tuple, family.loc[family["clear"], COMPARISON].to_numpy().tolist()))


def is_clear(dataset: Dataset, rows: pd.DataFrame) -> pd.Series:
    """Returns, for rows naming comparisons (kind, site, item, answer and, where they apply,
    contrast, table, breakdown, value), whether each is clear in the run's family."""
    keys = clear_keys(dataset)
    blank = pd.Series("", index=rows.index)
    columns = [rows.get(c, blank) for c in ("kind", "site", "item", "answer", "contrast",
                                            "table", "breakdown", "value")]
    return pd.Series([comparison_key(*key) in keys for key in zip(*columns, strict=True)], index=rows.index,
                     dtype=bool)


def gaps_for_site(dataset: Dataset, site: str) -> pd.DataFrame:
    """Returns the site's shares and gaps to the reference, largest gap first."""
    rows = site_shares(dataset)
    rows = rows[rows["site"] == site].dropna(subset=["gap"])
    return rows.reindex(rows["gap"].abs().sort_values(ascending=False, kind="stable").index)


@once
def disparity_by_indicator(dataset: Dataset) -> pd.DataFrame:
    """Returns, per share, the disparity among sites against the reference: range difference
    and ratio, index of disparity, and the measures weighted by each site's n.

    The reference is one figure for all the sites: the published mean, or the whole network's
    share (each site's own "reference" is the rest of the network without it, which differs
    from site to site)."""
    rows = []
    data = site_shares(dataset)
    for (item, answer), cells in data.groupby(["item", "answer"], sort=False):
        values = cells.set_index("site")["percent"]
        reference = cells["network"].iloc[0]
        if len(values) < 2 or pd.isna(reference):
            continue
        weights = cells.set_index("site")["n"].astype(float)
        measures = disparity(values, reference=float(reference),
                             weights=weights if weights.notna().all() else None)
        rows.append({
            "item": item, "answer": answer, "reference": measures.reference,
            "highest": measures.highest, "highest %": float(values.max()),
            "lowest": measures.lowest, "lowest %": float(values.min()),
            "range": measures.range_difference, "range ratio": measures.range_ratio,
            "index of disparity": measures.index_of_disparity,
            "between-group variance": measures.between_group_variance,
            "theil": measures.theil, "mld": measures.mean_log_deviation,
        })
    return pd.DataFrame(rows)


CONTRAST_COLUMNS = ["contrast", "first", "second", "table", "item", "answer", "first %", "second %", "gap",
                    "low", "high", "first n", "second n", "inferred", "p"]


def _tested(count_a, n_a, count_b, n_b) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Returns the Newcombe 95% interval (low, high, in points) and the score test's p-value of
    the difference of two shares, for arrays of counts and effective n: missing where either n
    is unknown or zero."""
    count_a, n_a, count_b, n_b = (_floats(v) for v in (count_a, n_a, count_b, n_b))
    known = (np.nan_to_num(n_a) > 0) & (np.nan_to_num(n_b) > 0) & ~np.isnan(count_a) & ~np.isnan(count_b)
    lows, highs, ps = (np.full(len(n_a), math.nan) for _ in range(3))
    if known.any():
        parts = (count_a[known], n_a[known], count_b[known], n_b[known])
        _, low, high = newcombe(*parts)
        lows[known], highs[known] = 100 * low, 100 * high
        ps[known] = difference_p_value(*parts)
    return lows, highs, ps


def _in_order(dataset: Dataset, rows: pd.DataFrame, *first: str) -> pd.DataFrame:
    """Returns the rows sorted by the given columns, then by the codebook's order of shares."""
    order = {pair: i for i, pair in enumerate(indicators(dataset.codebook))}
    rows = rows.assign(_o=[order.get(pair, 0) for pair in zip(rows["item"], rows["answer"], strict=True)])
    return rows.sort_values([*first, "_o"], kind="stable").drop(columns="_o").reset_index(drop=True)


@once
def _contrasts_everywhere(dataset: Dataset) -> pd.DataFrame:
    """Returns the codebook's contrasts (CONTRAST_COLUMNS and site) at every site and in the
    network (site blank), latest wave, computed once for every report of a run."""
    data = shares(dataset)
    wave = latest_wave(dataset)
    data = data[(data["wave"] == wave) & (data["breakdown"] == "") & (data["aggregate"] == "")]
    keys = ["site", "table", "item", "answer"]
    frames = []
    for index, contrast in enumerate(dataset.codebook.contrasts):
        first = data[data["group"] == contrast.first].drop_duplicates(keys)
        second = data[data["group"] == contrast.second].drop_duplicates(keys)
        both = first.merge(second, on=keys, suffixes=(" a", " b"))
        low, high, p = _tested(_counts(both["percent a"], both["n_eff a"], both["inferred a"]),
                               both["n_eff a"],
                               _counts(both["percent b"], both["n_eff b"], both["inferred b"]),
                               both["n_eff b"])
        frames.append(pd.DataFrame({
            "_c": index, "site": both["site"], "contrast": contrast.id, "first": contrast.first,
            "second": contrast.second, "table": both["table"], "item": both["item"],
            "answer": both["answer"], "first %": both["percent a"], "second %": both["percent b"],
            "gap": both["percent a"] - both["percent b"], "low": low, "high": high,
            "first n": both["n a"], "second n": both["n b"],
            "inferred": both["inferred a"].astype(bool) | both["inferred b"].astype(bool), "p": p}))
    if not frames:
        return pd.DataFrame(columns=["site", *CONTRAST_COLUMNS])
    rows = _in_order(dataset, pd.concat(frames, ignore_index=True), "_c", "table")
    return rows.drop(columns="_c")


@once
def contrasts(dataset: Dataset, site: str = "", table: str | None = None) -> pd.DataFrame:
    """Returns, for each contrast of the codebook and share, the two groups' figures, the gap
    (first minus second), its Newcombe 95% interval and p-value, at a site (blank: the network).

    Columns: CONTRAST_COLUMNS (contrast, first, second, table, item, answer, first %, second %,
    gap, low, high, first n, second n, inferred, p).
    """
    rows = _contrasts_everywhere(dataset)
    rows = rows[(rows["site"] == site) & ((rows["table"] == table) if table is not None else True)]
    return rows[CONTRAST_COLUMNS].reset_index(drop=True)


@once
def shown_contrasts(dataset: Dataset, site: str) -> tuple[pd.DataFrame, bool]:
    """Returns the contrasts a report shows: the site's, or where the data have none by site,
    the network's from the first table that has them; and whether they are network-wide."""
    rows = contrasts(dataset, site)
    if rows.empty and site:
        rows = contrasts(dataset, "")
        if len(rows):
            return rows[rows["table"] == rows["table"].iloc[0]], True
    return rows, False


CHANGE_COLUMNS = ["item", "answer", "before", "after", "before %", "after %", "change", "low", "high",
                  "before n", "after n", "p"]


@once
def _changes_everywhere(dataset: Dataset) -> pd.DataFrame:
    """Returns each share's change between the last two waves (CHANGE_COLUMNS and site) at every
    site and in the network, all groups, computed once for every report of a run."""
    present = waves(dataset)
    if len(present) < 2:
        return pd.DataFrame(columns=["site", *CHANGE_COLUMNS])
    before, after = present[-2:]
    data = shares(dataset)
    data = data[(data["group"] == "") & (data["breakdown"] == "") & (data["aggregate"] == "")]
    keys = ["site", "item", "answer"]
    first = data[data["wave"] == before].drop_duplicates(keys)
    second = data[data["wave"] == after].drop_duplicates(keys)
    both = first.merge(second, on=keys, suffixes=(" a", " b"))
    n_a, n_b = both["n_eff a"].astype(float), both["n_eff b"].astype(float)
    low, high, p = _tested(both["percent b"] * n_b / 100, n_b, both["percent a"] * n_a / 100, n_a)
    rows = pd.DataFrame({"site": both["site"], "item": both["item"], "answer": both["answer"],
                         "before": before, "after": after, "before %": both["percent a"],
                         "after %": both["percent b"], "change": both["percent b"] - both["percent a"],
                         "low": low, "high": high, "before n": both["n a"], "after n": both["n b"], "p": p})
    return _in_order(dataset, rows)


@once
def wave_changes(dataset: Dataset, site: str = "") -> pd.DataFrame:
    """Returns each share's change between the last two waves at a site (blank: the network), all
    groups, with a Newcombe 95% interval (the waves taken as independent samples) and p-value.

    Columns: CHANGE_COLUMNS (item, answer, before, after, before %, after %, change, low, high,
    before n, after n, p).
    """
    rows = _changes_everywhere(dataset)
    return rows.loc[rows["site"] == site, CHANGE_COLUMNS].reset_index(drop=True)


@once
def _breakdowns_everywhere(dataset: Dataset) -> pd.DataFrame:
    """Returns every share by the values of every respondent characteristic, at every site and in
    the network, latest wave, all groups, each against the other respondents of its site (or of
    the network) who stated another value: their share ("others %", "others n"), the gap, its
    Newcombe 95% interval and p-value; and the all-respondents figure ("overall").

    Only published figures enter "the others": a withheld group is neither compared nor part of
    anyone's comparison, or its figure could be worked out from the gap. Sums of weights make
    the others' share exact, weights included (as for a site against the rest of the network).
    """
    data = shares(dataset)
    wave = latest_wave(dataset)
    data = data[(data["wave"] == wave) & (data["group"] == "") & (data["aggregate"] == "")]
    keys = ["site", "item", "answer"]
    overall = data[data["breakdown"] == ""].drop_duplicates(keys).set_index(keys)["percent"]
    rows = data[data["breakdown"] != ""].reset_index(drop=True)
    rows["overall"] = overall.reindex(pd.MultiIndex.from_frame(rows[keys])).to_numpy()
    weighted = rows["weight"].notna().to_numpy()
    n_eff = rows["n_eff"].astype(float).to_numpy()
    parts = pd.DataFrame({  # published tallies have no weights: their counts and n stand in
        "chosen": np.where(weighted, rows["chosen"].astype(float),
                           _counts(rows["percent"], n_eff, rows["inferred"])),
        "weight": np.where(weighted, rows["weight"].astype(float), n_eff),
        "weight2": np.where(weighted, rows["weight2"].astype(float), n_eff),
        "n": rows["n"].astype(float)})
    totals = parts.groupby([rows["site"], rows["breakdown"], rows["table"], rows["item"], rows["answer"]],
                           sort=False).transform("sum")
    others = totals - parts
    with np.errstate(divide="ignore", invalid="ignore"):
        rows["others %"] = np.where(others["weight"] > 0, 100 * others["chosen"] / others["weight"], math.nan)
        others_n_eff = np.where(others["weight2"] > 0, others["weight"] ** 2 / others["weight2"], math.nan)
    rows["others n"] = np.where(others["weight"] > 0, others["n"], math.nan)
    rows["gap"] = rows["percent"] - rows["others %"]
    rows["gap low"], rows["gap high"], rows["p"] = _tested(  # the share keeps its own low, high
        rows["percent"].to_numpy(dtype=float) * n_eff / 100, n_eff,
        rows["others %"].to_numpy(dtype=float) * others_n_eff / 100, others_n_eff)
    return rows


@once
def breakdown(dataset: Dataset, characteristic: str, site: str = "") -> pd.DataFrame:
    """Returns each share by the values of a respondent characteristic at a site (blank: the
    network), latest wave, all groups, in the codebook's order of values, with Wilson intervals,
    the all-respondents figure ("overall") and each group against the others who stated a value
    (see :func:`_breakdowns_everywhere`: others %, others n, gap, low, high, p)."""
    rows = _breakdowns_everywhere(dataset)
    rows = rows[(rows["site"] == site) & (rows["breakdown"] == characteristic)]
    order = {v.id: i for i, v in enumerate(dataset.codebook.characteristic(characteristic).values)}
    pairs = {pair: i for i, pair in enumerate(indicators(dataset.codebook))}
    rows = rows.assign(_o=[pairs.get(pair, 0) for pair in zip(rows["item"], rows["answer"], strict=True)],
                       _v=rows["value"].map(order))
    return rows.sort_values(["_o", "_v"]).drop(columns=["_o", "_v"]).reset_index(drop=True)


@once
def breakdown_disparity(dataset: Dataset, characteristic: str, site: str = "") -> pd.DataFrame:
    """Returns, per share, the disparity across a characteristic's groups against all
    respondents: highest and lowest group, range, range ratio and index of disparity, the
    between-group variance weighted by each group's n."""
    rows = []
    for (item, answer), cells in breakdown(dataset, characteristic, site).groupby(["item", "answer"],
                                                                                 sort=False):
        values = cells.set_index("value")["percent"]
        reference = cells["overall"].iloc[0]
        if len(values) < 2 or pd.isna(reference):
            continue
        measures = disparity(values, reference=float(reference),
                             weights=cells.set_index("value")["n"].astype(float))
        rows.append({"item": item, "answer": answer, "reference": measures.reference,
                     "highest": measures.highest, "highest %": float(values.max()),
                     "lowest": measures.lowest, "lowest %": float(values.min()),
                     "range": measures.range_difference, "range ratio": measures.range_ratio,
                     "index of disparity": measures.index_of_disparity,
                     "between-group variance": measures.between_group_variance})
    return pd.DataFrame(rows)


@once
def distributions(dataset: Dataset, site: str = "") -> pd.DataFrame:
    """Returns the full answer distributions of the scale items at a site (blank: the network),
    latest wave, per group: one row per table, group, item and level."""
    figures = at_site(dataset, "figures", site)
    wave = latest_wave(dataset)
    levels = {(item.id, level.id) for item in dataset.codebook.items
              if (scale := dataset.codebook.scale_of(item)) for level in scale.levels}
    rows = figures[(figures["wave"] == wave) & (figures["breakdown"] == "")
                   & (figures["aggregate"] == "")]
    keep = [(i, a) in levels for i, a in zip(rows["item"], rows["answer"], strict=True)]
    return rows[keep].reset_index(drop=True)


def headcounts(dataset: Dataset, table: str) -> pd.DataFrame:
    """Returns one head-count table's parts (no totals): unit, activity, count, in order."""
    counts = dataset.headcounts[dataset.headcounts["table"] == table]
    by_value = (counts["characteristic"] != "").any()
    return counts.assign(unit=counts["value"] if by_value else counts["site"])


def respondent_counts(dataset: Dataset, site: str = "") -> pd.DataFrame:
    """Returns, for exports, how many people answered per wave and group at a site (blank: all):
    the largest base of any item, the most who answered any one question. It is a published (and
    protected) base, where a count of everyone who answered anything would be a figure the
    disclosure audit does not know of; so it leaves out whoever skipped that question."""
    figures = at_site(dataset, "figures", site)
    rows = figures[(figures["exact"].astype(bool)) & (figures["breakdown"] == "")
                   & (figures["file"] != "figures.csv")]
    if rows.empty:
        return pd.DataFrame(columns=["wave", "group", "respondents"])
    counts = rows.groupby(["wave", "group"], sort=False)["n"].max().rename("respondents")
    return counts.reset_index()


@once
def site_spread(dataset: Dataset) -> pd.DataFrame:
    """Returns, per compared share (in site_shares' order), the spread of the sites' figures:
    lower quartile, median and upper quartile; computed once for every report of a run."""
    rows = []
    for (item, answer), cells in site_shares(dataset).groupby(["item", "answer"], sort=False):
        q1, median, q3 = quartiles(cells["percent"])
        rows.append({"item": item, "answer": answer, "q1": q1, "median": median, "q3": q3})
    return pd.DataFrame(rows, columns=["item", "answer", "q1", "median", "q3"])


@once
def compared_sites(dataset: Dataset) -> int:
    """Returns how many sites have compared shares."""
    return int(site_shares(dataset)["site"].nunique())


def quartiles(values: pd.Series) -> tuple[float, float, float]:
    """Returns the lower quartile, median and upper quartile."""
    return tuple(float(v) for v in np.nanpercentile(values.astype(float), [25, 50, 75]))
