"""Fen-exact rounding by largest remainder: lines add up to the fund's total exactly.

The solver gives each variable line a real amount. For each fund the paid
total is fixed first: the exact sum of its variable lines, rounded down to the
fen (never above what the fund has left after its fixed lines). Every line is
rounded down to the fen, and the fen still missing go one each to the lines
with the largest remainders; ties go to the person with more points, then to
the earlier person in staff order. So

- every line moves by less than one fen;
- the lines of a fund add up to its paid total exactly, and paid + left over
  == the fund's size, to the fen;
- within a pay class, a line that grows with points still grows with points
  after rounding (a larger exact amount never gets the smaller rounding).
"""

from __future__ import annotations

import math

import numpy as np

SNAP = 1e-6  # fen: an exact amount this close to a whole fen is that fen


def fen_amounts(yuan: np.ndarray) -> np.ndarray:
    """Real amounts in yuan as real fen, snapped to whole fen within solver noise."""
    fen = np.asarray(yuan, dtype=float) * 100.0
    near = np.rint(fen)
    return np.where(np.abs(fen - near) < SNAP * np.maximum(1.0, np.abs(fen)) ** 0.5, near, fen)


TOTAL_SNAP = 0.01  # fen: solver noise on a fund's total; less than one fen, so rounding holds


def target_total(fen: np.ndarray, cap: int | None = None) -> int:
    """The paid total of a set of lines: their exact sum rounded down, at most ``cap``.

    A sum within a hundredth of a fen below a whole fen is that fen (the solver
    spends a fund to within its tolerance, not to the last bit).
    """
    total = float(np.sum(fen, dtype=float))
    whole = math.floor(total + TOTAL_SNAP + 1e-12 * abs(total))
    return min(whole, cap) if cap is not None else whole


def largest_remainder(fen: np.ndarray, total: int,
                      priority: np.ndarray | None = None) -> np.ndarray:
    """Integer fen per line, each the floor or the ceiling of ``fen``, adding up to ``total``.

    Parameters
    ----------
    fen
        Exact amounts in fen (real; snap them with `fen_amounts`).
    total
        The sum wanted, between the sum of floors and the sum of ceilings.
    priority
        Tie-break among equal remainders: higher first (points); then the lower index.

    Raises
    ------
    ValueError
        if ``total`` cannot be reached by rounding each line down or up.
    """
    fen = np.asarray(fen, dtype=float)
    floors = np.floor(fen)
    remainder = fen - floors
    out = floors.astype(np.int64)
    missing = int(total - out.sum())
    fractional = int(np.count_nonzero(remainder > 0))
    if missing < 0 or missing > fractional:
        raise ValueError(f"cannot round {len(fen)} lines to a total of {total} fen "
                         f"(floors add up to {int(out.sum())}, {fractional} lines can go up)")
    if missing:
        keys = [np.arange(len(fen))]
        if priority is not None:
            keys.append(-np.asarray(priority, dtype=float))
        keys.append(-remainder)
        order = np.lexsort(keys)
        out[order[:missing]] += 1
    return out
