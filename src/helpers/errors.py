"""The one exception raised for bad input, written for the person who supplied it."""

from dataclasses import dataclass


@dataclass(frozen=True)
class Problem:
    """One thing wrong with an input: where it is, what was found and what was expected."""

    file: str
    expected: str
    row: int | None = None
    column: str | None = None
    found: str | None = None
    column_word: str = "column"

    def __str__(self) -> str:
        where = self.file
        if self.row is not None:
            where += f", row {self.row}"
        if self.column is not None:
            where += f", {self.column_word} '{self.column}'"
        found = f"found {self.found!r}; " if self.found is not None else ""
        return f"{where}: {found}expected {self.expected}"


class InputError(Exception):
    """Bad data or parameters: the message says which file, row and column, and what to do.

    The command line prints it without a traceback; a traceback is for bugs.
    """

    def __init__(self, problems: list[Problem] | Problem, hint: str = ""):
        self.problems = [problems] if isinstance(problems, Problem) else list(problems)
        self.hint = hint
        super().__init__(self._message())

    def _message(self, most: int = 20) -> str:
        lines = [str(problem) for problem in self.problems[:most]]
        if len(self.problems) > most:
            lines.append(f"... and {len(self.problems) - most} more problems")
        if self.hint:
            lines.append(self.hint)
        return "\n".join(lines)
