"""Imported once by the renderer's forkserver: every report's worker starts from this warm state."""

import gc

from helpers.engine import warm_up
from helpers.load import preload_shared
from helpers.render import end_with_parent

end_with_parent()  # the server ends with the run (or Dask worker) that started it
warm_up()
preload_shared()  # the run's dataset, when the renderer has shared it before starting the server
gc.freeze()  # what the server holds is never collected: workers neither scan it nor copy its pages
