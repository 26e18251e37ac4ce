"""Masks personal identifiers before they leave the server (ID numbers, phones, names)."""

from __future__ import annotations

import pandas as pd


def mask_id(value: str | None) -> str | None:
    """First 6 + last 4 characters kept: 210311********1234; the area code still helps a checker."""
    if value is None or (isinstance(value, float) and pd.isna(value)):
        return None
    text = str(value)
    if len(text) <= 10:
        return "*" * len(text)
    return text[:6] + "*" * (len(text) - 10) + text[-4:]


def mask_phone(value: str | None) -> str | None:
    """138****2565: enough to confirm a number read out on the phone, not to dial it."""
    if value is None or (isinstance(value, float) and pd.isna(value)):
        return None
    text = str(value)
    if len(text) < 7:
        return "*" * len(text)
    return text[:3] + "*" * (len(text) - 7) + text[-4:]


def mask_name(value: str | None) -> str | None:
    """张** : the family name stays (a colleague can still tell who is meant), the rest hidden.

    >>> mask_name("李建国"), mask_name("")
    ('李**', '')
    """
    if value is None or (isinstance(value, float) and pd.isna(value)):
        return None
    text = str(value)
    return text[:1] + "*" * (len(text) - 1) if len(text) > 1 else text


MASKERS = {"head_id_number": mask_id, "phone": mask_phone}


def mask_frame(frame: pd.DataFrame, unmasked: bool = False) -> pd.DataFrame:
    """A copy with every sensitive column masked, unless the caller holds the unmask permission."""
    if unmasked:
        return frame.copy()
    out = frame.copy()
    for column, masker in MASKERS.items():
        if column in out.columns:
            out[column] = out[column].map(masker)
    return out
