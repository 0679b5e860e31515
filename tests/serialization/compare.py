"""Comparing values strictly, for round-trip tests of tagged JSON."""

from __future__ import annotations

import datetime as dt
import typing as t


def same(left: object, right: object) -> bool:
    """Equal *and* of the same types all the way down (1, 1.0 and True are
    equal in Python, but must not turn into one another)."""
    if type(left) is not type(right):
        return False
    if isinstance(left, (list, tuple)):
        right_seq = t.cast("list[object]", right)
        return len(left) == len(right_seq) and all(map(same, left, right_seq))
    if isinstance(left, dict):
        right_map = t.cast("dict[object, object]", right)
        return (len(left) == len(right_map) and all(
            any(same(key, other) and same(value, right_map[other]) for other in right_map)
            for key, value in left.items()))
    if isinstance(left, (set, frozenset)):
        right_set = t.cast("set[object]", right)
        return len(left) == len(right_set) and all(
            any(same(item, other) for other in right_set) for item in left)
    if isinstance(left, (dt.datetime, dt.time)):
        return left == right and left.utcoffset() == t.cast(dt.datetime, right).utcoffset()
    if isinstance(left, float) and left == 0:
        return str(left) == str(right)  # keeps the sign of zero
    return left == right
