"""The reports a run makes, by kind, and the index page of every report rendered into OUT.

The index is written from the runs' state files (one per dataset and language, OUT/state/), so
that it lists what is on disk whichever run wrote it. Imports only the standard library and the
package's language at the top: a run with nothing to do writes no index and imports nothing more.
"""

import json
from pathlib import Path

from helpers import language as languages
from helpers.language import N_, _
from helpers.paths import SNAPSHOT_PAGE
from helpers.publish import write_atomically

SITE_NOTEBOOK = "site_report.ipynb"
# a page per site for its families (helpers.snapshot)
SNAPSHOT = (SNAPSHOT_PAGE, "family_snapshot.ipynb", N_("{site}: family snapshot"))
NETWORK = ("network", "network_overview.ipynb", N_("Network overview"))
QUALITY = ("data-quality", "data_quality.ipynb", N_("Data quality"))
KINDS = {Path(SITE_NOTEBOOK).stem: N_("Site report"), Path(SNAPSHOT[1]).stem: N_("Family snapshot"),
         Path(NETWORK[1]).stem: N_("Network overview"),
         Path(QUALITY[1]).stem: N_("Data quality")}  # the index's filter; other notebooks by their name


def read_state(path: Path) -> dict:
    """Returns what the last runs of a dataset recorded about each report, by name."""
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (FileNotFoundError, json.JSONDecodeError):
        return {}


def journal_of(state: Path) -> Path:
    """Returns the file beside a run's state file where the run notes each report as it finishes
    (:func:`note`), so that a run killed half-way, which never writes its state, is resumed where
    it stopped: the next run counts what the journal holds as done (:func:`read_journal`)."""
    return Path(state).with_suffix(".journal")


def note(journal, record: dict) -> None:
    """Appends a finished report's record, a line of JSON, to an open journal, flushed: a kill -9
    loses nothing written before it (the kernel has it), at most the line being written."""
    journal.write(json.dumps(record, sort_keys=True) + "\n")
    journal.flush()


def read_journal(path: Path) -> dict:
    """Returns the records a run's journal holds, by report name: the reports a run stopped before
    it wrote its state finished. A last line cut short by the kill is left out."""
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except FileNotFoundError:
        return {}
    records = {}
    for line in lines:
        try:
            record = json.loads(line)
        except json.JSONDecodeError:
            continue
        records[record["name"]] = record
    return records


def write_index(out: Path) -> None:
    """Writes OUT/html/index.html, in English: every report of every dataset rendered into OUT in
    each language, as a card with its kind, status, date, headline (in the report's language) and
    PDF where `make pdf` made one (helpers.pdf). With scripts on, a small script in the page finds
    and filters the cards (by words of the name or headline, dataset, language and kind), opened
    straight from disk; with scripts off the page is the complete list."""
    import jinja2

    from helpers.paths import TEMPLATES

    sets, datasets, kinds = [], {}, {}
    for path in (Path(out) / "state").glob("*.json"):
        state = read_state(path)
        dataset, _dot, language = path.stem.partition(".")
        about = state.pop("_dataset", {"title": path.stem, "order": sorted(state)})
        language = about.get("language", language or "en")
        folder = dataset if language == "en" else f"{dataset}/{language}"
        records = [state[name] | {"kind": kind_of(state[name]),
                                  "kind_label": kind_label(kind_of(state[name])),
                                  "pdf": (Path(out) / "html" / folder / f"{name}.pdf").is_file()}
                   for name in about["order"] if name in state]
        kinds |= {record["kind"]: kind_label(record["kind"]) for record in records}
        if language == "en" or dataset not in datasets:
            datasets[dataset] = about["title"]
        sets.append({"id": path.stem.replace(".", "-"), "title": about["title"], "records": records,
                     "dataset": dataset, "language": language,
                     "language_name": languages.NAMES.get(language, language), "folder": folder})
    sets.sort(key=lambda s: (s["folder"].split("/")[0], s["language"] != "en", s["language"]))
    with languages.speaking("en"):
        environment = jinja2.Environment(loader=jinja2.FileSystemLoader(str(TEMPLATES)),
                                         autoescape=True, keep_trailing_newline=True)
        environment.globals["_"] = _
        css = (TEMPLATES / "staff" / "report.css").read_text(encoding="utf-8")
        page = environment.get_template("index.html.j2").render(
            datasets=sets, css=css, dataset_names=sorted(datasets.items(), key=lambda kv: kv[1]),
            languages=sorted({(s["language"], s["language_name"]) for s in sets}),
            kinds=sorted(kinds.items(), key=lambda kv: list(KINDS).index(kv[0]) if kv[0] in KINDS else 99),
            total=sum(len(s["records"]) for s in sets))
    write_atomically(Path(out) / "html" / "index.html", page.encode("utf-8"))


def kind_of(record: dict) -> str:
    """Returns which kind of report a record of the state is: its notebook's name (recorded since
    the index filters by kind; guessed from the report's name for a state written before)."""
    if record.get("kind"):
        return record["kind"]
    known = {NETWORK[0]: NETWORK[1], QUALITY[0]: QUALITY[1]}
    return Path(known.get(record.get("name", ""), SITE_NOTEBOOK)).stem


def kind_label(kind: str) -> str:
    """Returns the index's word for a kind of report: its own, or the notebook's name in words."""
    return _(KINDS[kind]) if kind in KINDS else kind.replace("_", " ").capitalize()
