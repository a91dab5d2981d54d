"""A draft codebook from a survey tool's export and, where there is one, the tool's definition.

`impact-reports draft EXPORT [--dictionary FILE]` writes it beside the export, so that a new
dataset needs no codebook typed by hand: sites from the site column's answers, groups from a
role column, scales from the answer sets (ordered by the tool's codes, else by known agreement
and frequency wordings; "Don't know", "Not applicable" and the like kept apart), an item per
question with its text as wording, choose-any items (one cell, or a column per option) with
their write-in "Other" counted as an option, characteristics, and the Spanish texts where the
tool carries them (``codebook.es.yaml``). Every guess carries a comment saying what was guessed
and how to change it, so that a person reviews those lines only.

What is never copied into a codebook: free-text answers, names, e-mail addresses, IP addresses,
locations and any other column a tool marks as metadata or identifying. Only the answers of
questions whose answers are choices (the tool's own, or texts that many respondents share) become
codebook texts.

What each column holds is guessed by helpers.guess (its reader of exports); this module writes
those guesses as the codebook's lines, each with its comment.
"""

import json
import re
from dataclasses import dataclass, field
from pathlib import Path

from helpers import guess, tools
from helpers.errors import InputError, Problem
from helpers.paths import shown

_CHARACTERISTIC_LABELS = {"langu": "home language", "race": "race/ethnicity", "ethni": "race/ethnicity",
                          "disab": "disability", "lunch": "free or reduced-price lunch",
                          "idiom": "home language"}


UNCOUNTED = {"staff", "faculty", "personnel", "people", "children", "police", "clergy", "youth", "other"}
IRREGULAR = {"child": "children", "person": "people", "man": "men", "woman": "women"}


def plural(label: str) -> str:
    """Returns a group's label in the plural and lower case, as sentences name a group ("30
    students answered"): the last word of each alternative ("Parent/Guardian", "Parent or
    caregiver", "Staff member") takes its plural; uncounted nouns (staff) stay."""
    def one(word: str) -> str:
        low = word.casefold()
        if low in UNCOUNTED or not low.isalpha() or low.endswith("ies"):
            return low
        if low in IRREGULAR:
            return IRREGULAR[low]
        if re.search(r"[^aeiou]y$", low):
            return low[:-1] + "ies"
        if re.search(r"(s|x|z|ch|sh)$", low):
            return low + "es"
        return low + "s"

    parts = re.split(r"(\s*/\s*|\s+or\s+|\s+and\s+|\s*,\s*)", label.strip())
    for at in range(0, len(parts), 2):
        words = parts[at].split(" ")
        words[-1] = one(words[-1])
        parts[at] = " ".join(w.casefold() for w in words)
    return "".join(parts)


def slug(text: str, taken: set | None = None) -> str:
    """Returns a slug of the text (lower-case letters, digits, single hyphens), made unique."""
    base = re.sub(r"[^a-z0-9]+", "-", text.casefold()).strip("-")
    if len(base) > 40:  # cut at a word's end, not inside one ("...-treat-students-wit")
        base = base[:41].rsplit("-", 1)[0] if "-" in base[:41] else base[:40]
    base = base.strip("-") or "x"
    base = base if base[0].isalnum() else f"x-{base}"
    name, number = base, 2
    while taken is not None and name in taken:
        name, number = f"{base}-{number}", number + 1
    if taken is not None:
        taken.add(name)
    return name


@dataclass
class Lines:
    """The draft's YAML lines, each guess with its comment."""

    lines: list[str] = field(default_factory=list)
    guesses: int = 0

    def add(self, text: str, guess: str = "") -> None:
        if guess:
            self.guesses += 1
            text = f"{text}  # guess: {guess}"
        self.lines.append(text)

    def text(self) -> str:
        return "\n".join(self.lines) + "\n"


def q(text) -> str:
    """Returns a YAML scalar for any text (JSON's strings are YAML's double-quoted scalars)."""
    return json.dumps(str(text), ensure_ascii=False)


def draft(export: Path, dictionary: Path | None = None, fmt: str | None = None) -> tuple[str, str, int]:
    """Returns (codebook.yaml, codebook.es.yaml or "", the number of guesses to review) drafted
    from the export and the tool's definition (see the module's docstring)."""
    export = Path(export)
    read = tools.read(export, None, fmt, dictionary=dictionary)
    cells, fmt = read.cells, read.format
    if dictionary is None and fmt in ("spss", "stata"):
        dictionary = export  # the file's own value and variable labels
    known = tools.definition(dictionary) if dictionary else tools.Definition()
    questions = known.by_name() | guess.option_columns(read, cells)
    texts = {**read.texts, **{name: name for name in read.parts}}  # "Question | row" whole
    columns = [c for c in cells.columns if c not in guess.METADATA and not guess.IDENTIFYING.search(c)
               and not guess.OWN_WORDS.search(guess.text_of(c, questions, texts))
               and (c not in questions or questions[c].kind != "text")]
    roles = guess.roles(columns, cells, questions, texts)
    roles["id"] = next((c for c in cells.columns if guess.ID.match(c) and cells[c].ne("").all()
                        and cells[c].is_unique), None)
    many = guess.many(columns, questions, cells, fmt)
    in_many = {c for _, _, cols, _ in many for c in cols}
    out = Lines()
    spanish, es = Lines(), Spanish()
    where = shown(export)
    out.add(f"# A DRAFT codebook written by `impact-reports draft` from {export.name}"
            + (f" and {Path(dictionary).name}" if dictionary and Path(dictionary) != export else "")
            + f" ({fmt} export).")
    out.add("# Lines marked 'guess:' are what the draft guessed: check them, and see data/README.md.")
    out.add("# No respondent's free text, name or e-mail address is copied here.")
    synthetic = "synthetic" in f"{export.parent.name} {export.name}".casefold()
    folder_id = slug(export.parent.name)
    out.add("dataset:")
    out.add(f"  id: {folder_id}", "the folder's name; the reports go to outputs/html/<id>/")
    if known.title:
        out.add(f"  title: {q(known.title)}", "the survey's own title (form_title in the XLSForm's settings)")
    else:
        out.add(f"  title: {q('Survey results')}", "the reports' title")  # synthetic: true says the rest
    out.add(f"  partnership: {q('The partnership')}", "write the partnership's name")
    out.add(f"  source: {q(f'{export.name}, a {fmt} export' + (', synthetic data' if synthetic else ''))}",
            "where the answers come from")
    out.add("  published: false", "the tool's export is not already public")
    if synthetic:
        out.add("  synthetic: true", "the file or its folder says synthetic: every page will say so")
    out.add("  reference: network")
    out.add("  min_n: 10")
    out.add("  disclosure:")
    out.add("    minimum_base: 5", "withhold figures resting on fewer than 5: 5, 10, 11, 16 or 30")
    site, group, wave, ident = roles["site"], roles["group"], roles["wave"], roles["id"]
    taken_sites: set = set()
    site_values = sorted(guess.choices(site, cells, questions), key=lambda p: p[1]) if site else []
    out.add("")
    if site:
        out.add("sites:", f"the answers of column {q(site)}; give each its place")
        for code, label in site_values:
            alias = f", answers: [{q(code)}]" if code != label else ""
            out.add(f"  - {{id: {q(slug(label, taken_sites))}, name: {q(label)}{alias}}}")
    else:
        name = export.parent.name.replace("-", " ").replace("_", " ").strip().title() or "The site"
        out.add("sites:", "no column looks like a site's (school, site, campus...): the whole export "
                "is one site (exports: site:); or name the column as site_column under exports")
        out.add(f"  - {{id: {q(slug(name, taken_sites))}, name: {q(name)}}}", "write the site's name")
    if group:
        out.add("")
        out.add("groups:", f"the answers of column {q(group)}; labels are how sentences name them")
        taken_groups: set = set()
        group_ids = {}
        for code, label in guess.choices(group, cells, questions):
            group_ids[label] = slug(label, taken_groups)
            entry = f"id: {q(group_ids[label])}, label: {q(plural(label))}, answers: [{q(code)}]"
            out.add(f"  - {{{entry}}}", "the label in the plural, as sentences say '30 students answered'")
        es.groups = _in_spanish(questions.get(group), group_ids)
    waves = guess.choices(wave, cells, questions) if wave else []
    out.add("")
    out.add("waves:", "one survey wave; add one per export or name a wave column")
    taken_waves: set = set()
    if waves:
        for code, label in waves:
            out.add(f"  - {{id: {q(slug(label, taken_waves))}, label: {q(label)}, answers: [{q(code)}]}}")
    else:
        out.add(f"  - {{id: {q('1')}, label: {q('the survey')}}}")
    scales: dict[tuple, str] = {}
    scale_lines, item_lines, es_items = Lines(), Lines(), []
    level_ids: dict[tuple, dict[str, str]] = {}  # by answer set: each level's label -> its id
    taken_items: set = set()
    characteristics = roles["characteristics"]
    used = {site, group, wave, ident, *characteristics}
    for column in columns:
        if column in used or column in in_many:
            continue
        answers = guess.answer_set(column, cells, questions)
        if answers is None:
            continue
        levels, how = answers
        key = tuple(label for _, label, _ in levels)
        if key not in scales:
            scales[key], level_ids[key] = _scale(levels, how, scale_lines, set(scales.values()))
        es.levels.setdefault(scales[key], {}).update(_in_spanish(questions.get(column), level_ids[key]))
        question = questions.get(column)
        text = guess.text_of(column, questions, texts)
        stem, row = guess.parts(text)
        item = slug(row if len(row) <= 50 else column, taken_items)
        kind = "yes-no" if scales[key].startswith("yes-no") else "scale"
        item_lines.add(f"  - id: {q(item)}")
        item_lines.add(f"    kind: {kind}")
        item_lines.add(f"    scale: {q(scales[key])}")
        item_lines.add(f"    label: {q(_short(row))}", "a short label for charts")
        item_lines.add(f"    column: {q(column)}")
        item_lines.add(f"    wording: {q(row)}")
        if stem or (question and question.matrix):
            item_lines.add(f"    section: {q(_short(stem or question.matrix))}",
                           "the question it is a row of")
        es_items.append((item, question, levels))
    for stem, text, option_columns, choices in many:
        head, tail = guess.parts(guess.text_of(stem, questions, texts) if text == stem else text)
        text = head or tail
        item = slug(text if len(text) <= 50 else stem, taken_items)
        item_lines.add(f"  - id: {q(item)}")
        item_lines.add("    kind: choose-any")
        item_lines.add(f"    label: {q(_short(text))}", "a short label for charts")
        item_lines.add(f"    measure: {q('chose it')}", "what choosing an option says, for the sentences")
        item_lines.add(f"    wording: {q(text)}")
        if not option_columns:
            separator = guess.separator(cells[stem], fmt) or ";"
            item_lines.add(f"    column: {q(stem)}")
            item_lines.add(f"    separator: {q(separator)}", "the text between the chosen options in a cell")
        other = next((label for _, label in choices if guess.OTHER.match(label)), None)
        taken_options: set = set()
        ids = [slug(label, taken_options) for _, label in choices]
        if other is not None:
            item_lines.add(f"    other: {q(ids[[label for _, label in choices].index(other)])}",
                           "written-in answers count as this option (their text is never shown)")
        item_lines.add("    options:")
        for number, (code, label) in enumerate(choices):
            column = f", column: {q(option_columns[number])}" if option_columns else ""
            alias = f", answers: [{q(code)}]" if code != label and not option_columns else ""
            item_lines.add(f"      - {{id: {q(ids[number])}, label: {q(label)}{column}{alias}}}")
        es_items.append((item, questions.get(stem), None))
        es.options[item] = _in_spanish(questions.get(stem), dict(zip([label for _, label in choices], ids,
                                                                     strict=True)))
    if not item_lines.lines:
        raise InputError(Problem(where, "at least one question whose answers are a scale or a "
                                 "choice of options (see data/README.md)", found="none to draft"))
    if scale_lines.lines:
        out.add("")
        out.add("scales:")
        out.lines += scale_lines.lines
        out.guesses += scale_lines.guesses
    out.add("")
    out.add("items:")
    out.lines += item_lines.lines
    out.guesses += item_lines.guesses
    if characteristics:
        out.add("")
        out.add("characteristics:", "columns of who answered, to break results down by")
        taken_chars: set = set()
        for column in characteristics:
            text = guess.text_of(column, questions, texts)
            word = guess.CHARACTERISTIC.search(f"{column} {text}")
            name = _CHARACTERISTIC_LABELS.get(word[1].casefold()[:5], word[1].casefold()) if word else column
            characteristic = slug(name, taken_chars)
            out.add(f"  - id: {q(characteristic)}", f"from the question {q(_short(text))}")
            out.add(f"    label: {q(name)}", "as in 'by home language'")
            out.add(f"    column: {q(column)}")
            choices = guess.choices(column, cells, questions)
            unstated = [text for code, label in choices if guess.APART.match(label)
                        for text in dict.fromkeys((label, code))]
            if unstated:
                out.add(f"    not_stated: [{', '.join(q(text) for text in unstated)}]",
                        "answers that say nothing of it: counted as not stated, like a blank")
            out.add("    values:")
            taken_values: set = set()
            value_ids = {}
            for code, label in (c for c in choices if not guess.APART.match(c[1])):
                alias = f", answers: [{q(code)}]" if code != label else ""
                value_ids[label] = slug(label, taken_values)
                out.add(f"      - {{id: {q(value_ids[label])}, label: {q(label)}{alias}}}")
            es.values[characteristic] = _in_spanish(questions.get(column), value_ids)
    out.add("")
    out.add("exports:")
    entry = [f"file: {q(export.name)}", f"format: {fmt}"]
    if dictionary and Path(dictionary) != export:
        entry.append(f"dictionary: {q(Path(dictionary).name)}")
    entry.append(f"wave_column: {q(wave)}" if wave else "wave: \"1\"")
    if ident:
        entry.append(f"id_column: {q(ident)}")
    entry.append(f"site_column: {q(site)}" if site else f"site: {sorted(taken_sites)[0]}")
    if group:
        entry.append(f"group_column: {q(group)}")
    out.add(f"  - {{{', '.join(entry)}}}", "blank sites and groups count as not stated; "
            "required: [site] refuses them")
    return out.text(), _spanish(es_items, es, spanish), out.guesses


@dataclass
class Spanish:
    """The Spanish labels a survey tool carries for the drafted parts, by id: groups, each scale's
    levels, each choose-any item's options, each characteristic's values."""

    groups: dict[str, str] = field(default_factory=dict)
    levels: dict[str, dict[str, str]] = field(default_factory=dict)
    options: dict[str, dict[str, str]] = field(default_factory=dict)
    values: dict[str, dict[str, str]] = field(default_factory=dict)


def _in_spanish(question, ids: dict[str, str]) -> dict[str, str]:
    """Returns, for drafted parts (label -> id), each one's Spanish label where the tool gives one."""
    if question is None or not question.spanish_choices:
        return {}
    given = dict(zip([label for _, label in question.choices], question.spanish_choices, strict=False))
    return {ids[label]: given[label] for label in ids if given.get(label)}


def _labelled(lines: Lines, kind: str, inner: str, parts: dict, heading: bool = True) -> None:
    """Adds, for each part (a scale, an item, a characteristic) with Spanish labels of its levels,
    options or values, those labels by id; a heading for the kind first, unless it is there."""
    parts = {part: labels for part, labels in parts.items() if labels}
    if parts and heading:
        lines.add(f"{kind}:")
    for part, labels in parts.items():
        if heading:
            lines.add(f"  {part}:")
        lines.add(f"    {inner}:")
        lines.lines += [f"      {key}: {{label: {q(label)}}}" for key, label in labels.items()]


def _spanish(items: list, es: Spanish, lines: Lines) -> str:
    """Returns codebook.es.yaml's texts where the tool carries them (the items' wordings, the labels
    of levels, options and values), else ""; the groups' Spanish labels as comments, since a
    group's label is the plural that sentences use."""
    given = [(item, question) for item, question, _ in items if question and question.spanish]
    labelled = {item: options for item, options in es.options.items() if options}
    if not (given or labelled or any(es.levels.values()) or any(es.values.values())):
        return ""
    lines.add("# Spanish texts from the survey tool's own translation (drafted: the rest of the")
    lines.add("# codebook's texts need theirs too before reports render in Spanish).")
    lines.add(f"note: {q('Spanish texts as the survey was asked in Spanish.')}")
    if es.groups:
        lines.add("# groups: the tool's Spanish labels, one person each; write each label as the plural")
        lines.add("# that sentences use ('respondieron 30 estudiantes'):")
        for group, label in es.groups.items():
            lines.add(f"#   {group}: {{label: {q(label)}}}")
    _labelled(lines, "scales", "levels", es.levels)
    if given or labelled:
        lines.add("items:")
    wordings = dict(given)
    for item in dict.fromkeys([*wordings, *labelled]):
        lines.add(f"  {item}:")
        if item in wordings:
            lines.add(f"    wording: {q(wordings[item].spanish)}")
        _labelled(lines, "", "options", {item: labelled.get(item, {})}, heading=False)
    _labelled(lines, "characteristics", "values", es.values)
    return lines.text()


def _short(text: str) -> str:
    """Returns a label for charts and sentences: at most 60 characters, without the question's
    closing full stop or colon (sentences read "on I feel safe at school, but")."""
    text = " ".join(text.split()).rstrip(".:;, ")
    return text if len(text) <= 60 else text[:57].rsplit(" ", 1)[0] + "..."


def _scale(levels: list, how: str, lines: Lines, taken: set) -> tuple[str, dict[str, str]]:
    """Adds a scale's lines and returns its id and each level's label -> its id."""
    substantive = [label for _, label, side in levels if side != "apart"]
    words = " ".join(substantive).casefold()
    name = ("yes-no" if set(words.split()) <= {"yes", "no"} else
            f"agree{len(substantive)}" if "agree" in words else
            f"frequency{len(substantive)}" if "never" in words or "always" in words else
            f"scale{len(substantive)}")
    ident = slug(name, taken)
    positive = [label for _, label, side in levels if side == "positive"]
    lines.add(f"  - id: {q(ident)}")
    lines.add(f"    positive_label: {q(' or '.join(p.lower() for p in positive))}",
              "how sentences name the positive side")
    lines.add("    levels:", f"ordered by {how}, most negative first; sides split at the middle")
    taken_levels: set = set()
    ids = {label: slug(label, taken_levels) for _, label, _ in levels}
    for _, label, side in levels:
        lines.add(f"      - {{id: {q(ids[label])}, label: {q(label)}, side: {side}}}")
    return ident, ids


