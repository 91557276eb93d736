"""Errors with a Danish message for the user (see `db.errors` for the storage ones)."""

from __future__ import annotations

from dataclasses import dataclass

from db.errors import UserFacingError

__all__ = ["FieldProblem", "UserFacingError", "ValidationFailed"]


@dataclass(frozen=True)
class FieldProblem:
    """What is wrong with one input field, in Danish. `line` is set for file input."""

    field: str
    message: str
    line: int | None = None

    def __str__(self) -> str:
        where = f"linje {self.line}, " if self.line is not None else ""
        return f"{where}{self.field}: {self.message}"


class ValidationFailed(UserFacingError):
    """Input was refused; nothing was saved. `problems` says what and where."""

    def __init__(self, problems: list[FieldProblem], summary: str = "Oplysningerne er ikke gemt:") -> None:
        self.problems = problems
        lines = "\n".join(f"  • {p}" for p in problems)
        super().__init__(f"{summary}\n{lines}")

    def for_field(self, field: str) -> str | None:
        for p in self.problems:
            if p.field == field:
                return p.message
        return None
