"""GB 11643-1999 citizen ID numbers: check digit, validation and synthetic generation."""

from __future__ import annotations

import numpy as np

from paicha.text import t

# ISO 7064 MOD 11-2 weights for the first 17 digits, and the check character for each remainder.
WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
CHECK_CHARS = "10X98765432"


def check_char(first17: str) -> str:
    """Return the 18th character for the 17 leading digits.

    >>> check_char("11010519491231002")
    'X'
    """
    if len(first17) != 17 or not first17.isdigit():
        raise ValueError(t("errors.idnumber.digits"))
    total = sum(int(d) * w for d, w in zip(first17, WEIGHTS, strict=True))
    return CHECK_CHARS[total % 11]


def is_valid(id_number: str) -> bool:
    """True when the string is 18 characters with a correct GB 11643 check character."""
    if not isinstance(id_number, str) or len(id_number) != 18:
        return False
    head, last = id_number[:17], id_number[17].upper()
    return head.isdigit() and check_char(head) == last


def synthetic_ids(area_code: str, birth_days: np.ndarray, serials: np.ndarray) -> np.ndarray:
    """Vectorised synthetic ID numbers with valid check characters.

    ``birth_days`` are numpy datetime64[D]; ``serials`` are integers 0..999. Generated numbers are
    valid in form only and belong to nobody: the serial is drawn at random.
    """
    dates = np.datetime_as_string(birth_days.astype("datetime64[D]"), unit="D")
    ymd = np.char.replace(dates, "-", "")
    serial = np.char.zfill(serials.astype(str), 3)
    head = np.char.add(np.char.add(area_code, ymd), serial)
    digits = np.frombuffer("".join(head.tolist()).encode("ascii"), dtype=np.uint8).reshape(-1, 17) - 48
    remainders = (digits.astype(np.int64) @ np.array(WEIGHTS, dtype=np.int64)) % 11
    checks = np.array(list(CHECK_CHARS))[remainders]
    return np.char.add(head, checks)
