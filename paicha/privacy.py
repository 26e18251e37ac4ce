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


def mask_name(value: str | None) -> str | None:
    """王** : the surname helps a village cadre recognise a household, the given name stays home.

    Used where a name travels inside a drawing (map popups) rather than a masked table.
    """
    if value is None or (isinstance(value, float) and pd.isna(value)):
        return None
    text = str(value).strip()
    return text[:1] + "*" * max(len(text) - 1, 1) if text else text
