"""Imported once by the renderer's forkserver: every report's worker starts from this warm state."""

from helpers.engine import warm_up
from helpers.load import preload_shared
from helpers.render import end_with_parent

end_with_parent()  # the server ends with the run (or Dask worker) that started it
warm_up()
preload_shared()  # the run's dataset, when the renderer has shared it before starting the server
