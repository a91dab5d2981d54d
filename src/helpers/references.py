"""A codebook's parts that name one another: each name is one the codebook defines.

An item names its scale, a contrast its groups, a derived characteristic its source and the
source's values, the snapshot a group and items, an export its wave and site; a characteristic's
not_stated answers are none of its values. Each mistake is a :class:`Mistake` named by its key
path from the codebook's top, a list's part by its id where it has one (``items.parents.scale``,
as translation files write it), an export by its place (``exports.0.wave``). Called by
:class:`helpers.codebook.Codebook` as it is validated; imports nothing of it.
"""

from typing import NamedTuple

PARTS = ("sites", "groups", "scales", "items", "waves", "contrasts", "characteristics", "activities",
         "tables")


class Mistake(NamedTuple):
    """One name that does not match: where (a key path), what was expected, what was found."""

    path: str
    expected: str
    found: str | None = None


class Mistakes(ValueError):
    """The codebook's mistakes, raised from its validator (pydantic keeps the exception)."""

    def __init__(self, mistakes: list[Mistake]):
        self.mistakes = mistakes
        super().__init__("; ".join(f"{m.path}: {m.expected}" for m in mistakes))


def _key(text: str) -> str:
    """Returns a text as an export's cell is matched against it: lower case, single spaces."""
    return " ".join(str(text).split()).casefold()


def listed(ids) -> str:
    return ", ".join(ids) or "none defined"


def mistakes(book, kept: str) -> list[Mistake]:
    """Returns every name in the codebook that names nothing it defines, and each id given twice
    or given as `kept` (the id of respondents whose export leaves the site or group blank)."""
    found = []
    for kind in PARTS:
        ids = [part.id for part in getattr(book, kind)]
        for repeated in sorted({i for i in ids if ids.count(i) > 1}):
            found.append(Mistake(f"{kind}.{repeated}.id", f"each id once in {kind} (this one is given "
                                 f"{ids.count(repeated)} times)", repeated))
        if kind in ("sites", "groups") and kept in ids:
            found.append(Mistake(f"{kind}.{kept}.id", f"another id: {kept!r} is kept for respondents "
                                 "whose export leaves it blank", kept))
    scales = {s.id: s for s in book.scales}
    groups = sorted(g.id for g in book.groups)
    for item in book.items:
        scale = scales.get(item.scale or "")
        levels = [level.id for level in scale.levels] if scale else []
        if item.other and scale and item.other not in levels:
            found.append(Mistake(f"items.{item.id}.other", f"a level of its scale {scale.id}: "
                                 f"{listed(levels)}", item.other))
        if item.scale and scale is None:
            found.append(Mistake(f"items.{item.id}.scale", f"one of the scales: {listed(sorted(scales))}",
                                 item.scale))
        if isinstance(item.wording, dict):
            for unknown in sorted(set(item.wording) - set(groups)):
                found.append(Mistake(f"items.{item.id}.wording.{unknown}", f"a group: {listed(groups)}",
                                     unknown))
    for contrast in book.contrasts:
        for key in ("first", "second"):
            if getattr(contrast, key) not in groups:
                found.append(Mistake(f"contrasts.{contrast.id}.{key}", f"a group: {listed(groups)}",
                                     getattr(contrast, key)))
    read = {c.id: c for c in book.characteristics if c.column}
    for characteristic in book.characteristics:
        source = read.get(characteristic.derived_from)
        here = f"characteristics.{characteristic.id}"
        values = {_key(text): v.id for v in characteristic.values for text in v.texts()}
        for text in characteristic.not_stated:
            if characteristic.derived_from:
                found.append(Mistake(f"{here}.not_stated", "no not_stated on a derived characteristic (it is "
                                     "not stated wherever its source is not)", text))
            elif _key(text) in values:
                found.append(Mistake(f"{here}.not_stated", f"an answer no value stands for (this one is "
                                     f"{values[_key(text)]}'s)", text))
        if characteristic.derived_from and source is None:
            found.append(Mistake(f"{here}.derived_from", "a characteristic read from an export's column: "
                                 f"{listed(read)}", characteristic.derived_from))
        elif source is not None:
            known = [v.id for v in source.values]
            for value in characteristic.values:
                for unknown in (c for c in value.combines if c not in known):
                    found.append(Mistake(f"{here}.values.{value.id}.combines",
                                         f"a value of {source.id}: {listed(known)}", unknown))
    if book.snapshot.families and book.snapshot.families not in groups:
        found.append(Mistake("snapshot.families", f"a group: {listed(groups)}", book.snapshot.families))
    items = [i.id for i in book.items]
    for unknown in (i for i in book.snapshot.items if i not in items):
        found.append(Mistake("snapshot.items", f"an item: {listed(items)}", unknown))
    for repeated in sorted({i for i in book.snapshot.items if book.snapshot.items.count(i) > 1}):
        found.append(Mistake("snapshot.items", "each item once", repeated))
    waves, sites = sorted(w.id for w in book.waves), sorted(s.id for s in book.sites)
    for number, export in enumerate(book.exports):
        here = f"exports.{number}"
        if export.wave is None and not export.wave_column:
            found.append(Mistake(here, f"wave (every row's) or wave_column (the column of each row's) for "
                                 f"{export.file}"))
        if export.wave is not None and export.wave not in waves:
            found.append(Mistake(f"{here}.wave", f"one of the waves: {listed(waves)}", export.wave))
        if export.site and export.site not in sites:
            found.append(Mistake(f"{here}.site", f"one of the sites: {listed(sites)}", export.site))
        if export.site and export.site_column:
            found.append(Mistake(here, f"site or site_column for {export.file}, not both"))
    if book.exports:
        for item in (i for i in book.items if not i.column and not i.option_columns):
            found.append(Mistake(f"items.{item.id}.column", "the export's column holding the item's "
                                 "answers (with exports, each item needs one)"))
    return found
