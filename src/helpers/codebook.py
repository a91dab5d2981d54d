"""A dataset's codebook (codebook.yaml): everything the code would otherwise hard-code.

The codebook names the partnership and its source; its sites and their facts; the
respondent groups; the answer scales (ordered levels, each negative, neutral,
positive or kept apart, such as "don't know"); the items (question, label, wording
per group, scale, kind); the survey waves; the group pairs to contrast; the
respondent characteristics to break results down by; the activities people took
part in (interviews, focus groups, a survey); the publication's tables; for
respondent-level data, the export files and which column holds what; and what each site's
family snapshot shows (which group is the families', which items).

It is validated with pydantic and every mistake is reported with the key path (``items.parents.scale``:
a list's part by its id) and what was expected, as :class:`~helpers.errors.InputError`; the parts that
name one another are checked by :mod:`helpers.references`.
"""

from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from helpers.errors import InputError, Problem, brief
from helpers.files import read_yaml
from helpers.references import Mistakes, mistakes

SLUG = r"^[a-z0-9]+(-[a-z0-9]+)*$"
CODEBOOK = "codebook.yaml"
DERIVED_ANSWERS = ("positive", "negative")  # a scale side's share, published or counted
NOT_STATED = "not-stated"  # the site or group of respondents whose export leaves it blank
# The one table of figures every dataset becomes, published (helpers.load) or counted
# (helpers.tabulate). breakdown and value: a respondent characteristic and its value, or blank.
# weight and weight2: the sums of weights and squared weights over the base; chosen: the sum of
# weights of those giving the answer (all three known only for counted figures, so that a
# site's complement, the rest of the network, can be formed by subtraction).
FIGURE_COLUMNS = ["table", "wave", "site", "group", "breakdown", "value", "item", "answer",
                  "percent", "count", "n", "n_eff", "weight", "weight2", "chosen", "decimals",
                  "aggregate", "exact", "file", "row"]


class Strict(BaseModel):
    """A codebook part: unknown keys are mistakes, values are not coerced."""

    model_config = ConfigDict(extra="forbid", frozen=True)


class Named(Strict):
    """Anything with a slug id and a label for readers."""

    id: str = Field(pattern=SLUG, description="a slug: lower-case letters, digits, single hyphens")
    label: str = Field(min_length=1, max_length=200)
    answers: tuple[str, ...] = Field(default=(), description="other texts an export may use")

    def texts(self) -> tuple[str, ...]:
        """Returns every text that stands for this in an export: id, label and aliases."""
        return (self.id, self.label, *self.answers)


class Site(Strict):
    """One site (a place, a school, a partnership) and its facts, kept here and nowhere else."""

    id: str = Field(pattern=SLUG)
    name: str = Field(min_length=1, max_length=120)
    place: str = Field(default="", max_length=120)
    focus: str = Field(default="", max_length=200)
    answers: tuple[str, ...] = ()

    @property
    def label(self) -> str:
        return self.name

    def texts(self) -> tuple[str, ...]:
        return (self.id, self.name, *self.answers)


class Group(Named):
    """A respondent group (partners, students, families, staff...)."""

    description: str = ""
    gender: Literal["", "masculine", "feminine"] = Field(
        default="", description="the label's grammatical gender, in languages that have one")


class Level(Named):
    """One answer of a scale, on its side: negative, neutral, positive or apart (don't know)."""

    side: Literal["negative", "neutral", "positive", "apart"]


class Scale(Strict):
    """Ordered answers, from most negative to most positive; "apart" levels are shown aside."""

    id: str = Field(pattern=SLUG)
    levels: tuple[Level, ...] = Field(min_length=2)
    positive_label: str = Field(default="positive", description="e.g. 'agree or strongly agree'")

    def side(self, side: str) -> list[str]:
        """Returns the ids of the levels on one side."""
        return [level.id for level in self.levels if level.side == side]

    @property
    def substantive(self) -> list[str]:
        """Returns the levels that count in the base of a percentage (all but "apart")."""
        return [level.id for level in self.levels if level.side != "apart"]

    @model_validator(mode="after")
    def _sides(self):
        ids = [level.id for level in self.levels]
        if len(set(ids)) != len(ids):
            raise ValueError("each level id once")
        if not self.side("positive"):
            raise ValueError("at least one level with side: positive")
        return self


class Option(Named):
    """One option of a choose-any item."""

    short: str = Field(default="", max_length=80, description="a short label for charts")
    column: str = Field(default="", description="the export's column for this option, where the "
                                                "tool gives each option its own (REDCap x___1, Q5_1)")


class Item(Strict):
    """One question: an answer scale (agreement, yes/no) or a choose-any list of options."""

    id: str = Field(pattern=SLUG)
    label: str = Field(min_length=1, max_length=120, description="a short label for charts")
    kind: Literal["scale", "yes-no", "choose-any"]
    scale: str | None = None
    options: tuple[Option, ...] = ()
    wording: str | dict[str, str] = ""
    section: str = ""
    measure: str = Field(default="", description="choose-any: what choosing an option says, "
                                                 "e.g. 'see an improvement' or 'used it'")
    column: str = Field(default="", description="the export's column holding the answers")
    separator: str = Field(default=";", description="between the chosen options in one cell")
    other: str = Field(default="", description="the option (or level) that counts a written-in answer "
                                               "(\"Other (please specify)\"), whose text is never shown")

    @property
    def option_columns(self) -> bool:
        """Returns whether each option has a column of its own (checked or not), not one cell."""
        return self.kind == "choose-any" and any(o.column for o in self.options)

    def columns(self) -> list[str]:
        """Returns the export's columns holding the item's answers."""
        return [o.column for o in self.options] if self.option_columns else [self.column]

    def wording_for(self, group: str | None) -> str:
        """Returns the question as the group was asked it ("" when not recorded)."""
        if isinstance(self.wording, str):
            return self.wording
        return self.wording.get(group or "", next(iter(self.wording.values()), ""))

    @model_validator(mode="after")
    def _kind(self):
        if self.kind == "choose-any" and not self.options:
            raise ValueError("a choose-any item needs its options")
        if self.kind != "choose-any" and not self.scale:
            raise ValueError(f"a {self.kind} item needs a scale")
        if self.option_columns and not all(o.column for o in self.options):
            raise ValueError("a column for every option, or for none (one cell for the item)")
        if self.other and self.kind == "choose-any" and self.other not in [o.id for o in self.options]:
            raise ValueError(f"other: {self.other!r} is not one of the item's options")
        return self


class Wave(Named):
    """One survey year or round."""


class Contrast(Strict):
    """A pair of respondent groups to compare: first minus second."""

    id: str = Field(pattern=SLUG)
    first: str
    second: str


class Value(Named):
    """One value of a respondent characteristic; in a derived one, the source's values it combines."""

    combines: tuple[str, ...] = Field(default=(), description="derived: the values of the source "
                                      "characteristic this value stands for (one, to recode)")


class Characteristic(Named):
    """A characteristic to break results down by, with its values in the order to show them:
    read from an export's column, or derived from another characteristic (derived_from) whose
    values each of its own combines or recodes ("of colour": black, hispanic, asian...). A
    respondent whose source value no value combines has not stated the derived one."""

    values: tuple[Value, ...] = Field(min_length=1)
    column: str = ""
    derived_from: str = Field(default="", description="the characteristic whose values this one's combine")
    not_stated: tuple[str, ...] = Field(default=(), description="answers in the export that count as not "
                                        "stated, like a blank: 'Prefer not to say', 'Decline to answer'")

    @property
    def tabulated(self) -> bool:
        """Returns whether the exports give each respondent a value of it (a column, or derived)."""
        return bool(self.column or self.derived_from)

    def recoding(self) -> dict[str, str]:
        """Returns, for a derived characteristic, each source value's id -> the value combining it."""
        return {source: value.id for value in self.values for source in value.combines}

    @model_validator(mode="after")
    def _derived(self):
        if self.derived_from and self.column:
            raise ValueError("derived_from or column, not both: a derived characteristic is read "
                             "from its source's column")
        combining = [v.id for v in self.values if v.combines]
        if not self.derived_from and combining:
            raise ValueError(f"derived_from naming the characteristic whose values {combining[0]!r} "
                             "combines (combines belongs to a derived characteristic)")
        if self.derived_from:
            empty = [v.id for v in self.values if not v.combines]
            if empty:
                raise ValueError(f"combines on every value of a derived characteristic (missing on "
                                 f"{', '.join(empty)}): the source values each one stands for")
            seen: dict[str, str] = {}
            for value in self.values:
                for source in value.combines:
                    if source in seen:
                        raise ValueError(f"each value of {self.derived_from} in one combination at most "
                                         f"({source!r} is in both {seen[source]!r} and {value.id!r})")
                    seen[source] = value.id
        return self


class Activity(Named):
    """A way people took part (interviews, focus groups, a survey); survey: true for the one
    whose respondents answered the items."""

    survey: bool = False


class Table(Strict):
    """One table of a publication, as its figures are audited together."""

    id: str = Field(pattern=SLUG)
    title: str = Field(min_length=1)


FORMATS = ("plain", "qualtrics", "surveymonkey", "google-forms", "redcap", "kobo", "spss", "stata")


class Export(Strict):
    """A respondent-level export: one row per respondent (per wave, in a long export), and which
    column holds what. format: the survey tool whose shape it has (helpers.tools), recognised
    from the file when not given."""

    file: str = Field(min_length=1)
    format: Literal[FORMATS] | None = Field(default=None, description="the tool that wrote it")
    dictionary: str = Field(default="", description="the tool's definition of the survey: a REDCap "
                            "data dictionary, a Qualtrics .qsf, an XLSForm; codes become answers by it")
    site: str = Field(default="", description="the site of every row, for an export of one site")
    required: tuple[Literal["site", "group"], ...] = Field(
        default=(), description="columns that must not be blank (else blank counts as not stated)")
    wave: str | None = Field(default=None, description="the wave of every row, or...")
    wave_column: str = Field(default="", description="...the column holding each row's wave")
    id_column: str = ""
    site_column: str = ""
    group_column: str = ""
    weight_column: str = ""
    sheet: str | int = 0


class Disclosure(Strict):
    """Disclosure control for respondent-level data (../methods.md, "Disclosure control")."""

    minimum_base: Literal[5, 10, 11, 16, 30] = Field(
        default=10, description="withhold every figure resting on fewer respondents (presets "
        "from education agencies' practice: 5, 10, 11, 16, 30)")
    protection_interval: int = Field(default=1, ge=1, le=10, description="how far apart, in counts, "
        "an outsider's lowest and highest values of a withheld figure must be (data/README.md)")
    top_bottom_coding: bool = Field(default=True, description="show a small group's share past a "
        "bound chosen from the minimum base (85% and 15% under 10) only as that bound")
    complementary_suppression: bool = Field(default=True, description="withhold more figures until "
        "no withheld one can be worked out; off only to see what the audit catches (--allow-unsafe)")


class About(Strict):
    """What the dataset is and where it comes from."""

    id: str = Field(pattern=SLUG)
    title: str = Field(min_length=1, max_length=120)
    partnership: str = Field(min_length=1, max_length=120)
    source: str = Field(min_length=1)
    published: bool = Field(description="true for figures already public (flag, never suppress)")
    synthetic: bool = False
    respondents_word: str = "respondents"
    respondents_gender: Literal["", "masculine", "feminine"] = ""
    translation_note: str = Field(default="", description="who translated the texts (set by the "
                                                          "translation file's note)")
    reference: Literal["published mean", "network"] = Field(
        default="network", description="what a site is compared with")
    min_n: int = Field(default=10, ge=1, le=1000)
    disclosure: Disclosure = Disclosure()


class Snapshot(Strict):
    """What each site's one-page family snapshot shows (helpers.snapshot)."""

    families: str = Field(default="", description="the id of the group that is the families' "
                          "(parents, caregivers); none by default")
    items: tuple[str, ...] = Field(default=(), description="the items it shows, in this order; by "
                                   "default those the families' group answered, or, with no such "
                                   "group, those the site's key findings name")


class Codebook(Strict):
    """A whole codebook: see the module's docstring."""

    dataset: About
    sites: tuple[Site, ...] = ()
    groups: tuple[Group, ...] = ()
    scales: tuple[Scale, ...] = ()
    items: tuple[Item, ...] = Field(min_length=1)
    waves: tuple[Wave, ...] = Field(min_length=1)
    contrasts: tuple[Contrast, ...] = ()
    characteristics: tuple[Characteristic, ...] = ()
    activities: tuple[Activity, ...] = ()
    tables: tuple[Table, ...] = ()
    exports: tuple[Export, ...] = ()
    snapshot: Snapshot = Snapshot()

    @model_validator(mode="after")
    def _references(self):
        found = mistakes(self, NOT_STATED)
        if found:
            raise Mistakes(found)
        return self

    # --- lookups ----------------------------------------------------------------------------------

    def site(self, site_id: str) -> Site:
        return {s.id: s for s in self.sites}[site_id]

    def site_name(self, site_id: str) -> str:
        """Returns the site's name ("not stated" for NOT_STATED); the id itself for a site the
        codebook does not list."""
        if site_id == NOT_STATED:
            return _not_stated()
        return {s.id: s.name for s in self.sites}.get(site_id, site_id)

    def site_names(self) -> dict[str, str]:
        return {s.id: s.name for s in self.sites}

    def group_label(self, group_id: str) -> str:
        if group_id == NOT_STATED:
            return _not_stated()
        return {g.id: g.label for g in self.groups}.get(group_id, group_id)

    def item(self, item_id: str) -> Item:
        return {i.id: i for i in self.items}[item_id]

    def scale_of(self, item: Item) -> Scale | None:
        return {s.id: s for s in self.scales}.get(item.scale or "")

    def answer_label(self, item_id: str, answer: str) -> str:
        """Returns the label of an answer (a level, an option, or a side such as "positive")."""
        item = self.item(item_id)
        if item.kind == "choose-any":
            option = {o.id: o for o in item.options}.get(answer)
            return (option.short or option.label) if option else answer
        scale = self.scale_of(item)
        if answer == "positive" and scale:
            return scale.positive_label
        levels = {level.id: level.label for level in scale.levels} if scale else {}
        return levels.get(answer, answer)

    def answers_of(self, item_id: str) -> list[str]:
        """Returns the answer ids an item's figures may use, in order."""
        item = self.item(item_id)
        if item.kind == "choose-any":
            return [o.id for o in item.options]
        scale = self.scale_of(item)
        return [*(level.id for level in scale.levels), *DERIVED_ANSWERS] if scale else []

    def wave_label(self, wave_id: str) -> str:
        return {w.id: w.label for w in self.waves}.get(wave_id, wave_id)

    def characteristic(self, characteristic_id: str) -> Characteristic:
        return {c.id: c for c in self.characteristics}[characteristic_id]

    def value_label(self, characteristic_id: str, value: str) -> str:
        values = {v.id: v.label for v in self.characteristic(characteristic_id).values}
        return values.get(value, value)

    def activity_label(self, activity_id: str) -> str:
        return {a.id: a.label for a in self.activities}.get(activity_id, activity_id)

    def table_title(self, table_id: str) -> str:
        return {t.id: t.title for t in self.tables}.get(table_id, table_id)


def _not_stated() -> str:
    from helpers.language import _

    return _("not stated")


def read_codebook(folder: Path) -> Codebook:
    """Returns the folder's codebook, or raises InputError naming each mistake by its key path."""
    from helpers.paths import shown

    path = Path(folder) / CODEBOOK
    where = shown(path)
    # libyaml's loader where PyYAML has it: a thousand sites' codebook in 0.1 s, not 1 s
    raw = read_yaml(path, "a codebook.yaml describing the dataset (see data/README.md)")
    if not isinstance(raw, dict):
        raise InputError(Problem(where, "key: value lines starting with dataset:", found=_kind(raw)))
    try:
        return Codebook.model_validate(raw)
    except ValidationError as error:
        raise InputError(problems(where, error, raw)) from None


def problems(where: str, error: ValidationError, given) -> list[Problem]:
    """Returns a codebook's validation error as one Problem per mistake, each named by its key path
    from what was given (a list's part by its id where it has one: items.parents.scale, as
    translation files write it; by its place where it has none: exports.0.file)."""
    found = []
    for detail in error.errors():
        location = _by_id(given, detail["loc"])
        named = (detail.get("ctx") or {}).get("error")
        if isinstance(named, Mistakes):  # the parts that name one another (helpers.references)
            found += [Problem(where, m.expected, column=".".join(str(p) for p in (*location, m.path)),
                              found=m.found, column_word="key") for m in named.mistakes]
        else:
            found.append(_problem(where, detail | {"loc": location}))
    return found


def _problem(where: str, detail: dict) -> Problem:
    """Returns one pydantic error as a Problem: the key path, what was found and expected."""
    path = ".".join(str(part) for part in detail["loc"])
    kind = detail["type"]
    if kind == "missing":
        expected = "this key to be given"
    elif kind == "extra_forbidden":
        expected = "no such key (check its spelling against data/README.md)"
    elif kind == "string_pattern_mismatch":
        expected = "a slug of lower-case letters, digits and single hyphens"
    elif kind == "value_error":
        expected = str(detail["msg"]).removeprefix("Value error, ")
    else:
        expected = detail["msg"][0].lower() + detail["msg"][1:]
    found = None if kind in ("missing", "value_error") else brief(detail.get("input"))
    return Problem(where, expected, column=path or None, found=found, column_word="key")


# --- the codebook in another language ------------------------------------------------------------

TEXTS = ("label", "description", "place", "focus", "wording", "section", "measure", "short", "title",
         "source", "positive_label", "respondents_word")  # every text a report shows, translated
GRAMMAR = ("gender", "respondents_gender")  # what a language's sentences need to agree with a text
OPTIONAL = ("name", "partnership")  # proper names, kept unless a translation gives them


def structure(codebook: Codebook) -> tuple:
    """Returns what two codebooks of the same data in two languages share, cheaply (a thousand
    sites in a millisecond): the ids of every part and of the levels, options and values within,
    and the settings that change the figures; not the texts a translation changes."""
    inner = {"scales": "levels", "items": "options", "characteristics": "values"}
    parts = tuple((kind, tuple((part.id, tuple(x.id for x in getattr(part, inner[kind]))
                                if kind in inner else ()) for part in getattr(codebook, kind)))
                  for kind in ("sites", "groups", "scales", "items", "waves", "contrasts", "characteristics",
                               "activities", "tables"))
    about = codebook.dataset
    return about.id, about.published, about.reference, about.disclosure, parts, codebook.exports


def translation_file(folder: Path, language: str) -> Path:
    return Path(folder) / f"codebook.{language}.yaml"


def translated(codebook: Codebook, folder: Path, language: str) -> Codebook:
    """Returns the codebook with its texts in the language, from codebook.<language>.yaml: the
    codebook's own structure, with each list keyed by id and only its texts (TEXTS), gender where
    the language's sentences agree with it (GRAMMAR), and proper names where they change.

    Raises InputError listing every text the file lacks and every key it has that the codebook
    does not: a report never mixes two languages.
    """
    from helpers.paths import shown

    if language == "en":
        return codebook
    path = translation_file(folder, language)
    where = shown(path)
    given = read_yaml(path, f"the codebook's texts in {language!r}: a {path.name} beside "
                            "codebook.yaml (see data/README.md)")
    if not isinstance(given, dict | None):
        raise InputError(Problem(where, "key: value lines with the codebook's keys and a note",
                                 found=_kind(given)))
    given = given or {}
    missing: list[Problem] = []
    merged = _translate(codebook.model_dump(), given, "", where, missing)
    note = given.get("note")
    if not isinstance(note, str) or not note.strip():
        missing.append(Problem(where, "a note saying who translated the texts (the page shows it)",
                               column="note", column_word="key"))
    merged["dataset"]["translation_note"] = note
    if missing:
        raise InputError(missing, hint=f"Nothing was rendered in {language!r}: every text needs its "
                                        "translation, so that no page mixes two languages.")
    try:
        return Codebook.model_validate(merged)
    except ValidationError as error:  # a translated text too long for its place, say
        raise InputError(problems(where, error, merged)) from None


def _by_id(given, location: tuple) -> tuple:
    """Returns a key path into what was given with each list position as its part's id where it
    has one, as a translation file writes it (sites.<site id>.name, not sites.0.name)."""
    path, node = [], given
    for part in location:
        if isinstance(node, dict):
            node = node.get(part)
        else:
            node = node[part] if isinstance(node, list | tuple) and isinstance(part, int) \
                and -len(node) <= part < len(node) else None
        named = isinstance(part, int) and isinstance(node, dict) and isinstance(node.get("id"), str)
        path.append(node["id"] if named and node["id"] else part)
    return tuple(path)


def _translate(node: dict, given: dict, path: str, where: str, problems: list) -> dict:
    """Returns the dump with the given texts put in; notes what is missing or unknown."""
    given = _mapping(given, path, "key: value lines giving this part's texts", where, problems)
    merged = dict(node)
    known = set()
    for key, value in node.items():
        here = f"{path}.{key}" if path else key
        if key in TEXTS and value:
            known.add(key)
            found = given.get(key)
            if isinstance(value, dict):  # wording by group
                found = found if isinstance(found, dict) else {}
                for group, text in value.items():
                    if not isinstance(found.get(group), str) or not found[group].strip():
                        problems.append(Problem(where, f"the translation of {text!r}",
                                                column=f"{here}.{group}", column_word="key"))
                merged[key] = {g: found.get(g, t) for g, t in value.items()}
            elif isinstance(found, str) and found.strip():
                merged[key] = found
            else:
                problems.append(Problem(where, f"the translation of {value!r}", column=here,
                                        column_word="key"))
        elif key in GRAMMAR:
            known.add(key)
            if given.get(key) not in ("masculine", "feminine"):
                problems.append(Problem(where, "the grammatical gender of the label: masculine or feminine",
                                        column=here, column_word="key"))
            merged[key] = given.get(key, value)
        elif key in OPTIONAL:
            known.add(key)
            if key in given and (not isinstance(given[key], str) or not given[key].strip()):
                problems.append(Problem(where, "a text, the name in this language (or no such key, "
                                        "to keep the codebook's)", column=here, column_word="key",
                                        found=brief(given[key])))
            elif key in given:
                merged[key] = given[key]
        elif isinstance(value, dict):
            known.add(key)
            merged[key] = _translate(value, given.get(key) or {}, here, where, problems)
        elif isinstance(value, list | tuple) and value and isinstance(value[0], dict) and "id" in value[0]:
            known.add(key)
            by_id = _mapping(given.get(key), here, f"the codebook's {key} by id, each with its texts "
                             f"({key}: {{{value[0]['id']}: ...}})", where, problems)
            merged[key] = [_translate(part, by_id.get(part["id"]) or {}, f"{here}.{part['id']}", where,
                                      problems) for part in value]
            for unknown in sorted(set(by_id) - {part["id"] for part in value}, key=str):
                problems.append(Problem(where, f"an id of the codebook's {key}", column=f"{here}.{unknown}",
                                        column_word="key", found=unknown))
    for unknown in sorted(set(given) - known - {"note"}, key=str):
        problems.append(Problem(where, "a text the codebook has here (see data/README.md)",
                                column=f"{path}.{unknown}" if path else unknown, column_word="key",
                                found=unknown))
    return merged


def _mapping(given, path: str, expected: str, where: str, problems: list) -> dict:
    """Returns a part of a translation file that must be key: value lines, or {} noting what it is."""
    if given is None or isinstance(given, dict):
        return given or {}
    problems.append(Problem(where, expected, column=path or None, column_word="key", found=_kind(given)))
    return {}


def _kind(value) -> str:
    """Returns what a YAML value is, in words: "a list", "a text"..."""
    if value is None:
        return "an empty file"
    return {list: "a list", str: "a text", int: "a number", float: "a number", bool: "true or false",
            dict: "key: value lines"}.get(type(value), type(value).__name__) + f" ({brief(value)})"
