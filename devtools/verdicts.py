"""How planted gaps fare in the run's one family of comparisons, at 12, 100 and 1,000 sites.

Writes seeded synthetic networks (devtools/make_synthetic.py) whose sites are alike but for
planted gaps: at the fifth school far fewer feel kept informed (−40 points), at the seventh
somewhat fewer (−25 points), and at every school respondents from Spanish-speaking homes agree
less that adults listen (−25 points); belonging rises by 6 points from one wave to the next
everywhere, as the generator always plants. Loads each as a run does, takes the run's family
(helpers.analysis.verdicts: one Benjamini–Hochberg family of every tested comparison any report
publishes) and prints, per network size and seed, the family's size, each planted gap's
p-value and verdict, the p-value a comparison needed to be clear, and how many other
comparisons came out clear (with the sites alike, those are false discoveries).

Beside it, the same p-values under the hierarchical alternative (Benjamini & Bogomolov 2014:
each site's comparisons a family, and the network's; Simes' p-value per family; BH across
families; BH within each selected family at q·R/F) for comparison.

Usage: python devtools/verdicts.py [--sites 12,100,1000] [--seeds 1,2,3] [--out DIR]
"""

import argparse
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd
from make_synthetic import write  # beside this script, as devtools/bench.py imports it
from statsmodels.stats.multitest import multipletests

from helpers import analysis
from helpers.load import load_dataset

PLANTS = {4: ("Q3_informed", -0.4), 6: ("Q3_informed", -0.25)}
BREAKDOWN = {("Home_language", "Spanish"): ("Q2_listen", -0.25)}


def bogomolov(family: pd.DataFrame, rate: float = analysis.FDR) -> pd.Series:
    """Returns which comparisons a two-level procedure selects: Simes' p-value per site (the
    network's comparisons one more family), BH across the families, BH within each selected
    family at rate × selected / families (Benjamini & Bogomolov 2014)."""
    simes = {}
    for site, rows in family.groupby("site"):
        p = np.sort(rows["p"].to_numpy())
        simes[site] = float(np.min(p * len(p) / np.arange(1, len(p) + 1)))
    sites = pd.Series(simes)
    chosen = sites[multipletests(sites.to_numpy(), alpha=rate, method="fdr_bh")[0]].index
    selected = pd.Series(False, index=family.index)
    for site in chosen:
        rows = family[family["site"] == site]
        selected[rows.index] = multipletests(rows["p"].to_numpy(), alpha=rate * len(chosen) / len(sites),
                                             method="fdr_bh")[0]
    return selected


def measure(sites: int, seed: int, folder: Path) -> dict:
    """Returns the figures of one network: its family and how the planted gaps fared."""
    write(folder, sites, seed, dataset_id=f"planted-{sites}", spread=0.0, family_gap=0.0, plant=PLANTS,
          plant_breakdown=BREAKDOWN)
    started = time.perf_counter()
    dataset = load_dataset(folder)
    loaded = time.perf_counter()
    family = analysis.verdicts(dataset)
    computed = time.perf_counter()
    family = family.assign(bb=bogomolov(family))
    ids = dataset.site_ids
    planted = {
        "site −40": (family["kind"] == "site") & (family["site"] == ids[4]) & (family["item"] == "informed"),
        "site −25": (family["kind"] == "site") & (family["site"] == ids[6]) & (family["item"] == "informed"),
        "breakdown −25": (family["kind"] == "breakdown") & (family["site"] == "")
        & (family["item"] == "listen") & (family["value"] == "spanish"),
    }
    real = (family["kind"] == "breakdown") & (family["item"] == "listen") \
        & (family["breakdown"] == "home-language")  # the planted gap, wherever it shows
    real |= (family["kind"] == "change") & (family["item"] == "belong")  # the generator's +6 points
    for mask in planted.values():
        real |= mask
    # Benjamini–Hochberg's threshold: with R comparisons clear, a p-value at most q·R/m is clear (q/m
    # where none is: what a lone real gap must beat).
    cutoff = analysis.FDR * max(int(family["clear"].sum()), 1) / len(family)
    row = {"sites": sites, "seed": seed, "family": len(family), "load s": round(loaded - started, 1),
           "family s": round(computed - loaded, 2), "p needed": f"{cutoff:.1e}"}
    for name, mask in planted.items():
        found = family[mask]
        row[f"{name} gap"] = round(float(found["gap"].iloc[0]), 1) if len(found) else None
        row[f"{name} p"] = f"{found['p'].iloc[0]:.1e}" if len(found) else "withheld"
        row[f"{name} BH"] = bool(found["clear"].iloc[0]) if len(found) else None
        row[f"{name} BB"] = bool(found["bb"].iloc[0]) if len(found) else None
    row["other clear BH"] = int((family["clear"] & ~real).sum())
    row["other clear BB"] = int((family["bb"] & ~real).sum())
    row["which"] = "; ".join(f"{r.kind} {r.site or 'network'} {r.item} {r.contrast or r.value}".strip()
                             for r in family[family["clear"] & ~real].head(3).itertuples())
    return row


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sites", default="12,100,1000")
    parser.add_argument("--seeds", default="1,2,3")
    parser.add_argument("--out", type=Path, default=None, help="where to write the networks (a temporary "
                                                                 "folder by default)")
    args = parser.parse_args()
    rows = []
    with tempfile.TemporaryDirectory(prefix="verdicts-") as scratch:
        root = args.out or Path(scratch)
        for sites in map(int, args.sites.split(",")):
            for seed in map(int, args.seeds.split(",")):
                rows.append(measure(sites, seed, root / f"{sites}-{seed}"))
                print(pd.DataFrame(rows[-1:]).to_string(index=False), flush=True)
    print(pd.DataFrame(rows).to_string(index=False))


if __name__ == "__main__":
    main()
