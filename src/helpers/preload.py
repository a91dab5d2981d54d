"""Imported once by the renderer's forkserver: every report's worker starts from this warm state."""

import gc
import sys

# jsonschema, which nbformat imports, imports the optional rfc3987_syntax package for its "iri"
# format checker, and that builds a Lark grammar on import: about a second of every run's
# start-up. nbformat validates notebooks with fastjsonschema and checks no "iri" format, so the
# renderer's processes go without it (an entry of None makes the import fail, as when absent).
sys.modules.setdefault("rfc3987_syntax", None)

from helpers.engine import warm_up  # noqa: E402
from helpers.load import preload_shared  # noqa: E402
from helpers.render import end_with_parent  # noqa: E402


def warm_charts(dataset) -> None:
    """Draws the charts of the first site's report here, once, so that every worker starts
    with what drawing leaves behind: a blank figure of each layout (charts._figure) and the
    size of every text drawn (charts.text_size). Only a head start: a chart that fails here
    fails again, with its message, in the report that draws it."""
    from helpers.gallery import report_charts

    site = dataset.site_ids[0] if dataset.site_ids else None
    try:
        for chart in report_charts(dataset, site, dataset.codebook.dataset.min_n):
            chart.svg()
    except Exception:  # see above
        pass


end_with_parent()  # the server ends with the run (or Dask worker) that started it
warm_up()
if (shared := preload_shared()) is not None:  # the run's dataset, when the renderer shared it
    warm_charts(shared)
gc.freeze()  # what the server holds is never collected: workers neither scan it nor copy its pages
