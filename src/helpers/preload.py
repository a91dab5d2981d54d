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

end_with_parent()  # the server ends with the run (or Dask worker) that started it
warm_up()
preload_shared()  # the run's dataset, when the renderer has shared it before starting the server
gc.freeze()  # what the server holds is never collected: workers neither scan it nor copy its pages
