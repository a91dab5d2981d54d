"""Drawing: tidy data in, a matplotlib Figure out. No statistics, no words of its own.

Every function takes a DataFrame and the grouping as arguments (which column, in
which order, with which labels and colours), as seaborn's ``hue``/``hue_order``/
``palette`` do, and draws with the house style inside a context that restores
matplotlib's settings afterwards. Labels come from the caller (the codebook's); a
chart knows no survey. Practice (../methods.md, "Charts"): diverging stacked bars
for scales with "apart" answers in their own grey panel; dot plots with whiskers
for comparisons; dumbbells for two groups or two waves; Okabe–Ito colours, a
brown–teal pair for negative/positive, and direct labels so that colour never
carries meaning alone (WCAG 1.4.1). The few words a chart writes beside its marks
("withheld", "pts") come in too, as a helpers.words.ChartText in the report's language;
the canvas they draw on (house style, sizes, rows, legends) is helpers.canvas's, and writing a figure
as SVG or PNG helpers.svg's.
"""

import math
from collections.abc import Sequence
from typing import TYPE_CHECKING

import matplotlib

matplotlib.use("Agg")
import numpy as np
import pandas as pd
from matplotlib.colors import LinearSegmentedColormap
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import Rectangle
from matplotlib.transforms import ScaledTranslation

from helpers.canvas import (
    APART,
    CATEGORY,
    CONTEXT,
    FOCUS,
    LINE,
    MARKERS,
    NEGATIVE_STRONG,
    POSITIVE_STRONG,
    SHORT,
    SMALL,
    TEXT,
    WIDTH,
    WRAP,
    Rows,
    across,
    house_style,
    label_rows,
    legend_above,
    legend_columns,
    level_colours,
    new_figure,
    stack,
    text_width,
    under,
    wrap,
)
from helpers.language import number, percent, signed
from helpers.marks import FLAG, WITHHELD

if TYPE_CHECKING:
    from helpers.words import ChartText

OVER_MARK = {"facecolor": "white", "edgecolor": "none", "pad": 0.5}  # a label the dashed mark stops at


def withheld_mark(record, column: str = "") -> str:
    """Returns what stands in for a withheld figure: "> 85%" or "< 15%" where top/bottom coding
    lets that much show, else WITHHELD."""
    shown = record.get(f"{column} shown" if column else "shown", "")
    return shown if isinstance(shown, str) and shown else WITHHELD


def _whole(value: float) -> str:
    return "0" if round(value) == 0 else signed(value, 0)


def likert(
    data: pd.DataFrame,
    row: str,
    panel: str,
    levels: Sequence[str],
    sides: Sequence[str],
    row_order: Sequence[str],
    panel_order: Sequence[str],
    row_labels: dict[str, str],
    panel_titles: dict[str, str],
    level_labels: dict[str, str],
    *,
    text: "ChartText",
) -> Figure:
    """Draws diverging stacked bars: one panel per `panel` value, one under another, one bar
    per `row` value with its label above it.

    Negative levels run left of zero, positive right, neutral levels are split across
    zero; levels on the "apart" side get their own grey panel beside each panel. The
    negative and positive totals are printed at the bar ends.

    Args:
        data: columns row, panel, "level" and "percent".
        row, panel: the columns that make the bars and the panels.
        levels, sides: the scale's levels in order and each level's side.
        row_order, panel_order: the order to draw them in (top to bottom).
        row_labels, panel_titles, level_labels: what to write.
    """
    colours = dict(zip(levels, level_colours(sides), strict=True))
    side_of = dict(zip(levels, sides, strict=True))
    stacked = [lv for lv in levels if side_of[lv] != "apart"]
    apart = [lv for lv in levels if side_of[lv] == "apart"]
    wide = data.pivot_table(index=[panel, row], columns="level", values="percent", aggfunc="first")
    has_apart = bool(apart) and wide.reindex(columns=apart).fillna(0).gt(0).any().any()
    rows = Rows([wrap(row_labels.get(r, r), 35 if has_apart else WRAP) for r in row_order], mark=0.24)
    bar = rows.units(0.24)
    def total(side: str) -> pd.Series:
        return wide.reindex(columns=[lv for lv in stacked if side_of[lv] == side]).fillna(0).sum(axis=1)

    reach = float((total("negative") + total("neutral") / 2).max()) if len(wide) else 0.0  # widest left
    apart_title = wrap(" / ".join(level_labels.get(a, a) for a in apart), 11)
    title_lines = max(wrap(panel_titles.get(k, k), 34 if has_apart else WRAP).count("\n") + 1
                      for k in panel_order)
    title_space = 0.34 + LINE * max(title_lines, apart_title.count("\n") + 1 if has_apart else 1)
    with house_style():
        figure, axes = new_figure(WIDTH, 4, nrows=len(panel_order), ncols=2 if has_apart else 1)
        for index, key in enumerate(panel_order):
            axis = axes[index, 0]
            segments = {level: [] for level in stacked}  # (y, left, value): one barh call a level
            for y, item in enumerate(row_order):
                if (key, item) not in wide.index:
                    axis.text(0, y, text.not_asked, ha="center", va="center", color=CONTEXT, fontsize=SMALL)
                    continue
                values = wide.loc[(key, item)].reindex(levels).fillna(0)
                neutral = sum(values[lv] for lv in stacked if side_of[lv] == "neutral")
                negative = sum(values[lv] for lv in stacked if side_of[lv] == "negative")
                positive = sum(values[lv] for lv in stacked if side_of[lv] == "positive")
                left = -(negative + neutral / 2)
                for level in stacked:
                    segments[level].append((y, left, values[level]))
                    left += values[level]
                axis.text(-(negative + neutral / 2) - 2, y, percent(negative), ha="right", va="center",
                          fontsize=SMALL, color=NEGATIVE_STRONG)
                axis.text(positive + neutral / 2 + 2, y, percent(positive), ha="left", va="center",
                          fontsize=SMALL, color=POSITIVE_STRONG, fontweight="bold")
            for level, drawn in segments.items():
                if drawn:
                    ys, lefts, values = zip(*drawn, strict=True)
                    axis.barh(ys, values, left=lefts, height=bar, color=colours[level],
                              edgecolor="white", linewidth=0.6)
            rows.zero_line(axis)
            axis.set_xlim(-max(60, reach + 30), 122)  # the same zero in every panel; room for the labels
            axis.set_xticks([-50, 0, 50, 100])
            axis.set_xticklabels([percent(50, 0), "0", percent(50, 0), percent(100, 0)])
            axis.set_title(wrap(panel_titles.get(key, key), 34 if has_apart else WRAP), fontsize=10.5,
                           loc="left")
            axis.grid(axis="x", color="#EEEEEE", linewidth=0.8)
            axis.set_axisbelow(True)
            rows.draw(axis)
            if has_apart:
                side_panel = axes[index, 1]
                for y, item in enumerate(row_order):
                    if (key, item) in wide.index:
                        value = float(wide.loc[(key, item)].reindex(apart).fillna(0).sum())
                        side_panel.barh(y, value, height=bar, color=APART)
                        side_panel.text(value + 3, y, percent(value), va="center", fontsize=SMALL)
                side_panel.set_xlim(0, 100)
                side_panel.set_xticks([])
                side_panel.set_yticks([])
                side_panel.set_ylim(rows.bottom, rows.top)
                side_panel.set_title(apart_title, fontsize=SMALL, loc="left", color="#555555",
                                     fontweight="normal")
                for spine in ("left", "bottom"):
                    side_panel.spines[spine].set_visible(False)
        main = list(axes[:, 0])
        stack(figure, main, [rows.height] * len(main), [title_space] * len(main), right=0.05,
               below=0.4 + LINE * 2)
        if has_apart:  # each grey panel beside its panel: the main one keeps three quarters
            for axis, side_panel in zip(main, axes[:, 1], strict=True):
                box = axis.get_position()
                side_panel.set_position([box.x0 + box.width * 0.78, box.y0, box.width * 0.22, box.height])
                axis.set_position([box.x0, box.y0, box.width * 0.74, box.height])
        names = [level_labels.get(lv, lv) for lv in stacked]
        columns = legend_columns(names, WIDTH - 0.2, 0.45)
        order = across(list(range(len(stacked))), columns)
        main[-1].legend([Rectangle((0, 0), 1, 1, color=colours[stacked[i]]) for i in order],
                        [names[i] for i in order], loc="upper left", bbox_to_anchor=(0, 0),
                        bbox_transform=under(main[-1], 0.3), borderaxespad=0, ncol=columns,
                        handlelength=1.2, columnspacing=1.0, fontsize=SMALL)
    return figure


def dot_plot(
    data: pd.DataFrame,
    y: str,
    hue: str,
    y_order: Sequence[str],
    hue_order: Sequence[str],
    y_labels: dict[str, str],
    hue_labels: dict[str, str],
    xlabel: str,
    x: str = "percent",
    low: str | None = "low",
    high: str | None = "high",
    reference: str | None = None,
    reference_label: str = "",
    focus: str | None = None,
    hollow: Sequence[str] = (),
    palette: Sequence[str] = CATEGORY,
    *,
    text: "ChartText",
) -> Figure:
    """Draws an equiplot: one row per `y` value, its label above it, one dot per `hue` value
    with whiskers from `low` to `high`, and a dashed mark at each row's `reference`.

    With `focus`, that hue is drawn in blue and labelled with its value, the others
    in grey; beyond eight hues (without a focus) the others are small grey dots with
    no whiskers and no legend entry each. Hues in `hollow` get hollow markers (flagged).
    """
    many = len(hue_order) > 8
    spread = 0.0 if many or len(hue_order) == 1 else min(0.08 * (len(hue_order) - 1), 0.5)
    rows = Rows([wrap(y_labels.get(k, k), WRAP) for k in y_order],
                 mark=0.34 if many and focus is not None else max(0.24, spread + 0.14))
    if many and focus is not None:  # the focus under the others' dots, its label clear of them
        offsets = np.array([rows.units(0.09 if key == focus else -0.08) for key in hue_order])
    else:
        offsets = (rows.units(np.linspace(-spread / 2, spread / 2, len(hue_order))) if spread
                   else np.zeros(len(hue_order)))
    with house_style():
        figure, axes = new_figure(WIDTH, 4)
        axis = axes[0, 0]
        records = {(r[y], r[hue]): r for r in data.to_dict("records")}
        held: dict[int, list[str]] = {}  # per row, the marks of the hues withheld there
        for index, key in enumerate(hue_order):
            focal = key == focus
            colour = FOCUS if focal else (CONTEXT if focus is not None or many
                                          else palette[index % len(palette)])
            dots, whiskers = [], []  # (x, position), (low, high, position): one artist per hue
            for row_number, row_key in enumerate(y_order):
                record = records.get((row_key, key))
                if record is None:
                    continue
                position = row_number + offsets[index]
                if pd.isna(record[x]):  # withheld by disclosure control: say so where the dot would be
                    if focal:
                        axis.text(1, position, text.withheld.format(mark=withheld_mark(record)),
                                  va="center", fontsize=SMALL, color=colour, gid=f"withheld:{row_key}:{key}",
                                  zorder=4, bbox=OVER_MARK)
                    elif not many:  # the group's marker, hollow, then "— withheld" once per row
                        axis.plot(2 + 3.5 * len(held.setdefault(row_number, [])),
                                  row_number + rows.units(rows.mark / 2),
                                  marker=MARKERS[index % len(MARKERS)], markersize=5.5, linestyle="",
                                  color=colour, markerfacecolor="white", markeredgewidth=1.2,
                                  gid=f"withheld:{row_key}:{key}")
                        held[row_number].append(withheld_mark(record))
                    continue
                dots.append((record[x], position))
                whisker = low and high and pd.notna(record[low]) and (not many or focal)
                if whisker:
                    whiskers.append((record[low], record[high], position))
                if focal:
                    right = max(record[high], record[x]) if whisker else record[x]
                    axis.text(right + 2, position, percent(record[x]), va="center", fontsize=SMALL,
                              color=FOCUS, fontweight="bold", zorder=4, bbox=OVER_MARK)
            if whiskers:
                lows, highs, positions = zip(*whiskers, strict=True)
                axis.hlines(positions, lows, highs, color=colour, linewidth=2.2 if focal else 1.3,
                            capstyle="butt", zorder=2)
            if dots:
                xs, positions = zip(*dots, strict=True)
                axis.plot(xs, positions, marker="o" if many else MARKERS[index % len(MARKERS)],
                          markersize=9 if focal else (4 if many else 7), color=colour,
                          alpha=0.6 if many and not focal else 1, linestyle="",
                          markerfacecolor="white" if key in hollow and not many else colour,
                          markeredgewidth=1.6, gid=f"dots:{key}", zorder=3 if focal else 2)
        for row_number, marks in held.items():
            coded = sorted({m for m in marks if m != WITHHELD})
            axis.text(2 + 3.5 * len(marks), row_number + rows.units(rows.mark / 2), " " + (
                text.withheld_coded.format(marks=", ".join(coded)) if coded else text.withheld_row),
                va="center", fontsize=SMALL, color=TEXT, zorder=4, bbox=OVER_MARK)
        if reference:
            marks = dict(zip(data[y][::-1], data[reference][::-1], strict=True))  # each row's first
            drawn = [(n, marks[k]) for n, k in enumerate(y_order) if pd.notna(marks.get(k, np.nan))]
            if drawn:
                half = rows.units(rows.mark / 2 + 0.03)
                axis.vlines([v for _, v in drawn], [n - half for n, _ in drawn], [n + half for n, _ in drawn],
                            color=TEXT, linewidth=1.4, linestyle=(0, (2, 1.5)))
        rows.draw(axis)
        axis.set_xlim(0, 100)
        axis.set_xlabel(xlabel, fontsize=SMALL)
        axis.grid(axis="x", color="#EEEEEE")
        axis.set_axisbelow(True)
        if many:
            handles = [Line2D([], [], marker="o", linestyle="", color=CONTEXT, markersize=5,
                              label=text.each_of.format(count=len(hue_order)))]
            if focus is not None:
                handles.append(Line2D([], [], marker="o", linestyle="", color=FOCUS, markersize=8,
                                      label=hue_labels.get(focus, focus)))
        else:
            handles = [Line2D([], [], marker=MARKERS[i % len(MARKERS)], linestyle="",
                              color=(FOCUS if k == focus else CONTEXT) if focus is not None
                              else palette[i % len(palette)],
                              markerfacecolor="white" if k in hollow else None, markeredgewidth=1.6,
                              markersize=8, label=hue_labels.get(k, k) + (f" {FLAG}" if k in hollow else ""))
                       for i, k in enumerate(hue_order)]
        if reference:
            handles.append(Line2D([], [], color=TEXT, linestyle=(0, (2, 1.5)), label=reference_label))
        stack(figure, [axis], [rows.height], [legend_above(axis, handles)], right=0.5)
    return figure


def dumbbell(
    data: pd.DataFrame,
    y_labels: Sequence[str],
    first: str,
    second: str,
    labels: tuple[str, str],
    gap: str = "gap",
    low: str = "low",
    high: str = "high",
    xlabel: str = "%",
    gap_label: str = "gap",
    colours: tuple[str, str] = ("#0072B2", "#D55E00"),
    *,
    text: "ChartText",
) -> Figure:
    """Draws one dumbbell per row: the `first` and `second` columns' values joined by a line,
    under the row's label and its gap in points with its interval (from `low` to `high`)."""
    markers = ("o", "s")
    rows = Rows([wrap(label, WRAP) for label in y_labels], mark=0.2, extra_lines=1)
    with house_style():
        figure, axes = new_figure(WIDTH, 4)
        axis = axes[0, 0]
        dots = {first: [], second: []}  # (x, y) of each column's dots: one artist per column
        bars = []  # (left, right, y) of the lines that join them
        below_label = rows.lift(axis)
        for y, values in enumerate(data.to_dict("records")):
            if pd.isna(values[first]) or pd.isna(values[second]):  # withheld: "—" and no gap
                for column, colour, shift in zip((first, second), colours, (0, 14), strict=True):
                    if pd.isna(values[column]):
                        axis.text(1 + shift, y, withheld_mark(values, column), va="center",
                                  fontsize=SMALL, color=colour, gid=f"withheld:{y}:{column}")
                    else:
                        dots[column].append((values[column], y))
                axis.text(0, y, text.withheld_pair, transform=below_label, va="bottom", fontsize=SMALL,
                          color="#555555")
                continue
            bars.append((values[second], values[first], y))
            for column in (first, second):
                dots[column].append((values[column], y))
            gap_text = (text.gap.format(gap=signed(values[gap])) if math.isnan(values[low]) else
                        text.gap_interval.format(
                            gap=signed(values[gap]), low=_whole(values[low]), high=_whole(values[high])))
            axis.text(0, y, gap_text, transform=below_label, va="bottom", fontsize=SMALL, color="#555555")
        if bars:
            lefts, rights, ys = zip(*bars, strict=True)
            axis.hlines(ys, lefts, rights, color="#BBBBBB", linewidth=3, zorder=1)
        for column, colour, marker in zip((first, second), colours, markers, strict=True):
            if dots[column]:
                xs, ys = zip(*dots[column], strict=True)
                axis.plot(xs, ys, marker=marker, markersize=9, color=colour, zorder=2,
                          linestyle="", gid=f"dots:{column}")
        rows.draw(axis)
        axis.set_xlim(0, 100)
        axis.set_xlabel(xlabel, fontsize=SMALL)
        axis.grid(axis="x", color="#EEEEEE")
        axis.set_axisbelow(True)
        handles = [Line2D([], [], marker=m, linestyle="", color=c, markersize=9, label=label)
                   for m, c, label in zip(markers, colours, labels, strict=True)]
        explained = text.under_label.format(gap=gap_label)
        handles.append(Line2D([], [], linestyle="", label=wrap(explained, 44)))
        stack(figure, [axis], [rows.height], [legend_above(axis, handles)], right=0.25)
    return figure


def bars(
    data: pd.DataFrame,
    y: str,
    x: str,
    y_order: Sequence[str],
    y_labels: dict[str, str],
    panel: str | None = None,
    panel_order: Sequence[str] = ("",),
    panel_titles: dict[str, str] | None = None,
    focus: str | None = None,
    percentages: bool = False,
    xmax: float | None = None,
    *,
    text: "ChartText",
) -> Figure:
    """Draws horizontal bars, one panel per `panel` value, one under another, each bar
    labelled with its value; with `focus`, that row is blue and the others grey. Short labels
    (or many rows) stand left of the bars, longer ones above them."""
    panel_titles = panel_titles or {}
    largest = xmax or max(1.0, float(np.nan_to_num(data[x].astype(float).max())))
    beside = len(y_order) > 12 or max(len(str(y_labels.get(k, k))) for k in y_order) <= SHORT
    if beside:
        labels = [wrap(y_labels.get(k, k), SHORT) for k in y_order]
        lines = max(label.count("\n") + 1 for label in labels)
        pitch = max(0.26 if len(y_order) > 12 else 0.36, LINE * lines + 0.08)
        height, bar = pitch * len(y_order), 0.62
        left = 0.1 + max(text_width(label) for label in labels)
    else:
        rows = Rows([wrap(y_labels.get(k, k), WRAP) for k in y_order], mark=0.2)
        height, bar, left = rows.height, rows.units(0.2), 0.05
    with house_style():
        figure, axes = new_figure(WIDTH, 4, nrows=len(panel_order))
        for axis, key in zip(axes[:, 0], panel_order, strict=True):
            rows_here = data if panel is None else data[data[panel] == key]
            values = rows_here.set_index(y)[x]
            for position, row_key in enumerate(y_order):
                value = values.get(row_key, 0)
                if pd.isna(value):  # withheld by disclosure control
                    axis.text(largest * 0.02, position, text.withheld_row, va="center", fontsize=SMALL,
                              color=TEXT, gid=f"withheld:{row_key}:{key}")
                    continue
                value = float(value)
                colour = FOCUS if focus is None or row_key == focus else CONTEXT
                axis.barh(position, value, height=bar, color=colour, gid=f"bar:{row_key}:{key}")
                shown = percent(value, 0) if percentages else number(value, 0)
                axis.text(value + largest * 0.03, position, shown, va="center",
                          fontsize=SMALL, fontweight="bold" if row_key == focus else "normal")
            axis.set_xlim(0, largest * 1.25)
            axis.set_title(wrap(panel_titles.get(key, key), WRAP), fontsize=10.5, loc="left")
            axis.set_xticks([])
            for spine in ("left", "bottom"):
                axis.spines[spine].set_visible(False)
            if beside:
                label_rows(axis, labels)
                axis.set_ylim(len(y_order) - 0.5, -0.5)
            else:
                rows.draw(axis)
        titles = [0.12 + LINE * (wrap(panel_titles.get(k, k), WRAP).count("\n") + 1) if k else 0.1
                  for k in panel_order]
        stack(figure, list(axes[:, 0]), [height] * len(panel_order), titles, left=left, below=0.1)
    return figure


def gap_bars(
    data: pd.DataFrame,
    y: str,
    y_order: Sequence[str],
    y_labels: dict[str, str],
    panel: str,
    panel_order: Sequence[str],
    panel_titles: dict[str, str],
    gap: str = "gap",
    xlabel: str = "points",
    *,
    text: "ChartText",
) -> Figure:
    """Draws gaps as bars diverging from zero, teal above and brown below, each labelled: one
    panel per `panel` value, one under another, each bar under its label."""
    limit = max(10.0, math.ceil(data[gap].abs().max() / 10 + 0.6) * 10) if len(data) else 10.0
    rows = Rows([wrap(y_labels.get(k, k), WRAP) for k in y_order], mark=0.2)
    with house_style():
        figure, axes = new_figure(WIDTH, 4, nrows=len(panel_order))
        for axis, key in zip(axes[:, 0], panel_order, strict=True):
            here = data[data[panel] == key].set_index(y)
            for position, row_key in enumerate(y_order):
                if row_key not in here.index:
                    axis.text(0, position, text.no_figure, ha="center", va="center", color=CONTEXT,
                              fontsize=SMALL)
                    continue
                value = float(here.loc[row_key, gap])
                colour = POSITIVE_STRONG if value >= 0 else NEGATIVE_STRONG
                axis.barh(position, value, height=rows.units(0.2), color=colour, gid=f"bar:{row_key}:{key}")
                axis.text(value + (1 if value >= 0 else -1) * limit * 0.04, position, signed(value),
                          va="center", ha="left" if value >= 0 else "right", fontsize=SMALL, color=TEXT)
            rows.zero_line(axis)
            axis.set_xlim(-limit * 1.3, limit * 1.3)  # room for the label of the longest bar
            axis.set_xticks([-limit, -limit / 2, 0, limit / 2, limit])
            axis.set_xticklabels([_whole(t) for t in (-limit, -limit / 2, 0, limit / 2, limit)])
            axis.set_title(panel_titles.get(key, key), fontsize=10.5, loc="left")
            axis.spines["left"].set_visible(False)
            axis.grid(axis="x", color="#EEEEEE", linewidth=0.8)
            axis.set_axisbelow(True)
            rows.draw(axis)
        last = axes[-1, 0]
        last.set_xlabel(xlabel, fontsize=SMALL)
        stack(figure, list(axes[:, 0]), [rows.height] * len(panel_order), [0.62] * len(panel_order),
               right=0.05)
    return figure


def gap_grid(grid: pd.DataFrame, row_labels: dict[str, str], column_labels: dict[str, str]) -> Figure:
    """Draws a grid of gaps in points, brown below zero and teal above, every cell labelled:
    a row per site, a numbered column per figure, the figures' names as a key above. Columns
    beyond what the width holds go on into a second grid under the first."""
    values = grid.to_numpy(dtype=float)
    limit = max(10.0, float(np.nanmax(np.abs(values)))) if values.size else 10.0
    cmap = LinearSegmentedColormap.from_list("brown-teal", [NEGATIVE_STRONG, "#F5F5F5", POSITIVE_STRONG])
    names = [wrap(row_labels.get(r, r), SHORT) for r in grid.index]
    pitch = max(0.3, LINE * max((n.count("\n") + 1 for n in names), default=1) + 0.1)
    left = 0.12 + max((text_width(n) for n in names), default=0.5)
    fits = max(1, int((WIDTH - left - 0.05) // 0.5))  # columns of at least half an inch
    chunks = [range(start, min(start + fits, grid.shape[1])) for start in range(0, grid.shape[1], fits)] or [
        range(0)]
    cell = (WIDTH - left - 0.05) / max(1, min(fits, grid.shape[1]))
    key = [wrap(f"{number + 1}  {column_labels.get(c, c)}", WRAP).replace("\n", "\n     ")
           for number, c in enumerate(grid.columns)]
    key_height = LINE * 1.15 * sum(k.count("\n") + 1 for k in key) + 0.1
    with house_style():
        figure, axes = new_figure(WIDTH, 4, nrows=len(chunks))
        for axis, columns in zip(axes[:, 0], chunks, strict=True):
            part = values[:, list(columns)]
            axis.imshow(part, cmap=cmap, vmin=-limit, vmax=limit, aspect="auto")
            for (row, column), value in np.ndenumerate(part):  # "—" where the table has it
                axis.text(column, row, WITHHELD if math.isnan(value) else signed(value), ha="center",
                          va="center", fontsize=SMALL, color="white" if abs(value) > 0.6 * limit else TEXT)
            axis.set_xticks(range(len(columns)))
            axis.set_xticklabels([str(n + 1) for n in columns], fontsize=SMALL, fontweight="bold")
            axis.xaxis.tick_top()
            label_rows(axis, names)
            axis.tick_params(length=0)
            for spine in axis.spines.values():
                spine.set_visible(False)
        first = axes[0, 0]
        first.text(0, 1, "\n".join(key), transform=first.transAxes + ScaledTranslation(
            -left + 0.1, 0.3, figure.dpi_scale_trans), va="bottom", ha="left", fontsize=SMALL, color=TEXT,
            linespacing=1.3)
        tall = pitch * grid.shape[0]
        shown = min(fits, grid.shape[1])  # columns in the widest grid
        stack(figure, list(axes[:, 0]), [tall] * len(chunks),
               [key_height + 0.35] + [0.5] * (len(chunks) - 1),
               left=left, right=WIDTH - left - cell * shown, below=0.1)
        for axis, columns in zip(axes[:, 0], chunks, strict=True):  # a shorter last grid keeps the cell width
            box = axis.get_position()
            axis.set_position([box.x0, box.y0, box.width * len(columns) / shown, box.height])
    return figure
