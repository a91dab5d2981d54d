"""The language a report is written in: its words from a message catalogue (gettext, through
Babel), its numbers, percentages and dates formatted by Babel for the language's locale.

English is the language of the code: its messages are the catalogue's keys, so an English
report needs no catalogue. Each other language has a catalogue, ``locale/<code>/messages.po``,
read (and compiled in memory) the first time a report uses it. A message the catalogue does
not translate stops the report with an error that lists it, never a page mixing languages.

Spanish is formatted for ``es_US``, Spanish as written in the United States: the partnerships
are in US cities, and US Spanish writes 54.5% and 1,234 as US schools' letters home do, where
Spain's Spanish writes 54,5 % and 1.234.

A language is an object, :class:`Language`, with its catalogue's gettext functions bound once
and its locale's formats: what a run of a report (helpers.run.Run) holds and speaks. Two reports
in two languages can be built in one process, interleaved, without switching anything:

    spanish = Language.of("es")
    spanish._("Key findings")                # "Hallazgos principales"
    spanish.n_("{n} site", "{n} sites", 3)   # "{n} sitios"
    spanish.percent(54.5)                    # "54.5%"

The functions of this module (``_``, ``n_``, ``percent``, ...) are the phrases' shorthand: they
speak the language of the call under way, which a run states for the length of its call
(:func:`speaking`, a context variable: one thread or task, one block, never the process). Outside
any run they speak English, the language of the code.
"""

import contextlib
import contextvars
import functools
import io
from datetime import datetime
from pathlib import Path

from helpers.errors import InputError, Problem
from helpers.paths import PACKAGE, ROOT

LOCALES = PACKAGE / "locale"
TEMPLATE = LOCALES / "messages.pot"  # every message the code writes (make translations)
LANGUAGES = {"en": "en_US", "es": "es_US"}  # report language -> Babel locale
NAMES = {"en": "English", "es": "Español"}
# Languages whose catalogue is still being filled, with why: `make reports` refuses them, saying
# so, since a report would mix two languages. None today.
UNFINISHED: dict[str, str] = {}


class Untranslated(KeyError):
    """A message the current language's catalogue lacks."""


def valid(language: str) -> str:
    """Returns the language (a key of LANGUAGES), or raises InputError naming the ones there are."""
    if language not in LANGUAGES:
        raise InputError(Problem("the report language (REPORT_LANGUAGE)",
                                 f"one of {', '.join(LANGUAGES)}", found=language))
    return language


class Language:
    """A report's language: its messages (gettext's functions of its catalogue, bound once), its
    numbers, percentages, lists and dates (Babel, for its locale). English needs no catalogue:
    its messages are the code's. Made once per language by :meth:`of`."""

    def __init__(self, code: str):
        self.code, self.locale = code, LANGUAGES[valid(code)]
        if code != "en":
            found = catalogue(code)
            self._gettext, self._ngettext, self._pgettext = found.gettext, found.ngettext, found.pgettext

    @staticmethod
    @functools.cache
    def of(code: str) -> "Language":
        return Language(code)

    def __repr__(self) -> str:
        return f"Language({self.code!r})"

    def __reduce__(self):
        return Language.of, (self.code,)

    def _(self, message: str) -> str:
        """Returns the message in this language."""
        if self.code == "en":
            return message
        return self._translated(message, self._gettext(message))

    def n_(self, singular: str, plural: str, n: int) -> str:
        """Returns the singular or plural message, as this language counts n."""
        if self.code == "en":
            return singular if n == 1 else plural
        found = self._ngettext(singular, plural, n)
        if found in (singular, plural):
            raise Untranslated(singular)
        return found

    def gendered(self, gender: str, message: str) -> str:
        """Returns the message agreeing with a gender ("masculine" or "feminine", from the
        codebook's translation): gettext's context. Each (gender, message) is declared with NP_,
        since extraction cannot see a context held in a variable."""
        if self.code == "en":
            return message
        return self._translated(message, self._pgettext(gender, message))

    def _translated(self, message: str, translated: str) -> str:
        if translated is message and message:
            raise Untranslated(message)
        return translated

    def number(self, value: float, digits: int | None = 1) -> str:
        """Returns a number with its decimals (None: as many as it has, up to three), grouped, as
        the locale writes it: 1,234.5."""
        pattern, where = _pattern(self.locale, "decimal", digits)
        return pattern.apply(value, where)

    def signed(self, value: float, digits: int = 1) -> str:
        """Returns a number with its sign, + or a true minus, as the locale writes numbers: −3.8."""
        negative = value < 0 or (value == 0 and str(value).startswith("-"))
        return ("−" if negative else "+") + self.number(abs(value), digits)

    def percent(self, value: float, digits: int = 1) -> str:
        """Returns a percentage (given in percent) as the locale writes it: 54.5%."""
        pattern, where = _pattern(self.locale, "percent", digits)
        return pattern.apply(value / 100, where)

    def conjunction(self, items: list[str]) -> str:
        """Returns the items as a list in words, as the locale writes it: "a, b, and c"."""
        from babel.lists import format_list

        return format_list(list(items), locale=self.locale) if items else ""

    def when(self, moment: datetime) -> str:
        """Returns a date and time as the locale writes it, in the moment's time zone."""
        from babel.dates import format_datetime

        return format_datetime(moment, "long", tzinfo=moment.tzinfo, locale=self.locale)


_speaking: contextvars.ContextVar[Language] = contextvars.ContextVar("speaking")


@contextlib.contextmanager
def speaking(language: "str | Language"):
    """Makes the phrases inside the block, in this thread or task only, speak the language (a
    Language or its code), and those around it the one they spoke before, however it ends."""
    token = _speaking.set(language if isinstance(language, Language) else Language.of(language))
    try:
        yield
    finally:
        _speaking.reset(token)


def speaker() -> Language:
    """Returns the language of the call under way: the run's, English outside any run."""
    return _speaking.get(_ENGLISH)


def untranslated(language: str) -> list[str]:
    """Returns the messages of the code (TEMPLATE) that the language's catalogue does not
    translate, or translates only as a fuzzy guess; none for English."""
    if language == "en":
        return []
    from babel.messages.pofile import read_po

    with TEMPLATE.open("rb") as file:
        wanted = read_po(file)
    path = LOCALES / language / "LC_MESSAGES" / "messages.po"
    if not path.exists():
        return [str(m.id) for m in wanted if m.id]
    with path.open("rb") as file:
        have = read_po(file, locale=LANGUAGES[language])
    missing = []
    for message in wanted:
        if not message.id:
            continue
        found = have.get(message.id, context=message.context)
        strings = found.string if found is not None else None
        done = found is not None and not found.fuzzy and (
            all(strings) if isinstance(strings, tuple | list) else bool(strings))
        if not done:
            missing.append(message.id[0] if isinstance(message.id, tuple) else message.id)
    return missing


def check(language: str) -> None:
    """Raises InputError listing every message the language's catalogue lacks."""
    valid(language)
    if language in UNFINISHED:
        raise InputError(Problem("the report language (REPORT_LANGUAGE)", "a finished language: "
                                 + ", ".join(c for c in LANGUAGES if c not in UNFINISHED),
                                 found=f"{language}: {UNFINISHED[language]}"),
                         hint="Nothing was rendered: a report never mixes two languages.")
    missing = untranslated(language)
    if missing:
        from helpers.paths import shown

        path = shown(LOCALES / language / "LC_MESSAGES" / "messages.po")
        raise InputError([Problem(path, "a translation of this message", found=m) for m in missing],
                         hint=f"Nothing was rendered in {language!r}: {len(missing)} messages have no "
                              "translation, and a report never mixes two languages. Translate them "
                              "in that file (make translations adds new ones to it).")


def current() -> str:
    """Returns the code of the language of the call under way."""
    return speaker().code


def locale() -> str:
    return speaker().locale


@functools.cache
def catalogue(language: str):
    """Returns the language's translations (babel.support.Translations), compiled in memory from
    its .po file. Babel is imported here, not above: a run with nothing to render stays light."""
    from babel.messages.mofile import write_mo
    from babel.messages.pofile import read_po
    from babel.support import NullTranslations, Translations

    if language == "en":
        return NullTranslations()
    path = LOCALES / language / "LC_MESSAGES" / "messages.po"
    with path.open("rb") as file:
        parsed = read_po(file, locale=LANGUAGES[language])
    compiled = io.BytesIO()
    write_mo(compiled, parsed, use_fuzzy=False)
    compiled.seek(0)
    return Translations(compiled)


def N_(message: str) -> str:
    """Marks a message for the catalogue where it is defined; translate it with _() where used."""
    return message


def _(message: str) -> str:
    """Returns the message in the language of the call under way."""
    return speaker()._(message)


def n_(singular: str, plural: str, n: int) -> str:
    """Returns the singular or plural message, as the language of the call under way counts n."""
    return speaker().n_(singular, plural, n)


def NP_(context: str, message: str) -> tuple[str, str]:
    """Marks a message with a context for the catalogue: each gender a text can agree with is
    declared with NP_ where gendered() looks it up."""
    return context, message


def gendered(gender: str, message: str) -> str:
    """Returns the message in the language of the call under way, agreeing with a gender."""
    return speaker().gendered(gender, message)


def extract(template: Path = TEMPLATE) -> None:
    """Gathers every message of the code and the templates into the catalogue template, as
    Babel's extraction finds them through the marking functions above (`make translations`;
    the tests extract afresh into another file and compare)."""
    from babel.messages.frontend import CommandLineInterface

    CommandLineInterface().run([
        "pybabel", "-q", "extract", "-F", str(LOCALES / "babel.cfg"), "-k", "_", "-k", "N_",
        "-k", "n_:1,2", "-k", "NP_:1c,2", "--sort-by-file", "--no-wrap", "--no-location",
        "--omit-header", "-o", str(template), str(ROOT)])


def number(value: float, digits: int | None = 1) -> str:
    return speaker().number(value, digits)


def signed(value: float, digits: int = 1) -> str:
    return speaker().signed(value, digits)


def percent(value: float, digits: int = 1) -> str:
    return speaker().percent(value, digits)


@functools.cache
def _pattern(locale_name: str, kind: str, digits: int | None):
    """Returns Babel's parsed number pattern for the locale ("#,##0.0" or the locale's percent
    pattern with that many digits) and the locale: parsed once, applied many times (a report
    formats hundreds of numbers; Babel's format_decimal parses its pattern at every call)."""
    from babel import Locale
    from babel.numbers import parse_pattern

    where = Locale.parse(locale_name)
    decimals = "#,##0.###" if digits is None else "#,##0" + ("." + "0" * digits if digits else "")
    if kind == "percent":
        return parse_pattern(where.percent_formats[None].pattern.replace("#,##0", decimals)), where
    return parse_pattern(decimals), where


def conjunction(items: list[str]) -> str:
    return speaker().conjunction(items)


def when(moment: datetime) -> str:
    return speaker().when(moment)


_ENGLISH = Language.of("en")
