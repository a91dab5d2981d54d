"""The canvas every chart is drawn on: the house style (colours, sizes, matplotlib's settings in
a context that restores them), text measured once per process, figures copied from a pickled
blank layout, rows of marks with their labels above them, axes stacked one under another, and
legends above the axes. Shapes and sizes only: no data, no words (helpers.charts draws on it)."""

import functools
import pickle
from collections.abc import Sequence

import matplotlib

matplotlib.use("Agg")
import numpy as np
from matplotlib.colors import LinearSegmentedColormap
from matplotlib.figure import Figure
from matplotlib.font_manager import FontProperties
from matplotlib.textpath import TextToPath
from matplotlib.transforms import ScaledTranslation

CATEGORY = ["#0072B2", "#D55E00", "#009E73", "#CC79A7", "#56B4E9", "#999999"]  # Okabe-Ito, no yellow on white
MARKERS = ["o", "s", "D", "^", "v", "P", "X", "h"]
FOCUS = "#0072B2"
CONTEXT = "#8A8A8A"
TEXT = "#222222"
NEGATIVE_STRONG, NEGATIVE, NEUTRAL = "#8C510A", "#D8B365", "#E3E3E3"
POSITIVE, POSITIVE_STRONG, APART = "#5AB4AC", "#01665E", "#B0B0B0"
# Every chart is drawn WIDTH inches (284 pt) wide, the size it shows at on a wide screen. A
# phone's page (about 360 px) shows it at 0.9 of that: text of SMALL points at 12 px or more.
WIDTH = 3.95
SMALL = 10  # the smallest text a chart writes, in points
LINE = 0.18  # inches a line of SMALL text takes
LIFT, GAP = 0.04, 0.14  # inches between a row's label and its marks, and between its marks and the next label
WRAP = 48  # characters a line of a label above its row holds
SHORT = 20  # characters a label beside its row holds
_TEXT_TO_PATH = TextToPath()
_BLANK: dict[str, bytes] = {}  # a pickled blank figure per layout (new_figure)
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
    "text.parse_math": False,  # a label is text: "$5 to $10" is not TeX, and cannot break a chart
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


@functools.lru_cache(maxsize=8192)
def text_size(text: str, font: FontProperties, math: bool) -> tuple[float, float, float]:
    """Returns a text's width, height and descent in points, measured once per process:
    matplotlib keeps its measurements per renderer, so each chart measured "0", "20", "40" and
    every label it shares with another chart again."""
    return _TEXT_TO_PATH.get_text_width_height_descent(text, font, math)


def new_figure(width: float, height: float, **kwargs) -> tuple[Figure, np.ndarray]:
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


def label_rows(axis, labels: Sequence[str]) -> None:
    """Writes each row's label left of the axes, where a y tick label would be (rows at 0, 1,
    ...): a text each, without the tick matplotlib would build for it of five artists."""
    axis.set_yticks([])
    place = axis.get_yaxis_transform() + ScaledTranslation(
        -(matplotlib.rcParams["ytick.major.size"] + matplotlib.rcParams["ytick.major.pad"]) / 72, 0,
        axis.figure.dpi_scale_trans)
    for row, label in enumerate(labels):
        axis.text(0, row, label, transform=place, ha="right", va="center_baseline", fontsize=SMALL,
                  color=TEXT)


def text_width(text: str, size: float = SMALL) -> float:
    """Returns the width of a (possibly multi-line) text in inches."""
    with house_style():
        font = FontProperties(size=size)
    return max(text_size(line, font, False)[0] for line in str(text).split("\n")) / 72


class Rows:
    """Rows of marks, each with its label above it, starting at the axes' left edge: the data
    get the whole width of a narrow chart, and a long label reads on one or two lines. Rows
    sit at y = 0, 1, ...; one unit is `pitch` inches, enough for the longest label, the marks
    (`mark` inches tall, centred on the row) and a gap before the next row's label."""

    def __init__(self, labels: Sequence[str], mark: float, extra_lines: int = 0):
        self.labels = list(labels)
        self.mark = mark
        self.extra = extra_lines
        self.lines = max((label.count("\n") + 1 for label in self.labels), default=1) + extra_lines
        self.pitch = mark + LIFT + self.lines * LINE + GAP

    def units(self, inches: float) -> float:
        """Returns a distance in inches in the rows' units."""
        return inches / self.pitch

    @property
    def top(self) -> float:
        return -self.units(self.mark / 2 + LIFT + self.lines * LINE)

    @property
    def bottom(self) -> float:
        return len(self.labels) - 1 + self.units(self.mark / 2 + GAP / 2)

    @property
    def height(self) -> float:
        """Returns the inches the axes need."""
        return (self.bottom - self.top) * self.pitch

    def lift(self, axis, lines: int = 0):
        """Returns the transform that puts a text `lines` lines above a row's marks (x in axes
        fraction, y in the rows' units)."""
        return axis.get_yaxis_transform() + ScaledTranslation(
            0, self.mark / 2 + LIFT + lines * LINE, axis.figure.dpi_scale_trans)

    def draw(self, axis) -> None:
        """Writes the labels above their rows and sets the axes' vertical extent."""
        axis.set_yticks([])
        axis.spines["left"].set_visible(False)
        place = self.lift(axis, self.extra)
        for row, label in enumerate(self.labels):
            axis.text(0, row, label, transform=place, ha="left", va="bottom", fontsize=SMALL, color=TEXT)
        axis.set_ylim(self.bottom, self.top)

    def zero_line(self, axis) -> None:
        """Draws the zero line through each row's marks only, not through the labels."""
        half = self.units(self.mark / 2 + 0.04)
        rows = np.arange(len(self.labels))
        axis.vlines(np.zeros(len(rows)), rows - half, rows + half, color="#444444", linewidth=0.9)


def stack(figure: Figure, axes: Sequence, heights: Sequence[float], above: Sequence[float],
           left: float = 0.05, right: float = 0.1, below: float = 0.6) -> None:
    """Sizes the figure WIDTH wide and places its axes one under another: each `heights[i]`
    inches tall with `above[i]` inches over it (for a title), `left` and `right` inches beside
    them and `below` inches under the last (for its axis)."""
    height = sum(heights) + sum(above) + below
    figure.set_size_inches(WIDTH, height)
    top = height
    for axis, tall, space in zip(axes, heights, above, strict=True):
        top -= space + tall
        axis.set_position([left / WIDTH, top / height, (WIDTH - left - right) / WIDTH, tall / height])


def legend_columns(labels: Sequence[str], room: float, handle: float = 0.42) -> int:
    """Returns how many legend entries fit side by side in `room` inches (as matplotlib lays out
    a legend's columns: each as wide as its widest entry)."""
    widths = [text_width(label) + handle for label in labels]
    for columns in range(len(widths), 1, -1):
        per_column = [max(widths[c::columns]) for c in range(columns)]
        if sum(per_column) <= room:
            return columns
    return 1


def across(entries: list, columns: int) -> list:
    """Returns legend entries in the order that makes matplotlib, which fills a legend column by
    column, show them row by row: read left to right, as the scale runs."""
    return [entry for column in range(columns) for entry in entries[column::columns]]


def legend_above(axis, handles: list) -> float:
    """Puts the legend above the axes, as many entries a row as fit, read row by row; returns
    the inches it takes."""
    labels = [handle.get_label() for handle in handles]
    columns = legend_columns(labels, WIDTH - 0.3)
    axis.legend(handles=across(handles, columns), loc="lower left", bbox_to_anchor=(0, 1.0), ncol=columns,
                borderaxespad=0.2, handletextpad=0.3, columnspacing=1.0, fontsize=SMALL)
    lines = [label.count("\n") + 1 for label in labels]
    return 0.12 + sum(0.06 + LINE * max(lines[row:row + columns]) for row in range(0, len(lines), columns))


def under(axis, inches: float):
    """Returns a transform for a legend anchored `inches` below the axes' bottom left."""
    return axis.transAxes + ScaledTranslation(0, -inches, axis.figure.dpi_scale_trans)


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
