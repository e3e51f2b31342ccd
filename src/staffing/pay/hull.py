"""Which people of a pay class can be the best or worst paid, whatever the schedule.

Within a pay class a person's pay is ``c_i + a + s * w_i`` (``c_i`` the fixed
lines, ``w_i`` the weighted points, ``a`` and ``s`` the class's basic amount
and point value). The largest of these over the class, for any ``a`` and ``s``,
is reached at a vertex of the upper convex hull of the points ``(w_i, c_i)``;
with ``s >= 0`` only the part from the highest point to the right-most one.
A constraint "every member's pay <= X" therefore needs one row per such
vertex, not one per person: a handful instead of thousands.
"""

from __future__ import annotations

import numpy as np


def _upper_chain(x: np.ndarray, y: np.ndarray, order: np.ndarray) -> list[int]:
    """Upper hull, left to right, of the points ``order`` (sorted by x, one per x: the top)."""
    hull: list[int] = []
    for i in order:
        while len(hull) >= 2:
            o, a = hull[-2], hull[-1]
            cross = (x[a] - x[o]) * (y[i] - y[o]) - (y[a] - y[o]) * (x[i] - x[o])
            if cross >= 0:
                hull.pop()
            else:
                break
        hull.append(int(i))
    return hull


def max_candidates(x: np.ndarray, y: np.ndarray, slope_nonnegative: bool = True) -> np.ndarray:
    """Indices that can maximise ``y_i + s * x_i`` (for some ``s >= 0``, or any ``s``)."""
    x = np.asarray(x, dtype=float)
    y = np.asarray(y, dtype=float)
    if len(x) == 0:
        return np.zeros(0, dtype=np.int64)
    order = np.lexsort((y, x))
    xs = x[order]
    last_of_x = np.r_[xs[1:] != xs[:-1], True]
    tops = order[last_of_x]  # for each x, the point with the highest y
    hull = _upper_chain(x, y, tops)
    if slope_nonnegative:
        best = max(range(len(hull)), key=lambda k: (y[hull[k]], x[hull[k]]))
        hull = hull[best:]
    return np.asarray(hull, dtype=np.int64)


def min_candidates(x: np.ndarray, y: np.ndarray, slope_nonnegative: bool = True) -> np.ndarray:
    """Indices that can minimise ``y_i + s * x_i`` (for some ``s >= 0``, or any ``s``)."""
    return max_candidates(-np.asarray(x, dtype=float), -np.asarray(y, dtype=float),
                          slope_nonnegative)
