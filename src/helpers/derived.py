"""Derived characteristics under disclosure control: a combined group never gives back a withheld one.

A derived characteristic (``derived_from`` in the codebook, helpers.codebook.Characteristic)
is tabulated like any other (helpers.tabulate) and protected like any other
(helpers.disclosure.protect: primary suppression, top/bottom coding, complementary
suppression and the audit, along sites and groups). One relation is new: in every cell (wave,
site, group, item), a derived value's counts and base are the sums of those of the source
values it combines. "Of colour" at a site, shown beside its shown parts but one, would give
that one back by subtraction. This pass closes it with one rule:

    A derived value's cell is withheld wherever any of the source values it combines is
    withheld in the same cell (wave, site, group, item).

Why it is sound. After the pass, every shown derived cell is the sum of shown source cells
(a part with no respondents there has no row and adds nothing). So everything the derived
figures say is already said by the source figures: whatever an outsider can work out from
all that is published, source and derived figures together, he can work out from the source
figures alone, which the audit of helpers.disclosure covers (every answer and the base, since
a cell is withheld whole). The derived figures' own relation, the network's derived figure as
the sum of the sites', stays without a determined cell too: the withheld derived cells are
those that protect withheld on the derived figures (no bridge, when its audit passes) together
with, for each source value, the image of that value's withheld cells (no bridge either, and
the image of a cycle of withheld cells is a cycle: a cell maps to the cell of the same site
and group), and a union of sets of edges each on cycles within itself has no bridge.

What it costs: every withheld part withholds its combination in that cell, so the derived
figures are withheld wherever their rarest part is; the cells it withheld are counted with
the complementary ones (Audit.complementary) and shown with that reason. Counts are the
unweighted ones, as in helpers.disclosure.
"""

import pandas as pd

from helpers.codebook import Codebook
from helpers.disclosure import CELL, Audit

NUMBERS = ("count", "n", "n_eff", "weight", "weight2", "chosen")


def protect_derived(figures: pd.DataFrame, codebook: Codebook, audit: Audit | None) -> pd.DataFrame:
    """Returns the protected figures (helpers.disclosure.protect's) with every derived cell
    withheld ("complementary", shown "—") where a source value it combines is withheld, and
    counts those cells in the audit's complementary ones."""
    derived = [c for c in codebook.characteristics if c.derived_from]
    if not derived or "suppressed" not in figures:
        return figures
    withheld = figures.loc[figures["suppressed"] != "", CELL].drop_duplicates()
    parts = []
    for characteristic in derived:
        rows = withheld[withheld["breakdown"] == characteristic.derived_from]
        parts.append(rows.assign(breakdown=characteristic.id,
                                 value=rows["value"].map(characteristic.recoding())).dropna(subset=["value"]))
    keys = pd.concat(parts, ignore_index=True).drop_duplicates().assign(_part_withheld=True)
    hit = figures[CELL].merge(keys, on=CELL, how="left")["_part_withheld"].fillna(False).to_numpy(dtype=bool)
    fresh = hit & (figures["suppressed"] == "").to_numpy()
    if not fresh.any():
        return figures
    figures = figures.copy()
    figures.loc[fresh, "suppressed"] = "complementary"
    figures.loc[fresh, "shown"] = "—"
    figures.loc[fresh, "percent"] = float("nan")
    for column in NUMBERS:
        figures.loc[fresh, column] = pd.NA
    if audit is not None:
        audit.complementary += len(figures.loc[fresh, CELL].drop_duplicates())
    return figures
