"""The run of one report: what every call of its notebook is given, instead of a language or
options that the process holds.

A :class:`Run` holds the dataset (loaded in a language: its codebook's texts), the site (None for
the network), the language the report speaks and its options (the minimum base, ``min_n``). The
functions a notebook's cells call take a run (:func:`of_run`) and speak its language for the
length of the call, in that thread or task only, so two reports in two languages can be built in
one process, interleaved, and nothing is switched for the process:

    run = Run(load_dataset(folder, language="es"), "hillcrest", min_n=10)
    report.sites_section(run)                 # in Spanish, whatever other runs speak
"""

import functools
from dataclasses import dataclass

from helpers.language import Language, speaking
from helpers.load import Dataset


@dataclass(frozen=True)
class Run:
    """The dataset, site, language and options of one report's run."""

    dataset: Dataset
    site: str | None = None  # None: the network's report
    min_n: int = 10  # flag figures resting on fewer respondents than this
    language: Language | str | None = None  # a Language or its code; None: the dataset's

    def __post_init__(self):
        code = self.language.code if isinstance(self.language, Language) else self.language
        object.__setattr__(self, "language", Language.of(code or self.dataset.language))

    @property
    def findings(self) -> list:
        """Returns the checks' findings on the dataset (computed once for the dataset)."""
        from helpers.checks import run_checks

        return run_checks(self.dataset)

    def speaking(self):
        """Returns a context in which the phrases speak the run's language (this thread only)."""
        return speaking(self.language)


def of_run(*names: str):
    """Returns a decorator that makes a function of some of a run's things (``dataset``, ``site``,
    ``min_n``, ``findings``, in that function's order) a function of a run: called with a run and
    any further arguments, it is given those things and speaks the run's language for the call."""
    def decorate(function):
        @functools.wraps(function)
        def called(run: Run, *args, **kwargs):
            with run.speaking():
                return function(*(getattr(run, name) for name in names), *args, **kwargs)
        return called
    return decorate
