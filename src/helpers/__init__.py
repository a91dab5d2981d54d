"""Helpers for the impact reports. The analyst's API (helpers.api) is importable from here:
``from helpers import open_dataset, figures, chart, derive``, loaded only when first asked for,
so that the renderer's own imports stay as they were."""

API = ("open_dataset", "figures", "chart", "derive", "Plot")
__all__ = list(API)  # from helpers import *: the analyst API


def __getattr__(name: str):
    if name in API:
        from helpers import api

        return getattr(api, name)
    raise AttributeError(f"module 'helpers' has no attribute {name!r}")
