"""A papermill engine that runs a notebook inside a process already warm with the heavy imports.

papermill's own engine starts a Jupyter kernel for every notebook; the kernel then
spends seconds importing pandas, matplotlib and statsmodels before the first cell
does any work. Here the renderer's worker processes are forked from a server that
imported this module once (multiprocessing's forkserver with this module
preloaded), and each worker renders exactly one report and exits. So every report
still gets a fresh interpreter with nothing left over from another report, but
none of them pays for the imports again.

Cells run in an IPython shell, as in a kernel: the last expression's rich
representation becomes an execute_result, display() calls become display_data,
printed text becomes streams and an exception becomes an error output, which
papermill turns into a PapermillExecutionError as usual. So does an exception that IPython
would only print: a rich representation that raises (a kernel sends it as an error output but
lets the cell go on), so that no section can go missing from a page without the report
failing. Notebooks still run unchanged in JupyterLab's kernel; the tests check that both
engines give the same HTML.
"""

import sys
import traceback

import matplotlib

matplotlib.use("Agg")

import nbformat
from IPython.core.displayhook import DisplayHook
from IPython.core.interactiveshell import InteractiveShell
from IPython.utils.capture import capture_output
from papermill.engines import Engine, papermill_engines

ENGINE_NAME = "warm-process"


class RecordingDisplayHook(DisplayHook):
    """Keeps the rich representation of each cell's last expression instead of printing it."""

    results: list

    def write_output_prompt(self):
        pass

    def write_format_data(self, format_dict, md_dict=None):
        self.results.append((format_dict, md_dict or {}))

    def finish_displayhook(self):
        pass


class ReportShell(InteractiveShell):
    """An IPython shell that records results the way a kernel would send them, and every
    exception it shows: one raised by the cell's code, and one that IPython only prints, such as
    a rich representation (a chart's _repr_html_) that raised while the cell's code did not."""

    displayhook_class = RecordingDisplayHook
    shown: list

    def showtraceback(self, exc_tuple=None, *args, **kwargs):
        try:
            self.shown.append(self._get_exc_info(exc_tuple)[1])
        except ValueError:  # nothing to show
            return
        super().showtraceback(exc_tuple, *args, **kwargs)

    def _showtraceback(self, etype, evalue, stb):
        pass  # each exception becomes the cell's error output instead (run_cell)


def shell() -> ReportShell:
    """Returns this process's shell, created on first use (in the forkserver when preloaded).

    Its history stays in memory: reports running side by side share no history file.
    """
    from traitlets.config import Config

    config = Config()
    config.HistoryManager.enabled = False
    return ReportShell.instance(colors="nocolor", config=config)


def run_cell(source: str, count: int) -> tuple[list, bool]:
    """Runs one cell; returns its nbformat outputs and whether it raised."""
    current = shell()
    current.displayhook.results, current.shown = [], []
    with capture_output(stdout=True, stderr=True, display=True) as captured:
        result = current.run_cell(source, store_history=True, silent=False)
    outputs = []
    errors = list(dict.fromkeys([*current.shown, result.error_before_exec or result.error_in_exec]))
    errors = [error for error in errors if error is not None]
    if captured.stdout:
        outputs.append(nbformat.v4.new_output("stream", name="stdout", text=captured.stdout))
    if captured.stderr:
        outputs.append(nbformat.v4.new_output("stream", name="stderr", text=captured.stderr))
    for output in captured.outputs:
        outputs.append(nbformat.v4.new_output("display_data", data=output.data,
                                              metadata=output.metadata or {}))
    for data, metadata in current.displayhook.results:
        outputs.append(nbformat.v4.new_output("execute_result", data=data, metadata=metadata,
                                              execution_count=count))
    for error in errors:
        outputs.append(nbformat.v4.new_output(
            "error", ename=type(error).__name__, evalue=str(error),
            traceback=traceback.format_exception(type(error), error, error.__traceback__),
        ))
    return outputs, bool(errors)


_LAST: list = []


def last_notebook():
    """Returns the notebook this process executed last, errors included, or None."""
    return _LAST[-1] if _LAST else None


class WarmEngine(Engine):
    """papermill engine: executes the cells in this (freshly forked, pre-warmed) process."""

    @classmethod
    def execute_managed_notebook(cls, nb_man, kernel_name, **kwargs):
        _LAST[:] = [nb_man.nb]
        count = 0
        for index, cell in enumerate(nb_man.nb.cells):
            if cell.cell_type != "code":
                continue
            nb_man.cell_start(cell, index)
            count += 1
            cell.outputs, failed = run_cell(cell.source, count)
            cell.execution_count = count
            if failed:
                nb_man.cell_exception(cell, index)
                nb_man.cell_complete(cell, index)
                break
            nb_man.cell_complete(cell, index)
        sys.stdout.flush()


papermill_engines.register(ENGINE_NAME, WarmEngine)


def warm_up() -> None:
    """Does once, in the forkserver, what every report would otherwise do first: import the
    helpers, compile the HTML template, draw a chart and start the shell."""
    import pandas as pd

    from helpers import analysis, canvas, charts, checks, export, load, report, svg  # noqa: F401
    from helpers.paths import NOTEBOOKS

    figure, axes = canvas.new_figure(1, 1)
    axes[0, 0].plot([0, 1], [0, 1])
    axes[0, 0].set_title("warm")
    svg.svg(figure)
    pd.DataFrame({"a": [1.0]}).to_html()
    # A notebook through the same steps as a report (parameters, cells, outputs, export,
    # writing), so that nbformat's schema validators and the template are built here, once.
    import papermill

    cell = nbformat.v4.new_code_cell("warm = False")
    cell.metadata["tags"] = ["parameters"]
    shown = nbformat.v4.new_code_cell("from IPython.display import HTML\nHTML(f'<p>{warm}</p>')")
    notebook = nbformat.v4.new_notebook(cells=[cell, shown], metadata={"kernelspec": {
        "name": "python3", "display_name": "Python 3", "language": "python"}})
    executed = papermill.execute_notebook(notebook, None, parameters={"warm": True},
                                          engine_name=ENGINE_NAME, kernel_name="python3",
                                          progress_bar=False, log_output=False)
    export.exporter().from_notebook_node(executed)
    nbformat.writes(executed)
    for path in NOTEBOOKS.glob("*.ipynb"):  # the reports' own nbformat version
        nbformat.validate(nbformat.read(path, as_version=4))
