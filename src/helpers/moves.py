"""The arithmetic of the audit's witnesses over arrays (helpers.audit): how far rectangles
through different rows of a table move a cell (the largest moves of the other rows), and each
cell's furthest move over many witnesses. Pure NumPy: it knows nothing of the attacker's problem."""

import numpy as np


def furthest(target: np.ndarray, cells: np.ndarray, values: np.ndarray) -> None:
    """Raises each cell's row of the target to the largest of its values (np.maximum.at, faster)."""
    if not len(cells):
        return
    order = np.argsort(cells, kind="stable")
    cells, values = cells[order], values[order]
    starts = np.flatnonzero(np.r_[True, cells[1:] != cells[:-1]])
    target[cells[starts]] = np.maximum(target[cells[starts]], np.maximum.reduceat(values, starts, axis=0))


def largest_others(values: np.ndarray, count: int, exclude: bool = True) -> np.ndarray:
    """Returns, for each row, the sum of the `count` largest values of the other rows (every row's
    when not excluding), column by column: rectangles through different rows move one cell by the
    sum of their moves, each other row's corners by its own."""
    rows = values.shape[0]
    top = -np.sort(-values, axis=0)[:count + 1]  # the largest first
    total = top[:count].sum(axis=0)
    if not exclude:
        return np.broadcast_to(total, values.shape)
    threshold = top[min(count, rows) - 1]  # a row among the largest gives its place to the next
    following = top[count] if rows > count else np.zeros_like(total)
    among = values >= threshold[None, :]
    return np.where(among, total[None, :] - values + following[None, :], total[None, :])
