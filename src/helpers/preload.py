"""Imported once by the renderer's forkserver: every report's worker starts from this warm state."""

from helpers.engine import warm_up

warm_up()
