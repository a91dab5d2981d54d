"""Drawing: tidy data in, a matplotlib Figure out. No statistics, no words of its own.

Every function takes a DataFrame and the grouping as arguments (which column, in
which order, with which labels and colours), as seaborn's ``hue``/``hue_order``/
``palette`` do, and draws with the house style inside a context that restores
matplotlib's settings afterwards. Labels come from the caller (the codebook's); a
chart knows no survey. Practice (../methods.md, "Charts"): diverging stacked bars
for scales with "apart" answers in their own grey panel; dot plots with whiskers
for comparisons; dumbbells for two groups or two waves; Okabe–Ito colours, a
brown–teal pair for negative/positive, and direct labels so that colour never
carries meaning alone (WCAG 1.4.1).
"""

import functools
import hashlib
import io
import math
import pickle
import re
from collections.abc import Sequence

import matplotlib

matplotlib.use("Agg")
import numpy as np
import pandas as pd
from matplotlib.backends.backend_svg import RendererSVG
from matplotlib.colors import LinearSegmentedColormap
from matplotlib.figure import Figure
from matplotlib.font_manager import FontProperties
from matplotlib.lines import Line2D
from matplotlib.patches import Rectangle
from matplotlib.textpath import TextToPath
from matplotlib.transforms import Affine2D, Bbox, ScaledTranslation

from helpers.language import _, number, percent, signed

OKABE_ITO = ["#E69F00", "#56B4E9", "#009E73", "#0072B2", "#D55E00", "#CC79A7", "#999999"]
CATEGORY = ["#0072B2", "#D55E00", "#009E73", "#CC79A7", "#56B4E9", "#999999"]  # no yellow on white
MARKERS = ["o", "s", "D", "^", "v", "P", "X", "h"]
FOCUS = "#0072B2"
CONTEXT = "#8A8A8A"
TEXT = "#222222"
NEGATIVE_STRONG, NEGATIVE, NEUTRAL = "#8C510A", "#D8B365", "#E3E3E3"
POSITIVE, POSITIVE_STRONG, APART = "#5AB4AC", "#01665E", "#B0B0B0"
FLAG = "†"
_TEXT_TO_PATH = TextToPath()
_BLANK: dict[str, bytes] = {}  # a pickled blank figure per layout (_figure)
SVG_SIZE = re.compile(r'width="[^"]*" height="[^"]*" viewBox="[^"]*"')
SVG_METADATA = re.compile(r"\s*<metadata>.*?</metadata>", re.S)
SVG_GROUP = re.compile(r"<g\b[^>]*>|</g>")
SVG_BARE_GROUP = re.compile(r'<g(?: id="[^"]*")?>')
SVG_ZERO_ROTATION = re.compile(r' transform="rotate\(-?0 [^)]*\)"')
SVG_COORDINATES = re.compile(r'(\s(?:d|x|y|x1|x2|y1|y2|width|height|viewBox|transform|points)=")([^"]*)')
SVG_DECIMALS = re.compile(r"-?\d+\.\d{2,}")
SVG_PATH_BREAK = re.compile(r" ?\n(?=[A-Za-z\"])")
SVG_PATH_COMMAND = re.compile(r'(\sd=")([^"]*)')
SVG_COMMAND_SPACE = re.compile(r"([MLCQZz]) ")
SVG_CLIP = re.compile(r' clip-path="([^"]*)" style="')
SVG_BETWEEN_TAGS = re.compile(r">\s+<")
SVG_STYLE = re.compile(r' style="([^"]*)"')
SVG_STYLE_SPACE = re.compile(r"([:;]) ")
HOUSE_STYLE = {
    "font.family": "sans-serif",
    "font.sans-serif": ["DejaVu Sans", "Arial", "Helvetica", "sans-serif"],
    "font.size": 10.5,
    "axes.titlesize": 12,
    "axes.titleweight": "bold",
    "axes.titlelocation": "left",
    "axes.labelsize": 10.5,
    "axes.edgecolor": "#666666",
    "axes.labelcolor": TEXT,
    "axes.spines.top": False,
    "axes.spines.right": False,
    "xtick.color": TEXT,
    "ytick.color": TEXT,
    "xtick.labelsize": 10,
    "ytick.labelsize": 10,
    "xtick.major.size": 0,  # no tick marks: gridlines and labels carry the positions
    "ytick.major.size": 0,
    "legend.frameon": False,
    "legend.fontsize": 10,
    "figure.dpi": 100,
    "savefig.dpi": 200,  # PNG at 2x
    "svg.fonttype": "none",  # text stays text: small, sharp, searchable
    "svg.hashsalt": "partnership-reports",  # fixed ids: the same input gives the same bytes
    "figure.facecolor": "white",
}


def house_style():
    """Returns a context in which matplotlib uses the house style, restored on leaving."""
    return matplotlib.rc_context(HOUSE_STYLE)


def level_colours(sides: Sequence[str]) -> list[str]:
    """Returns a colour per scale level from its side: browns for negative (strongest first),
    grey for neutral, teals for positive (strongest last), light grey for apart."""
    def ramp(start: str, end: str, count: int) -> list[str]:
        if count == 1:
            return [start]
        cmap = LinearSegmentedColormap.from_list("ramp", [start, end])
        return [matplotlib.colors.to_hex(cmap(i / (count - 1))) for i in range(count)]

    negatives = iter(ramp(NEGATIVE_STRONG, NEGATIVE, sides.count("negative")))
    positives = iter(ramp(POSITIVE_STRONG, POSITIVE, sides.count("positive"))[::-1])
    other = {"neutral": NEUTRAL, "apart": APART}
    return [next(negatives) if side == "negative" else next(positives) if side == "positive"
            else other[side] for side in sides]


def svg(figure: Figure) -> bytes:
    """Returns the figure as compact SVG (:func:`compact_svg`) with text as text and no date:
    identical for identical input.

    Drawn once and cropped by the SVG's viewBox to the box of what was drawn, measured while
    drawing (:class:`_InkedSVG`): savefig's bbox_inches="tight" draws every figure twice, and
    matplotlib's own tight box lays out every text and tick again after the drawing."""
    buffer = io.StringIO()
    with house_style():
        dpi = figure.dpi
        figure.dpi = 72  # as matplotlib's own SVG output does: 1 unit = 1 pt
        try:
            width, height = figure.get_size_inches()
            renderer = _InkedSVG(width * 72, height * 72, buffer, image_dpi=dpi,
                                 metadata={"Date": None, "Creator": None})
            figure.draw(renderer)
            renderer.finalize()
            box = renderer.box() or figure.get_tightbbox(renderer).transformed(
                figure.dpi_scale_trans)
        finally:
            figure.dpi = dpi
    box = box.padded(72 * matplotlib.rcParams["savefig.pad_inches"])
    x, y, w, h = (box.x0, 72 * height - box.y1, box.width, box.height)
    text = SVG_SIZE.sub(f'width="{w:.1f}pt" height="{h:.1f}pt" viewBox="{x:.1f} {y:.1f} {w:.1f} {h:.1f}"',
                        buffer.getvalue(), count=1)
    return compact_svg(text).encode("utf-8")


class _InkedSVG(RendererSVG):
    """An SVG renderer that keeps the box of everything it draws, in points from the figure's
    bottom left: a text by its measured extent (:func:`_text_size`, filled when the text was
    laid out), a line or patch by its path, anything clipped by its clip
    box (the axes). The figure's own background is left out. Where something is drawn that
    it cannot measure (an unclipped collection or image), :meth:`box` returns None and the
    caller measures the figure the slow way."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.inked: list[Bbox] = []
        self.unmeasured = False
        self._groups: list[str] = []
        self._background = True  # the first patch drawn directly in the figure is its background

    def box(self) -> Bbox | None:
        return None if self.unmeasured or not self.inked else Bbox.union(self.inked)

    def open_group(self, s, gid=None):
        self._groups.append(s)
        super().open_group(s, gid)

    def close_group(self, s):
        if self._groups[-2:] == ["figure", "patch"]:
            self._background = False
        self._groups.pop()
        super().close_group(s)

    def _keep(self, gc, measure) -> None:
        clip = gc.get_clip_rectangle()
        if clip is not None:
            self.inked.append(clip)
        elif not (self._background and self._groups[-2:] == ["figure", "patch"]):
            box = measure()
            if box is None:
                self.unmeasured = True
            else:
                self.inked.append(box.padded(gc.get_linewidth() / 2))

    def get_text_width_height_descent(self, s, prop, ismath):
        return _text_size(s, prop.copy(), ismath)

    def draw_path(self, gc, path, transform, rgbFace=None):
        self._keep(gc, lambda: path.get_extents(transform))
        super().draw_path(gc, path, transform, rgbFace)

    def draw_markers(self, gc, marker_path, marker_trans, path, trans, rgbFace=None):
        def measure():
            points = trans.transform(path.vertices)
            points = points[np.isfinite(points).all(axis=1)]
            if not len(points):
                return Bbox.null()
            mark = marker_path.get_extents(marker_trans)
            return Bbox([points.min(axis=0) + mark.min, points.max(axis=0) + mark.max])
        self._keep(gc, measure)
        super().draw_markers(gc, marker_path, marker_trans, path, trans, rgbFace)

    def draw_text(self, gc, x, y, s, prop, angle, ismath=False, mtext=None):
        def measure():
            width, height, descent = self.get_text_width_height_descent(s, prop, ismath)
            turn = Affine2D().rotate_deg(angle).translate(x, self.height - y)
            corners = turn.transform([(0, -descent), (width, -descent), (width, height - descent),
                                      (0, height - descent)])
            return Bbox([corners.min(axis=0), corners.max(axis=0)])
        self._keep(gc, measure)
        super().draw_text(gc, x, y, s, prop, angle, ismath, mtext)

    def draw_path_collection(self, gc, *args, **kwargs):
        self._keep(gc, lambda: None)
        super().draw_path_collection(gc, *args, **kwargs)

    def draw_image(self, gc, x, y, im, transform=None):
        self._keep(gc, lambda: None)
        super().draw_image(gc, x, y, im, transform)


@functools.lru_cache(maxsize=8192)
def _text_size(text: str, font: FontProperties, math: bool) -> tuple[float, float, float]:
    """Returns a text's width, height and descent in points, measured once per process:
    matplotlib keeps its measurements per renderer, so each chart measured "0", "20", "40" and
    every label it shares with another chart again."""
    return _TEXT_TO_PATH.get_text_width_height_descent(text, font, math)


def compact_svg(text: str) -> str:
    """Returns matplotlib's SVG at under half its bytes, drawn the same, since every report
    inlines its charts: no RDF metadata, no group with nothing but an id (matplotlib wraps every
    artist in one), no indentation or line breaks between tags or path commands, coordinates to
    0.1 pt (0.13 px), no zero rotations, SVG 2's href, the clip path in the style, and each
    style used more than once as a class named by its content's hash (so the same class means
    the same style in every chart of a page). Text is untouched."""
    text = SVG_METADATA.sub("", text)
    text = _without_bare_groups(text)
    text = SVG_ZERO_ROTATION.sub("", text)
    text = SVG_COORDINATES.sub(lambda m: m.group(1) + SVG_DECIMALS.sub(_tenth, m.group(2)), text)
    text = SVG_PATH_BREAK.sub("", text)
    text = SVG_PATH_COMMAND.sub(lambda m: m.group(1) + SVG_COMMAND_SPACE.sub(r"\1", m.group(2)), text)
    text = SVG_BETWEEN_TAGS.sub("><", text)
    text = SVG_CLIP.sub(r' style="clip-path:\1;', text).replace("xlink:href=", "href=")
    text = SVG_STYLE.sub(lambda m: ' style="' + SVG_STYLE_SPACE.sub(r"\1", m.group(1)) + '"', text)
    uses = {}
    for style in SVG_STYLE.findall(text):
        uses[style] = uses.get(style, 0) + 1
    names = {style: "s" + hashlib.blake2s(style.encode(), digest_size=3).hexdigest()
             for style, count in uses.items() if count > 1}
    text = SVG_STYLE.sub(lambda m: f' class="{names[m.group(1)]}"' if m.group(1) in names
                         else m.group(0), text)
    rules = "".join(f".{name}{{{style}}}" for style, name in names.items())
    return text.replace("</style>", rules + "</style>", 1)


def _tenth(match: re.Match) -> str:
    return f"{float(match.group(0)):.1f}".removesuffix(".0")


def _without_bare_groups(text: str) -> str:
    """Returns the SVG without <g> elements that carry nothing but an id (their children kept),
    and without empty ones; a group stays where it has other attributes (a clip path) or
    marks a withheld figure (gid "withheld:…"), which a reader's tools, and the tests, find
    on the page."""
    kept, stack, start = [], [], 0
    for match in SVG_GROUP.finditer(text):
        tag = match.group(0)
        if tag.endswith("/>"):  # an empty group: nothing to keep
            bare = True
        elif tag == "</g>":
            bare = stack.pop()
        else:
            bare = SVG_BARE_GROUP.fullmatch(tag) is not None and 'id="withheld:' not in tag
            stack.append(bare)
        if bare:
            kept.append(text[start:match.start()])
            start = match.end()
    kept.append(text[start:])
    return "".join(kept)


def png(figure: Figure) -> bytes:
    """Returns the figure as PNG at twice the screen resolution, without metadata."""
    buffer = io.BytesIO()
    with house_style():
        figure.savefig(buffer, format="png", bbox_inches="tight", metadata={"Software": None})
    return buffer.getvalue()


def _figure(width: float, height: float, **kwargs) -> tuple[Figure, np.ndarray]:
    """Returns a new figure (not pyplot's: nothing global to close or leak) with its grid of
    axes, as Figure.subplots(squeeze=False, **kwargs) makes it. Building axes is the dearest
    part of a chart (7 ms each), so each layout is built once per process and copied from its
    pickle after that, in half the time; the warm server builds the usual ones before it forks
    the workers (:func:`helpers.preload.warm_charts`)."""
    key = repr(sorted(kwargs.items()))
    if key not in _BLANK:
        with house_style():
            blank = Figure()
            blank.subplots(squeeze=False, **kwargs)
        _BLANK[key] = pickle.dumps(blank)
    figure = pickle.loads(_BLANK[key])
    figure.set_size_inches(width, height)
    shape = (kwargs.get("nrows", 1), kwargs.get("ncols", 1))
    return figure, np.array(figure.axes, dtype=object).reshape(shape)


def _row_labels(axis, labels: Sequence[str]) -> None:
    """Writes each row's label left of the axes, where a y tick label would be (rows at 0, 1,
    ...): a text each, without the tick matplotlib would build for it of five artists."""
    axis.set_yticks([])
    place = axis.get_yaxis_transform() + ScaledTranslation(
        -(matplotlib.rcParams["ytick.major.size"] + matplotlib.rcParams["ytick.major.pad"]) / 72, 0,
        axis.figure.dpi_scale_trans)
    for row, label in enumerate(labels):
        axis.text(0, row, label, transform=place, ha="right", va="center_baseline",
                  fontsize=matplotlib.rcParams["ytick.labelsize"], color=TEXT)


def wrap(text: str, width: int = 34) -> str:
    """Returns a label broken into lines of at most `width` characters."""
    lines, line = [], ""
    for word in str(text).split():
        if line and len(line) + 1 + len(word) > width:
            lines.append(line)
            line = word
        else:
            line = f"{line} {word}".strip()
    lines.append(line)
    return "\n".join(lines)


def points(value: float) -> str:
    """Returns signed percentage points with a true minus sign, as the report's locale writes
    numbers."""
    return signed(value)


def withheld_mark(record, column: str = "") -> str:
    """Returns what stands in for a withheld figure: "> 95%" or "< 5%" where top/bottom coding
    lets that much show, else "—"."""
    shown = record.get(f"{column} shown" if column else "shown", "")
    return shown if isinstance(shown, str) and shown else "—"


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
) -> Figure:
    """Draws diverging stacked bars: one panel per `panel` value, one bar per `row` value.

    Negative levels run left of zero, positive right, neutral levels are split across
    zero; levels on the "apart" side get their own grey panel beside each panel. The
    negative and positive totals are printed at the bar ends.

    Args:
        data: columns row, panel, "level" and "percent".
        row, panel: the columns that make the bars and the panels.
        levels, sides: the scale's levels in order and each level's side.
        row_order, panel_order: the order to draw them in (top to bottom, left to right).
        row_labels, panel_titles, level_labels: what to write.
    """
    colours = dict(zip(levels, level_colours(sides), strict=True))
    side_of = dict(zip(levels, sides, strict=True))
    stacked = [lv for lv in levels if side_of[lv] != "apart"]
    apart = [lv for lv in levels if side_of[lv] == "apart"]
    wide = data.pivot_table(index=[panel, row], columns="level", values="percent", aggfunc="first")
    has_apart = bool(apart) and wide.reindex(columns=apart).fillna(0).gt(0).any().any()
    widths = [1.0, 0.22] * len(panel_order) if has_apart else [1.0] * len(panel_order)
    rows = len(row_order)
    with house_style():
        figure, axes = _figure(4.3 * len(panel_order) + 2.4, 0.62 * rows + 1.7, ncols=len(widths),
                               sharey=True, gridspec_kw={"width_ratios": widths, "wspace": 0.08})
        axes = axes[0]
        for index, key in enumerate(panel_order):
            axis = axes[index * (2 if has_apart else 1)]
            segments = {level: [] for level in stacked}  # (y, left, value): one barh call a level
            reach = 0.0  # how far left the widest negative bar and its label go
            for y, bar in enumerate(row_order):
                if (key, bar) not in wide.index:
                    axis.text(0, y, _("not asked"), ha="center", va="center", color=CONTEXT)
                    continue
                values = wide.loc[(key, bar)].reindex(levels).fillna(0)
                neutral = sum(values[lv] for lv in stacked if side_of[lv] == "neutral")
                negative = sum(values[lv] for lv in stacked if side_of[lv] == "negative")
                positive = sum(values[lv] for lv in stacked if side_of[lv] == "positive")
                left = -(negative + neutral / 2)
                reach = max(reach, -left)
                for level in stacked:
                    segments[level].append((y, left, values[level]))
                    left += values[level]
                axis.text(-(negative + neutral / 2) - 2, y, percent(negative), ha="right", va="center",
                          fontsize=9.5, color=NEGATIVE_STRONG)
                axis.text(positive + neutral / 2 + 2, y, percent(positive), ha="left", va="center",
                          fontsize=9.5, color=POSITIVE_STRONG, fontweight="bold")
            for level, drawn in segments.items():
                if drawn:
                    ys, lefts, values = zip(*drawn, strict=True)
                    axis.barh(ys, values, left=lefts, height=0.62, color=colours[level],
                              edgecolor="white", linewidth=0.6)
            axis.axvline(0, color="#444444", linewidth=0.9)
            axis.set_xlim(-max(60, reach + 26), 118)  # room for the label of a long negative bar
            axis.set_xticks([-50, -25, 0, 25, 50, 75, 100])
            axis.set_xticklabels([percent(50, 0), percent(25, 0), "0", percent(25, 0), percent(50, 0),
                                  percent(75, 0), percent(100, 0)])
            axis.set_title(panel_titles.get(key, key), fontsize=10.5, loc="left")
            axis.spines["left"].set_visible(False)
            axis.grid(axis="x", color="#EEEEEE", linewidth=0.8)
            axis.set_axisbelow(True)
            if has_apart:
                side_panel = axes[index * 2 + 1]
                for y, bar in enumerate(row_order):
                    if (key, bar) in wide.index:
                        value = float(wide.loc[(key, bar)].reindex(apart).fillna(0).sum())
                        side_panel.barh(y, value, height=0.62, color=APART)
                        side_panel.text(value + 1.5, y, percent(value), va="center", fontsize=9)
                side_panel.set_xlim(0, 50)
                side_panel.set_xticks([])
                side_panel.set_title(wrap(" / ".join(level_labels.get(a, a) for a in apart), 12),
                                     fontsize=9, loc="left", color="#555555")
                for spine in ("left", "bottom"):
                    side_panel.spines[spine].set_visible(False)
        _row_labels(axes[0], [wrap(row_labels.get(r, r), 30) for r in row_order])
        axes[0].set_ylim(rows - 0.5, -0.8)
        handles = [Rectangle((0, 0), 1, 1, color=colours[lv]) for lv in stacked]
        figure.legend(handles, [level_labels.get(lv, lv) for lv in stacked], loc="lower center",
                      ncol=len(stacked), bbox_to_anchor=(0.55, -0.02), handlelength=1.2,
                      columnspacing=1.2)
        figure.subplots_adjust(bottom=0.1 + 0.3 / rows)
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
) -> Figure:
    """Draws an equiplot: one row per `y` value, one dot per `hue` value with whiskers from
    `low` to `high`, and a dashed mark at each row's `reference`.

    With `focus`, that hue is drawn in blue and labelled with its value, the others
    in grey; beyond eight hues (without a focus) the others are small grey dots with
    no whiskers and no legend entry each. Hues in `hollow` get hollow markers (flagged).
    """
    many = len(hue_order) > 8
    offsets = (np.linspace(-0.22, 0.22, len(hue_order)) if len(hue_order) > 1 and not many
               else np.zeros(len(hue_order)))
    with house_style():
        figure, axes = _figure(9.2, 0.95 * len(y_order) + 1.6)
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
                position = row_number + offsets[index] + (0.25 if many and focal else 0)
                if pd.isna(record[x]):  # withheld by disclosure control: say so where the dot would be
                    if focal:
                        axis.text(1, position, _("{mark} withheld").format(mark=withheld_mark(record)),
                                  va="center",
                                  fontsize=9.5, color=colour, gid=f"withheld:{row_key}:{key}")
                    elif not many:  # the group's marker, hollow, then "— withheld" once per row
                        axis.plot(2 + 3 * len(held.setdefault(row_number, [])), row_number + 0.36,
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
                    axis.text(right + 1.5, position, percent(record[x]), va="center", fontsize=9.5,
                              color=FOCUS, fontweight="bold")
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
                          markeredgewidth=1.6, gid=f"dots:{key}")
        for row_number, marks in held.items():
            coded = sorted({m for m in marks if m != "—"})
            axis.text(2 + 3 * len(marks), row_number + 0.36, " " + (
                _("— withheld ({marks})").format(marks=", ".join(coded)) if coded else _("— withheld")),
                va="center", fontsize=8.5, color=TEXT)
        if reference:
            marks = dict(zip(data[y][::-1], data[reference][::-1], strict=True))  # each row's first
            rows = [(n, marks[k]) for n, k in enumerate(y_order) if pd.notna(marks.get(k, np.nan))]
            if rows:
                axis.vlines([v for _, v in rows], [n - 0.38 for n, _ in rows],
                            [n + 0.38 for n, _ in rows], color=TEXT, linewidth=1.4,
                            linestyle=(0, (2, 1.5)))
        _row_labels(axis, [wrap(y_labels.get(k, k), 30) for k in y_order])
        axis.set_ylim(len(y_order) - 0.5, -0.6)
        axis.set_xlim(0, 105)
        axis.set_xlabel(xlabel)
        axis.grid(axis="x", color="#EEEEEE")
        axis.set_axisbelow(True)
        if many:
            handles = [Line2D([], [], marker="o", linestyle="", color=CONTEXT, markersize=5,
                              label=_("each of {count}").format(count=len(hue_order)))]
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
        columns = min(len(handles), 4)
        axis.legend(handles=handles, loc="lower left", bbox_to_anchor=(0, 1.0), ncol=columns,
                    handletextpad=0.3, columnspacing=1.0, fontsize=9.5)
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
) -> Figure:
    """Draws one dumbbell per row: the `first` and `second` columns' values joined by a line,
    the gap labelled in points with its interval (from `low` to `high`) at the right."""
    markers = ("o", "s")
    with house_style():
        figure, axes = _figure(9.2, 0.7 * len(data) + 1.5)
        axis = axes[0, 0]
        dots = {first: [], second: []}  # (x, y) of each column's dots: one artist per column
        bars = []  # (left, right, y) of the lines that join them
        for y, values in enumerate(data.to_dict("records")):
            if pd.isna(values[first]) or pd.isna(values[second]):  # withheld: "—" and no gap
                for column, colour, shift in zip((first, second), colours, (0, 12), strict=True):
                    if pd.isna(values[column]):
                        axis.text(1 + shift, y, withheld_mark(values, column), va="center",
                                  fontsize=9.5, color=colour, gid=f"withheld:{y}:{column}")
                    else:
                        dots[column].append((values[column], y))
                axis.text(103, y, _("— (withheld)"), va="center", fontsize=9.5, color=TEXT)
                continue
            bars.append((values[second], values[first], y))
            for column in (first, second):
                dots[column].append((values[column], y))
            gap_text = (_("{gap} pts").format(gap=points(values[gap])) if math.isnan(values[low]) else
                        _("{gap} pts (95% CI {low} to {high})").format(
                            gap=points(values[gap]), low=_whole(values[low]), high=_whole(values[high])))
            axis.text(103, y, gap_text, va="center", fontsize=9.5, color=TEXT)
        if bars:
            lefts, rights, ys = zip(*bars, strict=True)
            axis.hlines(ys, lefts, rights, color="#BBBBBB", linewidth=3, zorder=1)
        for column, colour, marker in zip((first, second), colours, markers, strict=True):
            if dots[column]:
                xs, ys = zip(*dots[column], strict=True)
                axis.plot(xs, ys, marker=marker, markersize=10, color=colour, zorder=2,
                          linestyle="", gid=f"dots:{column}")
        _row_labels(axis, [wrap(label, 30) for label in y_labels])
        axis.set_ylim(len(data) - 0.5, -0.9)
        axis.set_xlim(0, 100)
        axis.set_xlabel(xlabel)
        axis.grid(axis="x", color="#EEEEEE")
        axis.set_axisbelow(True)
        handles = [Line2D([], [], marker=m, linestyle="", color=c, markersize=9, label=label)
                   for m, c, label in zip(markers, colours, labels, strict=True)]
        axis.legend(handles=handles, loc="lower left", bbox_to_anchor=(0, 1.0), ncol=2)
        axis.text(103, -0.75, gap_label, fontsize=9, color="#555555")
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
) -> Figure:
    """Draws horizontal bars, one panel per `panel` value, each bar labelled with its value;
    with `focus`, that row is blue and the others grey."""
    panel_titles = panel_titles or {}
    row_height = 0.5 if len(y_order) <= 12 else 0.22
    largest = xmax or max(1.0, float(np.nan_to_num(data[x].astype(float).max())))
    with house_style():
        figure, axes = _figure(2.9 * len(panel_order) + 2.2 + (2 if panel is None else 0),
                               row_height * len(y_order) + 1.5, ncols=len(panel_order), sharey=True,
                               gridspec_kw={"wspace": 0.15})
        for axis, key in zip(axes[0], panel_order, strict=True):
            rows = data if panel is None else data[data[panel] == key]
            values = rows.set_index(y)[x]
            for position, row_key in enumerate(y_order):
                value = values.get(row_key, 0)
                if pd.isna(value):  # withheld by disclosure control
                    axis.text(largest * 0.02, position, _("— withheld"), va="center", fontsize=9.5,
                              color=TEXT, gid=f"withheld:{row_key}:{key}")
                    continue
                value = float(value)
                colour = FOCUS if focus is None or row_key == focus else CONTEXT
                axis.barh(position, value, height=0.62, color=colour, gid=f"bar:{row_key}:{key}")
                shown = percent(value, 0) if percentages else number(value, 0)
                axis.text(value + largest * 0.03, position, shown, va="center",
                          fontsize=9.5, fontweight="bold" if row_key == focus else "normal")
            axis.set_xlim(0, largest * 1.25)
            axis.set_title(panel_titles.get(key, key), fontsize=10.5)
            axis.set_xticks([])
            for spine in ("left", "bottom"):
                axis.spines[spine].set_visible(False)
        _row_labels(axes[0, 0], [wrap(y_labels.get(k, k), 34) for k in y_order])
        axes[0, 0].set_ylim(len(y_order) - 0.5, -0.5)
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
) -> Figure:
    """Draws gaps as bars diverging from zero, teal above and brown below, each labelled."""
    limit = max(10.0, math.ceil(data[gap].abs().max() / 10 + 0.6) * 10) if len(data) else 10.0
    with house_style():
        figure, axes = _figure(3.0 * len(panel_order) + 2.6, 0.55 * len(y_order) + 1.5,
                               ncols=len(panel_order), sharey=True, gridspec_kw={"wspace": 0.12})
        for axis, key in zip(axes[0], panel_order, strict=True):
            rows = data[data[panel] == key].set_index(y)
            for position, row_key in enumerate(y_order):
                if row_key not in rows.index:
                    axis.text(0, position, _("no figure"), ha="center", va="center", color=CONTEXT,
                              fontsize=9)
                    continue
                value = float(rows.loc[row_key, gap])
                colour = POSITIVE_STRONG if value >= 0 else NEGATIVE_STRONG
                axis.barh(position, value, height=0.6, color=colour, gid=f"bar:{row_key}:{key}")
                axis.text(value + (1 if value >= 0 else -1), position, points(value), va="center",
                          ha="left" if value >= 0 else "right", fontsize=9.5, color=TEXT)
            axis.axvline(0, color="#444444", linewidth=0.9)
            axis.set_xlim(-limit, limit)
            axis.set_title(panel_titles.get(key, key), fontsize=10.5)
            axis.set_xlabel(xlabel)
            axis.spines["left"].set_visible(False)
        _row_labels(axes[0, 0], [wrap(y_labels.get(k, k), 28) for k in y_order])
        axes[0, 0].set_ylim(len(y_order) - 0.5, -0.5)
    return figure


def gap_grid(grid: pd.DataFrame, row_labels: dict[str, str], column_labels: dict[str, str]) -> Figure:
    """Draws a grid of gaps in points, brown below zero and teal above, every cell labelled."""
    many = grid.shape[0] > 12
    values = grid.to_numpy(dtype=float)
    limit = max(10.0, float(np.nanmax(np.abs(values)))) if values.size else 10.0
    cmap = LinearSegmentedColormap.from_list("brown-teal", [NEGATIVE_STRONG, "#F5F5F5", POSITIVE_STRONG])
    with house_style():
        figure, axes = _figure(1.5 * grid.shape[1] + 3.2, (0.26 if many else 0.62) * grid.shape[0] + 1.4)
        axis = axes[0, 0]
        axis.imshow(values, cmap=cmap, vmin=-limit, vmax=limit, aspect="auto")
        for (row, column), value in np.ndenumerate(values):
            if not math.isnan(value):
                axis.text(column, row, points(value), ha="center", va="center",
                          fontsize=7.5 if many else 10,
                          color="white" if abs(value) > 0.6 * limit else TEXT)
        axis.set_xticks(range(grid.shape[1]))
        axis.set_xticklabels([wrap(column_labels.get(c, c), 16) for c in grid.columns],
                             fontsize=8.5 if many else 10)
        axis.xaxis.tick_top()
        axis.set_yticks(range(grid.shape[0]))
        axis.set_yticklabels([row_labels.get(r, r) for r in grid.index], fontsize=8 if many else 10)
        axis.tick_params(length=0)
        for spine in axis.spines.values():
            spine.set_visible(False)
    return figure
