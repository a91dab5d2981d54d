"""Respondent-level survey exports, tabulated into figures with exact counts and bases.

One row per respondent, one column per question, answers as text, as survey tools
export them. The codebook maps columns to items and answer texts to scale levels
or options, tolerant of case and surrounding spaces. A blank answer is a skipped
question: it leaves the base. "Apart" answers (don't know, n/a) are counted and
shown but leave the base of the other answers (../methods.md, "Respondent-level
survey data"). An optional weight column gives weighted percentages with Kish's
effective n, (Σw)² / Σw², for their intervals.

Figures are tabulated for every wave and item, for each site and for all sites,
for each respondent group and for all groups, and broken down by each respondent
characteristic (for each site and for all sites).
"""

from pathlib import Path

import numpy as np
import pandas as pd

from helpers import tools
from helpers.codebook import CODEBOOK, FIGURE_COLUMNS, NOT_STATED, Codebook, Export, Item
from helpers.errors import InputError, Problem
from helpers.paths import inside, shown

TABLE = "responses"
SHORT = 30  # characters of a code's label shown beside it in an error


def _key(text: str) -> str:
    """Returns an answer text as it is matched: lower case, single spaces."""
    return " ".join(str(text).split()).casefold()


def _lookup(named) -> dict[str, str]:
    """Returns every accepted text (id, label, aliases) of some codebook parts, keyed by its match."""
    return {_key(text): part.id for part in named for text in part.texts()}


def _expected(named, what: str, codes: dict[str, str] | None = None) -> str:
    """Returns what a cell should hold: for a column the tool's definition codes, the codes that
    stand for the codebook's parts (each with its label where short); else the codebook's labels."""
    known = _lookup(named)
    coded = [(code, label) for code, label in (codes or {}).items() if _key(label) in known]
    if coded:
        texts = [f"{code} ({label})" if len(label) <= SHORT else code for code, label in coded]
        return f"{what}, one of the codes {_first(texts)} (in the survey's definition)"
    return f"{what}: {_first([part.label for part in named])} (or an alias the codebook lists)"


def _first(texts: list[str], most: int = 8) -> str:
    return ", ".join(texts[:most]) + (f" and {len(texts) - most} more" if len(texts) > most else "")


def read_respondents(folder: Path, codebook: Codebook, export: Export,
                     left_out: dict | None = None) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Returns one export as (respondents, answers), or raises InputError naming every bad cell.

    respondents: one row per respondent: file, row, id, wave, site, group, weight and a
    column per characteristic (blank where not stated; a blank site or group is NOT_STATED unless
    the export requires it). answers: one row per answer given: the respondent's row, item and
    answer id (one row per chosen option of a choose-any item). left_out, given, gets the
    export's responses its tool marks unfinished or a preview, by reason (helpers.tools).
    """
    path = Path(folder) / export.file
    where = shown(path)
    index = codebook.exports.index(export)
    for key in ("file", "dictionary"):
        name = getattr(export, key)
        if name and not inside(folder, name):
            raise InputError(Problem(shown(Path(folder) / CODEBOOK), "a file inside the dataset's folder "
                                     f"({shown(folder)}), in a subfolder or not",
                                     column=f"exports.{index}.{key}", column_word="key", found=name))
    columns = {"wave": export.wave_column, "id": export.id_column, "site": export.site_column,
               "group": export.group_column, "weight": export.weight_column}
    characteristics = {c.id: c.column for c in codebook.characteristics if c.column}
    needed = [c for c in [*columns.values(), *characteristics.values()] if c]
    needed += [column for item in codebook.items for column in item.columns()]
    dictionary = Path(folder) / export.dictionary if export.dictionary else None
    read = tools.read(path, list(dict.fromkeys(needed)), export.format, export.sheet, dictionary)
    raw = read.cells
    if left_out is not None and read.left_out:
        left_out[export.file] = read.left_out
    problems: list[Problem] = []
    people = pd.DataFrame({"file": export.file, "row": raw.index}, index=raw.index)

    def mapped(column: str, named, what: str, blank: str | None, unstated: tuple = ()) -> pd.Series:
        """Returns the column's ids; a blank cell, or one of the unstated answers, is `blank` (a
        problem where blank is None)."""
        lookup = _lookup(named) | {_key(text): "" for text in unstated}
        values = tools.each(raw[column], lambda text: lookup.get(_key(text), None if text else ""))
        for row in values.index[values.isna() | ((values == "") & (blank is None))]:
            problems.append(Problem(where, _expected(named, what, read.codes.get(column)), row=int(row),
                                    column=column, found=raw.at[row, column]))
        return values.fillna("").replace("", blank or "")

    people["wave"] = (mapped(export.wave_column, codebook.waves, "a wave of the codebook", None)
                      if export.wave_column else export.wave)
    blank = {part: None if part in export.required else NOT_STATED for part in ("site", "group")}
    people["site"] = (mapped(export.site_column, codebook.sites, "a site of the codebook", blank["site"])
                      if export.site_column else export.site)
    people["group"] = (mapped(export.group_column, codebook.groups, "a respondent group", blank["group"])
                       if export.group_column else "")
    for characteristic, column in characteristics.items():
        declared = codebook.characteristic(characteristic)
        people[characteristic] = mapped(column, declared.values, f"a value of {characteristic}", "",
                                        declared.not_stated)
    for derived in (c for c in codebook.characteristics if c.derived_from):
        people[derived.id] = people[derived.derived_from].map(derived.recoding()).fillna("")
    people["weight"] = 1.0
    if export.weight_column:
        weights = tools.each(raw[export.weight_column], _number).astype(float)
        for row in weights.index[weights.isna() | (weights < 0)]:
            problems.append(Problem(where, "a weight: a number of 0 or more", row=int(row),
                                    column=export.weight_column,
                                    found=raw.at[row, export.weight_column] or "(blank)"))
        people["weight"] = weights
    if export.id_column:
        ids = raw[export.id_column].astype(str)
        # a long export (REDCap events, waves in a column) holds each id once per wave
        key = ids + "\x00" + people["wave"] if export.wave_column else ids
        per = " in each wave" if export.wave_column else ""
        for row in ids.index[key.duplicated(keep="first") & (ids != "")]:
            first = int(key.index[key == key[row]][0])
            problems.append(Problem(where, f"each respondent id once{per} (also on row {first})",
                                    row=int(row), column=export.id_column, found=ids[row]))
        for row in ids.index[ids == ""]:
            problems.append(Problem(where, "a respondent id", row=int(row), column=export.id_column,
                                    found="(blank)"))
    kinds = categories(codebook)
    answers = [_answers(raw, item, codebook, where, problems, read) for item in codebook.items]
    if problems:
        raise InputError(problems)
    return people, pd.DataFrame({  # as categories, item by item: a million rows' answers stay small
        "row": np.concatenate([a["row"].to_numpy(dtype=np.int64) for a in answers]),
        "item": pd.Categorical.from_codes(np.concatenate(
            [np.full(len(a), kinds["item"].categories.get_loc(i.id)) for a, i in zip(answers, codebook.items,
                                                                                       strict=True)]),
            dtype=kinds["item"]),
        "answer": pd.Categorical(np.concatenate([a["answer"].to_numpy(dtype=object) for a in answers]),
                                 dtype=kinds["answer"])})


def _answers(raw: pd.DataFrame, item: Item, codebook: Codebook, where: str, problems: list,
             read: tools.Export) -> pd.DataFrame:
    """Returns the item's given answers (row, item, answer), adding a Problem for each unknown one.

    A choose-any item is one cell (its options matched longest first, so that an option holding
    the separator stays whole) or a column per option (chosen: any mark but 0, Unchecked, No or
    blank; a REDCap checkbox column holds 1, 0, Checked, Unchecked or blank, and any other mark is
    a problem); a respondent who chose none skipped it. A text no option or level matches counts
    as the item's `other` answer where it has one (its text is never shown), else it is a problem.
    """
    if item.option_columns:
        for column in (o.column for o in item.options):
            known = tools.each(raw[column], lambda cell: tools.marked(cell, read.format)).astype(bool)
            for row in raw.index[~known]:
                problems.append(Problem(where, f"{tools.MARKS[read.format][1]} ({item.id})", row=int(row),
                                        column=column, found=raw.at[row, column]))
        chosen = [raw.index[tools.each(raw[o.column], tools.checked).astype(bool)] for o in item.options]
        rows = [(row, o.id) for o, marked in zip(item.options, chosen, strict=True) for row in marked]
        rows.sort()
        return pd.DataFrame({"row": [r for r, _ in rows], "item": item.id,
                             "answer": [a for _, a in rows]})
    cells = raw[item.column]
    cells = cells[cells != ""]
    if item.kind == "choose-any":
        named = item.options
        cells = tools.each(cells, lambda text: _chosen(text, item)).explode()  # each distinct cell once
        cells = cells[cells.notna()]
        answer = cells.map(lambda found: found[0])
        unknown = cells[answer.isna()].map(lambda found: found[1])
    else:
        named = codebook.scale_of(item).levels
        lookup = _lookup(named)
        answer = tools.each(cells, lambda text: lookup.get(_key(text), item.other or None))
        unknown = cells[answer.isna()]
    for row, text in unknown.items():
        expected = _expected(named, f"an answer to {item.id}", read.codes.get(item.column))
        problems.append(Problem(where, expected, row=int(row), column=item.column, found=text))
    answer = answer[answer.notna()]
    return pd.DataFrame({"row": answer.index, "item": item.id, "answer": answer.to_numpy()})


def _chosen(cell: str, item: Item) -> list[tuple[str | None, str]]:
    """Returns the options chosen in one cell as (option id, text): known texts matched longest
    first at each place; from an unknown text on, the rest of the cell is one written-in answer
    (which may hold the separator itself): the item's `other` option, or None with the text."""
    texts = sorted(((_key(t), o.id) for o in item.options for t in o.texts()), key=lambda t: -len(t[0]))
    separator = _key(item.separator) or " "  # ", " as "," (cells are matched with single spaces)

    def ends(rest: str, text: str) -> bool:
        after = rest[len(text):]
        return not after or (after if separator == " " else after.lstrip()).startswith(separator)

    rest, found = _key(cell), []
    while rest:
        match = next(((text, option) for text, option in texts if rest.startswith(text) and ends(rest, text)),
                     None)
        if match:
            found.append((match[1], ""))
            rest = rest[len(match[0]):]
        else:  # a write-in, which may hold the separator itself: the rest of the cell
            found.append((item.other or None, "" if item.other else rest))
            break
        rest = rest.strip().removeprefix(separator).strip()
    return list(dict.fromkeys(found))


def _number(text: str) -> float:
    try:
        return float(text)
    except ValueError:
        return float("nan")


def categories(codebook: Codebook) -> dict[str, pd.CategoricalDtype]:
    """Returns the categories of every key of the long answers, from the codebook, so that a
    million respondents' answers take a byte or two a key, and exports concatenate as categories."""
    def kind(values) -> pd.CategoricalDtype:
        return pd.CategoricalDtype(list(dict.fromkeys(values)))

    answers = [*(o.id for i in codebook.items for o in i.options),
               *(level.id for s in codebook.scales for level in s.levels)]
    return {
        "file": kind(e.file for e in codebook.exports), "wave": kind(w.id for w in codebook.waves),
        "site": kind(["", NOT_STATED, *(s.id for s in codebook.sites)]),
        "group": kind(["", NOT_STATED, *(g.id for g in codebook.groups)]),
        "item": kind(i.id for i in codebook.items), "answer": kind(answers),
        **{c.id: kind(["", *(v.id for v in c.values)]) for c in codebook.characteristics if c.tabulated},
    }


def read_exports(folder: Path, codebook: Codebook) -> tuple[pd.DataFrame, dict]:
    """Returns every export's answers with their respondents (long, as :func:`tabulate` takes
    them, keys as :func:`categories`) and, by file, the responses their tools mark unfinished or
    a preview, left out."""
    parts, problems, left_out = [], [], {}
    kinds = categories(codebook)
    for export in codebook.exports:
        try:
            people, answers = read_respondents(folder, codebook, export, left_out)
        except InputError as error:
            problems.extend(error.problems)
            continue
        people = people.assign(file=export.file).astype({k: v for k, v in kinds.items() if k in people})
        parts.append(answers.merge(people, on="row"))
    if problems:
        raise InputError(problems)
    return pd.concat(parts, ignore_index=True), left_out


def tabulate_exports(folder: Path, codebook: Codebook) -> pd.DataFrame:
    """Returns the figures of every export the codebook names (see the module's docstring)."""
    return tabulate(read_exports(folder, codebook)[0], codebook)


def _sides(codebook: Codebook) -> pd.DataFrame:
    """Returns each item's answers with their side ("apart" or not) and whether they count."""
    rows = []
    for item in codebook.items:
        if item.kind == "choose-any":
            rows += [(item.id, o.id, "option") for o in item.options]
        else:
            rows += [(item.id, level.id, level.side) for level in codebook.scale_of(item).levels]
    kinds = categories(codebook)
    return pd.DataFrame(rows, columns=["item", "answer", "side"]).astype(
        {"item": kinds["item"], "answer": kinds["answer"]})


def tabulate(answers: pd.DataFrame, codebook: Codebook) -> pd.DataFrame:
    """Returns figures from long answers (one row per answer given, with the respondent's
    file, row, wave, site, group, weight and characteristics; keys as :func:`categories`, as
    :func:`read_exports` gives them). Adds each answer's side and respondent number to the
    answers given: a million respondents' answers are not copied for it."""
    sides = _sides(codebook)
    kinds = categories(codebook)
    for key, kind in kinds.items():  # every key as a category: grouped by codes, not hashed texts
        if key in answers and answers[key].dtype != kind:
            answers[key] = answers[key].astype(str).astype(kind)
    table = np.full((len(kinds["item"].categories), len(kinds["answer"].categories)), -1, dtype=np.int8)
    names = list(dict.fromkeys(sides["side"]))
    for item, answer, side in zip(sides["item"].cat.codes, sides["answer"].cat.codes, sides["side"],
                                  strict=True):
        table[item, answer] = names.index(side)
    codes = table[answers["item"].cat.codes.to_numpy(), answers["answer"].cat.codes.to_numpy()]
    answers["side"] = pd.Categorical.from_codes(codes, categories=names)
    if (codes < 0).any():  # an answer that is not one of its item's
        answers = answers[codes >= 0]
    answers["respondent"] = answers.groupby(["file", "row"], sort=False, observed=True).ngroup()
    # One row per respondent and item answered: the base of the item's percentages.
    answered = answers.drop_duplicates(["respondent", "item"])
    substantive = answers[answers["side"] != "apart"].drop_duplicates(["respondent", "item"])
    cuts = [["site", "group"], ["site"], ["group"], []]
    cuts += [[*where, c.id] for c in codebook.characteristics if c.tabulated for where in (["site"], [])]
    frames = []
    for cut in cuts:
        if "site" in cut and not answers["site"].ne("").any():
            continue
        if "group" in cut and not answers["group"].ne("").any():
            continue
        frames.append(_cut(answers, answered, substantive, cut, codebook, sides))
    figures = pd.concat(frames, ignore_index=True)
    for column in FIGURE_COLUMNS:
        if column not in figures:
            figures[column] = ""
    for column in ("wave", "site", "group", "breakdown", "value", "item", "answer"):
        figures[column] = figures[column].astype(object).astype(str)
    figures["decimals"] = -1  # counted, not printed: no rounding to audit
    figures["exact"] = True
    figures["aggregate"] = ""
    figures["table"] = TABLE
    figures["file"] = "exports"
    figures["row"] = 0
    return figures[FIGURE_COLUMNS]


def _weights(frame: pd.DataFrame, keys: list[str], name: str) -> pd.DataFrame:
    """Returns per key: the respondents, the sum of weights and the sum of squared weights."""
    weights = pd.DataFrame({"weight": frame["weight"], "w2": frame["weight"] ** 2})  # not the whole frame
    return weights.groupby([frame[key] for key in keys], sort=False, observed=True).agg(
        **{f"{name}_n": ("weight", "size"), f"{name}_w": ("weight", "sum"), f"{name}_w2": ("w2", "sum")})


def _cut(answers, answered, substantive, cut, codebook, sides) -> pd.DataFrame:
    """Returns the figures of one cut: wave and item by the cut's columns, every answer."""
    keys = ["wave", "item", *cut]
    breakdown = next((c for c in cut if c not in ("site", "group")), None)
    base = _weights(substantive, keys, "base").join(_weights(answered, keys, "all"), how="outer")
    counts = _weights(answers, [*keys, "answer"], "count")
    if breakdown:  # those who did not state the characteristic leave its breakdown
        base = base[base.index.get_level_values(breakdown) != ""]
        counts = counts[counts.index.get_level_values(breakdown) != ""]
    # Every answer of every item, also those nobody gave (a count of 0, not a missing row).
    full = base.reset_index().merge(sides, on="item")
    full = full.merge(counts.reset_index(), on=[*keys, "answer"], how="left").fillna(
        {"count_n": 0, "count_w": 0.0, "count_w2": 0.0})
    apart = full["side"] == "apart"
    full["n"] = np.where(apart, full["all_n"], full["base_n"])
    full["wsum"] = np.where(apart, full["all_w"], full["base_w"])
    full["w2sum"] = np.where(apart, full["all_w2"], full["base_w2"])
    derived = []
    for side in ("positive", "negative"):
        levels = sides[sides["side"] == side]
        rows = full.merge(levels[["item", "answer"]], on=["item", "answer"])
        summed = rows.groupby(keys, sort=False, observed=True).agg(
            count_n=("count_n", "sum"), count_w=("count_w", "sum"), n=("n", "first"),
            wsum=("wsum", "first"), w2sum=("w2sum", "first")).reset_index()
        derived.append(summed.assign(answer=side))
    full = pd.concat([full, *derived], ignore_index=True)
    full = full[full["n"].fillna(0) > 0]
    figures = pd.DataFrame({
        "wave": full["wave"], "item": full["item"], "answer": full["answer"],
        "site": full["site"] if "site" in cut else "",
        "group": full["group"] if "group" in cut else "",
        "breakdown": breakdown or "", "value": full[breakdown] if breakdown else "",
        "percent": 100 * full["count_w"] / full["wsum"],
        "count": full["count_n"].astype(float), "n": full["n"].astype(float),
        "n_eff": full["wsum"] ** 2 / full["w2sum"],
        "weight": full["wsum"], "weight2": full["w2sum"], "chosen": full["count_w"],
    })
    return figures.astype({column: "Float64" for column in ("count", "n", "n_eff", "weight",
                                                            "weight2", "chosen")})
