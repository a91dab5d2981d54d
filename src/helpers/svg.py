"""A drawn figure as bytes: SVG with text as text, cropped to what was drawn and written compactly,
or PNG. Drawing is helpers.charts'; this module only writes what it drew, the same bytes for the
same figure."""

import hashlib
import io
import re

import matplotlib
import numpy as np
from matplotlib.backends.backend_svg import RendererSVG
from matplotlib.figure import Figure
from matplotlib.transforms import Affine2D, Bbox

from helpers.canvas import house_style, text_size

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
    bottom left: a text by its measured extent (:func:`text_size`, filled when the text was
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
        return text_size(s, prop.copy(), ismath)

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
