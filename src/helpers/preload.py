"""Imported once by the renderer's forkserver: every report's worker starts from this warm state."""

import gc
import os
import sys

# jsonschema, which nbformat imports, imports the optional rfc3987_syntax package for its "iri"
# format checker, and that builds a Lark grammar on import: about a second of every run's
# start-up. nbformat validates notebooks with fastjsonschema and checks no "iri" format, so the
# renderer's processes go without it (an entry of None makes the import fail, as when absent).
sys.modules.setdefault("rfc3987_syntax", None)

from helpers import shared as sharing  # noqa: E402
from helpers.engine import warm_up  # noqa: E402
from helpers.workers import end_with_parent  # noqa: E402


def warm_charts(dataset, site: str | None) -> None:
    """Draws the charts of a site's report (the site whose part the server holds) here, once,
    so that every worker starts with what drawing leaves behind: a blank figure of each layout
    (canvas.new_figure) and the size of every text drawn (canvas.text_size). Only a head start: a
    chart that fails here fails again, with its message, in the report that draws it."""
    from helpers.gallery import report_charts

    try:
        for chart in report_charts(dataset, site, dataset.codebook.dataset.min_n):
            chart.svg()
    except Exception:  # see above
        pass


end_with_parent()  # the server ends with the run (or Dask worker) that started it
warm_up()
if (shared := sharing.preload()) is not None:  # the run's dataset, when the renderer shared it
    warm_charts(shared, sharing.site_of(os.environ[sharing.SHARED]))
gc.freeze()  # what the server holds is never collected: workers neither scan it nor copy its pages
