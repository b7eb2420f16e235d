"""Fractional positions: the order of elements in the live document.

A position is a string; a collection is ordered by (position, id) in plain code-unit
string comparison. New positions are generated strictly between two neighbours with the
`fractional-indexing` algorithm (David Greenspan's, as published by rocicorp in the npm
package `fractional-indexing`), base 62 over `0-9A-Za-z`: a key is an "integer part"
(a head letter giving its length, then digits) followed by a fraction that never ends in
`0`. Python and the board generate the same keys for the same neighbours.
"""

from __future__ import annotations

import re

DIGITS = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
"""The 62 digits, in code-unit order."""

MAX_POSITION_LENGTH = 1024
"""Longest position the document accepts (keys grow by about one character per six
inserts at one spot; a thousand characters means a client that misbehaves)."""

_POSITION_CHARS = re.compile(r"^[0-9A-Za-z]+$")
_SMALLEST_INTEGER = "A" + DIGITS[0] * 26


class PositionError(ValueError):
    """A position that is not a key of the algorithm, or neighbours that are out of order."""


def is_position_text(value: object) -> bool:
    """True for a string the document accepts as a position: 1 … 1024 characters of 0-9A-Za-z."""
    return (
        isinstance(value, str)
        and 0 < len(value) <= MAX_POSITION_LENGTH
        and _POSITION_CHARS.match(value) is not None
    )


def is_key(value: object) -> bool:
    """True when new keys can be generated next to this one (a valid key of the algorithm)."""
    if not is_position_text(value):
        return False
    assert isinstance(value, str)
    try:
        _validate_key(value)
    except PositionError:
        return False
    return True


def _integer_length(head: str) -> int:
    if "a" <= head <= "z":
        return ord(head) - ord("a") + 2
    if "A" <= head <= "Z":
        return ord("Z") - ord(head) + 2
    raise PositionError(f"invalid position head {head!r}")


def _integer_part(key: str) -> str:
    length = _integer_length(key[0])
    if length > len(key):
        raise PositionError(f"invalid position {key!r}")
    return key[:length]


def _validate_key(key: str) -> None:
    if not key:
        raise PositionError("empty position")
    if key == _SMALLEST_INTEGER:
        raise PositionError(f"invalid position {key!r}")
    integer = _integer_part(key)
    if key[len(integer) :].endswith(DIGITS[0]):
        raise PositionError(f"invalid position {key!r} (ends in 0)")


def _midpoint(a: str, b: str | None) -> str:
    """A fraction strictly between fractions a and b (b None: 1)."""
    zero = DIGITS[0]
    if b is not None and a >= b:
        raise PositionError(f"{a!r} >= {b!r}")
    if a.endswith(zero) or (b is not None and b.endswith(zero)):
        raise PositionError("trailing zero")
    if b is not None:
        n = 0
        while n < len(b) and (a[n] if n < len(a) else zero) == b[n]:
            n += 1
        if n > 0:
            return b[:n] + _midpoint(a[n:], b[n:])
    digit_a = DIGITS.index(a[0]) if a else 0
    digit_b = DIGITS.index(b[0]) if b is not None else len(DIGITS)
    if digit_b - digit_a > 1:
        return DIGITS[(digit_a + digit_b + 1) // 2]
    if b is not None and len(b) > 1:
        return b[:1]
    return DIGITS[digit_a] + _midpoint(a[1:], None)


def _increment_integer(x: str) -> str | None:
    head, digs = x[0], list(x[1:])
    carry = True
    for i in range(len(digs) - 1, -1, -1):
        d = DIGITS.index(digs[i]) + 1
        if d == len(DIGITS):
            digs[i] = DIGITS[0]
        else:
            digs[i] = DIGITS[d]
            carry = False
            break
    if not carry:
        return head + "".join(digs)
    if head == "Z":
        return "a" + DIGITS[0]
    if head == "z":
        return None
    h = chr(ord(head) + 1)
    if h > "a":
        digs.append(DIGITS[0])
    else:
        digs.pop()
    return h + "".join(digs)


def _decrement_integer(x: str) -> str | None:
    head, digs = x[0], list(x[1:])
    borrow = True
    for i in range(len(digs) - 1, -1, -1):
        d = DIGITS.index(digs[i]) - 1
        if d == -1:
            digs[i] = DIGITS[-1]
        else:
            digs[i] = DIGITS[d]
            borrow = False
            break
    if not borrow:
        return head + "".join(digs)
    if head == "a":
        return "Z" + DIGITS[-1]
    if head == "A":
        return None
    h = chr(ord(head) - 1)
    if h < "Z":
        digs.append(DIGITS[-1])
    else:
        digs.pop()
    return h + "".join(digs)


def key_between(a: str | None, b: str | None) -> str:
    """A position strictly between a and b (None: the start or the end of the collection).

    Raises PositionError when a or b is not a key or a >= b.
    """
    if a is not None:
        _validate_key(a)
    if b is not None:
        _validate_key(b)
    if a is not None and b is not None and a >= b:
        raise PositionError(f"{a!r} >= {b!r}")
    if a is None:
        if b is None:
            return "a" + DIGITS[0]
        ib = _integer_part(b)
        fb = b[len(ib) :]
        if ib == _SMALLEST_INTEGER:
            return ib + _midpoint("", fb)
        if ib < b:
            return ib
        lower = _decrement_integer(ib)
        if lower is None:
            raise PositionError("cannot generate a position before this one")
        return lower
    if b is None:
        ia = _integer_part(a)
        fa = a[len(ia) :]
        higher = _increment_integer(ia)
        return ia + _midpoint(fa, None) if higher is None else higher
    ia = _integer_part(a)
    fa = a[len(ia) :]
    ib = _integer_part(b)
    fb = b[len(ib) :]
    if ia == ib:
        return ia + _midpoint(fa, fb)
    higher = _increment_integer(ia)
    if higher is None:
        raise PositionError("cannot generate a position after this one")
    if higher < b:
        return higher
    return ia + _midpoint(fa, None)


def keys_between(a: str | None, b: str | None, n: int) -> list[str]:
    """n positions in increasing order strictly between a and b (spread out, not a chain)."""
    if n <= 0:
        return []
    if n == 1:
        return [key_between(a, b)]
    if b is None:
        keys = [key_between(a, None)]
        for _ in range(n - 1):
            keys.append(key_between(keys[-1], None))
        return keys
    if a is None:
        keys = [key_between(None, b)]
        for _ in range(n - 1):
            keys.append(key_between(None, keys[-1]))
        keys.reverse()
        return keys
    mid = n // 2
    c = key_between(a, b)
    return [*keys_between(a, c, mid), c, *keys_between(c, b, n - mid - 1)]


def examples() -> list[dict[str, object]]:
    """Test vectors for the board: neighbours and the key(s) Python generates between them."""
    cases: list[tuple[str | None, str | None, int]] = [
        (None, None, 1),
        ("a0", None, 1),
        (None, "a0", 1),
        ("a0", "a1", 1),
        ("a1", "a2", 1),
        ("a0V", "a1", 1),
        ("Zz", "a0", 1),
        ("Zz", "a01", 1),
        (None, "a0V", 1),
        ("b125", "b129", 1),
        ("a0", "a0V", 1),
        ("az", None, 1),
        ("zzzzzzzzzzzzzzzzzzzzzzzzzzy", None, 1),
        (None, None, 5),
        ("a0", "a1", 4),
        ("a4", None, 3),
        (None, "a0", 3),
    ]
    return [{"a": a, "b": b, "n": n, "keys": keys_between(a, b, n)} for a, b, n in cases]


def position_at(siblings: list[str], index: int) -> str:
    """A new position that sorts at `index` among siblings (their positions, in order).

    Neighbours that tie (two concurrent inserts at one place) or are not keys are stepped
    over: the new element then lands just after the tied run, never outside its neighbours'
    span when one exists.
    """
    index = max(0, min(index, len(siblings)))
    lower = next((p for p in reversed(siblings[:index]) if is_key(p)), None)
    upper = next(
        (p for p in siblings[index:] if is_key(p) and (lower is None or p > lower)),
        None,
    )
    return key_between(lower, upper)
