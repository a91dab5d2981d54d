"""The one exception raised for bad input, written for the person who supplied it."""

import re
import reprlib
from dataclasses import dataclass

LONGEST = 120  # characters of a value echoed from the input (a cell, a key, a column name)
LONGEST_EXPECTED = 400  # characters of what was expected, which may quote the input too


def cut(text: str, longest: int = LONGEST, quoted: bool = False) -> str:
    """Returns the text as an error message echoes it (quoted: as Python writes a string): whole
    if short, else its start and how long it is, so that a 200 MB cell prints one readable line."""
    text = str(text)
    shown = repr(text[:longest]) if quoted else text[:longest]
    return shown if len(text) <= longest else f"{shown}... ({len(text):,} characters in all)"


_BRIEF = reprlib.Repr()  # (keyword arguments from Python 3.12 only)
_BRIEF.maxlevel, _BRIEF.maxstring, _BRIEF.maxother = 3, LONGEST, LONGEST
_BRIEF.maxdict = _BRIEF.maxlist = _BRIEF.maxtuple = _BRIEF.maxset = 6


def brief(value) -> str:
    """Returns a value of the input as Python writes it, cut at every level (a few items of a list,
    the start of a long text) without writing the whole first: a codebook's value may be huge."""
    if isinstance(value, str):  # cut short enough to keep its length when the message cuts it again
        return cut(value, LONGEST - 40, quoted=True)
    return _BRIEF.repr(value)


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
        where = cut(self.file, LONGEST_EXPECTED)
        if self.row is not None:
            where += f", row {self.row}"
        if self.column is not None:
            where += f", {self.column_word} '{cut(self.column)}'"
        found = f"found {cut(self.found, quoted=True)}; " if self.found is not None else ""
        return f"{where}: {found}expected {cut(self.expected, LONGEST_EXPECTED)}"


def in_order(problems: list[Problem]) -> list[Problem]:
    """Returns the problems as a reader goes through the files: file by file (in the order they
    were first named), then by row and, within a row, by column (Q3_2 before Q3_10); problems of
    no row (a codebook's keys, a file as a whole) first in their file, in the order found."""
    files = {problem.file: number for number, problem in reversed(list(enumerate(problems)))}

    def place(problem: Problem) -> tuple:
        if problem.row is None:
            return files[problem.file], -1, ()
        column = tuple((0, int(part)) if part.isdigit() else (1, part)
                       for part in re.split(r"(\d+)", problem.column or "") if part)
        return files[problem.file], problem.row, column

    return sorted(problems, key=place)


class InputError(Exception):
    """Bad data or parameters: the message says which file, row and column, and what to do.

    The command line prints it without a traceback; a traceback is for bugs.
    """

    def __init__(self, problems: list[Problem] | Problem, hint: str = ""):
        self.problems = in_order([problems] if isinstance(problems, Problem) else list(problems))
        self.hint = hint
        super().__init__(self._message())

    def _message(self, most: int = 20) -> str:
        lines = [str(problem) for problem in self.problems[:most]]
        if len(self.problems) > most:
            lines.append(f"... and {len(self.problems) - most} more problems")
        if self.hint:
            lines.append(self.hint)
        return "\n".join(lines)
