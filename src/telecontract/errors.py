"""Errors in the tool itself, as opposed to failures found in the API under test.

    TelecontractError
    ├── UsageError        bad flags, environment or files: the user can fix it
    └── SpecError         the spec cannot be loaded or is not a valid OpenAPI 3.1 document

Findings about a target are never exceptions of this tree: they are check failures (see
`telecontract.contract`).
"""

from __future__ import annotations


class TelecontractError(Exception):
    """Base of the errors the CLI turns into a message and exit code 2."""

    def __init__(self, message: str, *, hint: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint

    def __str__(self) -> str:
        return f"{self.message}\n  hint: {self.hint}" if self.hint else self.message


class UsageError(TelecontractError):
    """Something the user gave us (a flag, a variable, a file) is wrong."""


class SpecError(TelecontractError):
    """The OpenAPI document is missing, unreadable or invalid."""
