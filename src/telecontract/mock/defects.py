"""Named, deliberate contract violations the mock can switch on, to prove the suite catches them."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Defect:
    name: str
    description: str


def _catalogue(*defects: Defect) -> dict[str, Defect]:
    return {defect.name: defect for defect in defects}


DEFECTS = _catalogue(
    Defect("auth_ignored", "accepts requests with missing or wrong credentials"),
)
