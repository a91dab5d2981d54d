"""The analyst's API: a dataset's figures as a labelled tidy frame, charts that show themselves in
Jupyter, and new breakdowns declared as derived characteristics.

    from helpers import open_dataset, figures, chart, derive

    data = open_dataset("synthetic")
    agree = figures(data, item="Feels they belong", group="all respondents")
    agree.pivot_table(index="site", columns="wave", values="percent", observed=True)
    chart(data, item="Feels they belong", site=["Northside Community School", "all sites"])
    colour = derive(data, "race/ethnicity", "white or of colour",
                    {"White": ["White"], "Of colour": ["Black", "Hispanic or Latino", "Asian"]})

Every filter takes an id or a label (any case), or a list of them; None takes them all.
The figures not broken down by anyone are "all sites" (site) and "all respondents" (group,
and value), in the report's language, never a blank. The site, wave, group, breakdown, value,
item and answer columns hold labels as ordered categories in the codebook's order, so that
sorting, pivoting and charts keep that order. A figure that disclosure control withholds
keeps its row: its numbers are missing and ``withheld`` says why (for a shown one it is
blank). Everything comes from the same protected figures as the reports (helpers.analysis).
"""

import functools
import re
import unicodedata
from collections.abc import Iterable
from pathlib import Path

import pandas as pd

from helpers import analysis, charts, svg, words
from helpers.codebook import CODEBOOK, NOT_STATED, Codebook, read_codebook
from helpers.errors import InputError, Problem
from helpers.language import _, speaking
from helpers.load import Dataset, load_dataset
from helpers.paths import dataset_folder, shown

MEAN = "(published mean)"  # the site of a publication's own mean over the sites
DIMENSIONS = ("site", "wave", "group", "breakdown", "value", "item")
COLUMNS = ["site", "wave", "group", "breakdown", "value", "item", "answer", "percent", "low", "high",
           "n", "n_eff", "inferred", "imprecise", "withheld"]


def open_dataset(name: str | Path = "", language: str = "en") -> Dataset:
    """Returns a dataset, loaded, validated and protected as the reports see it: a folder under
    data/ by its name ("synthetic"), any dataset folder, or the default one (""). Given a
    language, the codebook's texts are its translations, and the functions below speak it for
    this dataset (its figures' labels and reasons, its charts' words); nothing else changes."""
    return load_dataset(dataset_folder(str(name)), shared=False, language=language)


def _in_its_language(function):
    """Makes a function of a dataset speak the dataset's language for the call."""
    @functools.wraps(function)
    def called(dataset: Dataset, *args, **kwargs):
        with speaking(dataset.language):
            return function(dataset, *args, **kwargs)
    return called


def all_sites() -> str:
    return _("all sites")


def all_respondents() -> str:
    return _("all respondents")


def _key(text) -> str:
    return " ".join(str(text).split()).casefold()


def _names(dataset: Dataset, dimension: str, breakdowns: list[str] = ()) -> dict[str, str]:
    """Returns a dimension's ids and their labels in the codebook's order, its blank (the figures
    of everyone) first."""
    codebook = dataset.codebook
    if dimension == "site":
        published = codebook.dataset.reference == "published mean"
        mean = {MEAN: _("the published all-sites figure")} if published else {}
        return {"": all_sites(), **mean, **{s.id: s.name for s in codebook.sites},
                NOT_STATED: codebook.site_name(NOT_STATED)}
    if dimension == "wave":
        return {w.id: w.label for w in codebook.waves}
    if dimension == "group":
        return {"": all_respondents(), **{g.id: g.label for g in codebook.groups},
                NOT_STATED: codebook.site_name(NOT_STATED)}
    if dimension == "breakdown":
        return {"": all_respondents(), **{c.id: c.label for c in codebook.characteristics}}
    if dimension == "value":
        return {"": all_respondents(), **{v.id: v.label for c in codebook.characteristics
                                          if not breakdowns or c.id in breakdowns for v in c.values}}
    return {i.id: i.label for i in codebook.items}


def _chosen(dataset: Dataset, dimension: str, wanted, breakdowns: list[str] = ()) -> list[str] | None:
    """Returns the ids a filter names (None: every one), or raises InputError for a name that is
    neither an id nor a label of the dimension."""
    if wanted is None:
        return None
    names = _names(dataset, dimension, breakdowns)
    lookup = {_key(text): key for key, label in names.items() for text in (key, label) if text}
    lookup |= {_key("all sites" if dimension == "site" else "all respondents"): ""} \
        if dimension in ("site", "group", "value") else {}
    found, problems = [], []
    for name in [wanted] if isinstance(wanted, str) or not isinstance(wanted, Iterable) else wanted:
        if _key(name) in lookup:
            found.append(lookup[_key(name)])
        else:
            known = [label for label in names.values() if label]
            problems.append(Problem(
                "the analyst API", f"an id or a label of the dataset's {dimension}s: "
                + ", ".join(known[:12]) + (f" and {len(known) - 12} more" if len(known) > 12 else ""),
                column=dimension, column_word="argument", found=str(name)))
    if problems:
        raise InputError(problems)
    return found


def _selected(dataset: Dataset, item=None, site=None, wave=None, group=None, breakdown=None,
              value=None) -> pd.DataFrame:
    """Returns the chosen shares, shown and withheld, with their ids (and "shown" where withheld)."""
    breakdowns = _chosen(dataset, "breakdown", breakdown)
    values = _chosen(dataset, "value", value, breakdowns)
    wanted = {"item": _chosen(dataset, "item", item), "site": _chosen(dataset, "site", site),
              "wave": _chosen(dataset, "wave", wave), "group": _chosen(dataset, "group", group),
              "breakdown": [*(breakdowns or [""]), *([""] if values and "" in values else [])],
              "value": values}
    shares = analysis.shares(dataset).assign(shown="")
    withheld = analysis.suppressed_shares(dataset).assign(aggregate="")
    rows = pd.concat([shares, withheld], ignore_index=True) if len(withheld) else shares
    rows = rows[rows["aggregate"].isin(["", "mean"])]
    rows = rows.assign(site=rows["site"].where(rows["aggregate"] != "mean", MEAN))
    for dimension, ids in wanted.items():
        if ids is not None:
            rows = rows[rows[dimension].isin(ids)]
    return rows.reset_index(drop=True)


def _reasons(dataset: Dataset, rows: pd.DataFrame) -> pd.Series:
    """Returns why each row is withheld, in words ("" for a shown figure)."""
    reasons = words.withheld_reasons(dataset)
    kinds = rows["suppressed"] if "suppressed" in rows else pd.Series("", index=rows.index)
    return pd.Series([f"{reasons[k]} ({mark})" if k == "coded" and mark not in ("", "—")
                      else reasons.get(k, "")
                      for k, mark in zip(kinds.fillna(""), rows["shown"].fillna(""), strict=True)],
                     index=rows.index, dtype=object)


def _labelled(dataset: Dataset, rows: pd.DataFrame) -> pd.DataFrame:
    """Returns the rows with labels for ids, each dimension an ordered category (codebook order)."""
    codebook = dataset.codebook
    frame = pd.DataFrame(index=rows.index)
    breakdowns = [b for b in dict.fromkeys(rows["breakdown"]) if b]
    if analysis.shares(dataset)["table"].nunique() > 1:  # a publication's shares from several tables
        frame["table"] = rows["table"].map(codebook.table_title)
    for dimension in DIMENSIONS:
        labels = rows[dimension].map(_names(dataset, dimension, breakdowns)).fillna(rows[dimension])
        frame[dimension] = _ordered(labels, _names(dataset, dimension, breakdowns).values())
    answers = [codebook.answer_label(i, a) for i, a in analysis.indicators(codebook)]
    frame["answer"] = _ordered(pd.Series([codebook.answer_label(i, a) for i, a in
                                          zip(rows["item"], rows["answer"], strict=True)], index=rows.index,
                                         dtype=object), answers)
    for column in ("percent", "low", "high", "n", "n_eff"):
        frame[column] = rows[column].astype(float)
    frame["inferred"] = rows["inferred"].fillna(False).astype(bool)  # n from a published share's rounding
    frame["imprecise"] = rows["imprecise"].fillna(False).astype(bool)
    frame["withheld"] = _reasons(dataset, rows)
    return frame


def _ordered(labels: pd.Series, order) -> pd.Categorical:
    """Returns the labels as an ordered category of those present, in the given order."""
    present = set(labels)
    return pd.Categorical(labels, categories=[x for x in dict.fromkeys(order) if x in present], ordered=True)


@_in_its_language
def figures(dataset: Dataset, item=None, site=None, wave=None, group=None, breakdown=None,
            value=None) -> pd.DataFrame:
    """Returns the dataset's compared shares (a scale item's positive side, each option of a
    choose-any item) as a tidy frame, one row per figure, in the codebook's order.

    Args:
        item, site, wave, group: ids or labels (or a list of them) to keep; None keeps all.
            site="all sites" and group="all respondents" are the figures of everyone.
        breakdown: a characteristic (id or label, or a list) whose groups to give; None gives
            the figures not broken down.
        value: the breakdown's values to keep (or "all respondents", its overall figure).

    Columns: site, wave, group, breakdown, value, item, answer (labels, ordered categories),
    percent, low, high (its 95% Wilson interval), n (respondents in the base), n_eff (effective
    n, weights considered), inferred (n inferred from the rounding of published percentages,
    never published), imprecise (‡: too imprecise to read much into) and withheld (why
    disclosure control withholds the figure, whose numbers are then missing; blank if shown).
    """
    rows = _selected(dataset, item, site, wave, group, breakdown, value)
    frame = _labelled(dataset, rows)
    frame = frame[[c for c in ("table", *COLUMNS) if c in frame]]
    return frame.sort_values(["breakdown", "item", "answer", "site", "wave", "group", "value"],
                             kind="stable").reset_index(drop=True)


class Plot:
    """A chart of some figures, drawn when shown: Jupyter displays it inline (_repr_svg_).

    ``data`` is the tidy frame it draws (:func:`figures`' columns and ``shown``, its key); the
    matplotlib figure is ``figure``; ``save(path)`` writes .svg or .png."""

    def __init__(self, data: pd.DataFrame, hue: str, draw):
        self.data, self.hue, self._draw, self._figure = data, hue, draw, None

    @property
    def figure(self):
        if self._figure is None:
            self._figure = self._draw()
        return self._figure

    def _repr_svg_(self) -> str:
        return svg.svg(self.figure).decode("utf-8")

    def save(self, path: str | Path) -> Path:
        path = Path(path)
        path.write_bytes(svg.png(self.figure) if path.suffix == ".png" else svg.svg(self.figure))
        return path

    def __repr__(self) -> str:
        return f"<Plot: {len(self.data)} figures by {self.hue}>"


@_in_its_language
def chart(dataset: Dataset, item=None, site=None, wave=None, group=None, breakdown=None,
          value=None) -> Plot:
    """Returns a dot plot of the chosen figures (filters as :func:`figures`): one row per share,
    one dot per site, wave, group or breakdown value (whichever of them the choice leaves more
    than one of; with several, each combination), with 95% intervals, labels and order from the
    codebook; a withheld figure is marked as withheld where its dot would be."""
    rows = _selected(dataset, item, site, wave, group, breakdown, value)
    frame = _labelled(dataset, rows)
    frame["shown"] = rows["shown"].fillna("")
    if frame.empty:
        raise InputError(Problem("the analyst API", "a choice of item, site, wave, group and breakdown "
                                 "that names at least one figure", found="no figure"))
    codebook = dataset.codebook
    frame["share"] = [codebook.answer_label(i, a) if codebook.item(i).kind == "choose-any"
                      else codebook.item(i).label for i, a in zip(rows["item"], rows["answer"], strict=True)]
    varying = [d for d in ("site", "wave", "group", "value") if frame[d].nunique() > 1] or ["site"]
    order = frame.sort_values(varying)[varying].drop_duplicates()
    keys = [" · ".join(str(v) for v in row) for row in order.itertuples(index=False)]
    frame["who"] = [" · ".join(str(v) for v in row) for row in frame[varying].itertuples(index=False)]
    shares = list(dict.fromkeys(frame.sort_values(["item", "answer"])["share"]))

    def draw():  # when shown, in the dataset's language
        with speaking(dataset.language):
            return charts.dot_plot(frame, "share", "who", shares, keys, {s: s for s in shares},
                                   {k: k for k in keys}, xlabel=_("Share (%), with 95% intervals"),
                                   text=words.chart_text())

    return Plot(frame.drop(columns=["share", "who"]), " and ".join(varying), draw)


def _slug(label: str) -> str:
    plain = unicodedata.normalize("NFKD", label).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", plain.casefold()).strip("-") or "value"


def derive(dataset: Dataset, source: str, label: str, values: dict[str, list[str]],
           id: str = "") -> Dataset:
    """Returns the dataset with one more characteristic, derived from `source` (an id or label)
    by combining or recoding its values: {new value's label: [source values, ids or labels]}.
    It is declared as the codebook's key ``derived_from`` would declare it (data/README.md),
    validated the same way, tabulated from the exports and protected like any other; raises
    InputError naming what is wrong (an unknown source value, a value in two combinations...)."""
    folder = Path(dataset.folder)
    where = f"{shown(folder / CODEBOOK)}, with the characteristic derive() declares"
    source_id = (_chosen(dataset, "breakdown", source) or [source])[0]
    known = {_key(text): v.id for c in dataset.codebook.characteristics if c.id == source_id
             for v in c.values for text in v.texts()}
    declared = {"id": id or _slug(label), "label": label, "derived_from": source_id,
                "values": [{"id": _slug(name), "label": name,
                            "combines": [known.get(_key(part), str(part)) for part in parts]}
                           for name, parts in values.items()]}
    translated = bool(dataset.codebook.dataset.translation_note)
    english = read_codebook(folder) if translated else dataset.codebook  # its texts match the exports'
    earlier = [c.model_dump() for c in dataset.codebook.characteristics  # derived before, in English
               if c.id not in {known.id for known in english.characteristics}]
    loaded = load_dataset(folder, shared=False, codebook=_extended(english, [*earlier, declared], where))
    if translated:  # the dataset speaks another language: so does the copy
        loaded = loaded.relabelled(codebook=_extended(dataset.codebook, [declared], where),
                                   language=dataset.language)
    return loaded


def _extended(codebook: Codebook, characteristics: list[dict], where: str) -> Codebook:
    from pydantic import ValidationError

    from helpers.codebook import problems

    dump = codebook.model_dump()
    dump["characteristics"] = [*dump["characteristics"], *characteristics]
    try:
        return Codebook.model_validate(dump)
    except ValidationError as error:
        raise InputError(problems(where, error, dump)) from None
