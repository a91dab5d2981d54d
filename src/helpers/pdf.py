"""`make pdf`: every rendered report printed to PDF beside its HTML, by headless Chromium.

Playwright drives Debian's chromium (the set-up of the browser tests and `make screenshots`),
with the page's print stylesheet (report.css: the title and page numbers in the margins).
The PDF is tagged for screen readers, with an outline of the headings, and gives the same bytes
for the same page: Chromium writes the clock into CreationDate and ModDate, which are set again
(pypdf) to SOURCE_DATE_EPOCH, or the commit's time, as the pages' footers are.

A report's PDF lies in the folder of the report's current version
(html/<dataset>/_reports/<report>/<report>.pdf, see helpers.publish.publish), behind the fixed
address <report>.pdf beside its HTML. A report rendered again is a new version without a PDF, and
its old PDF's address goes with the switch, so no PDF ever outlives the page it was printed from;
`make pdf` prints just the versions that have none (incremental, as `make reports` is). Each PDF
is written under a temporary name and renamed into place: a failed or killed run leaves no
half-written PDF. The index links each report's PDF where one exists.
"""

import os
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

CHROMIUM = "/usr/bin/chromium"
# As this machine's browser tests start Chromium: no background traffic, no sandbox as root.
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync"]


def chromium_path() -> str:
    """Returns Debian's chromium, which `make test` and `make pdf` install when it is missing."""
    import shutil

    path = shutil.which("chromium") or (CHROMIUM if Path(CHROMIUM).exists() else None)
    if path is None:
        raise RuntimeError("chromium is not installed: `make pdf` installs it "
                           "(apt-get install chromium)")
    return path


# Chromium prints a link to another file as its absolute address on this machine
# (file:///home/.../<site>_family.html): on paper, or on another machine, that address leads
# nowhere and tells where the reports were made, so such links print as their words alone.
# Links within the page stay (they become the PDF's own links), as do links to the web.
UNLINK_FILES = """() => {
  const here = location.href.split('#')[0];
  for (const a of document.querySelectorAll('a[href]')) {
    const target = new URL(a.href);
    if (target.protocol === 'file:' && target.href.split('#')[0] !== here) a.removeAttribute('href');
  }
}"""


def print_page(page) -> bytes:
    """Returns the open page printed as the reports print: US Letter, margins and running title
    from the page's @page rules, backgrounds kept, tagged, with an outline of its headings; links
    to other files print as their words (UNLINK_FILES)."""
    page.evaluate(UNLINK_FILES)
    return page.pdf(format="Letter", prefer_css_page_size=True, print_background=True,
                    tagged=True, outline=True)


def pdf_date(epoch: int) -> str:
    """Returns the time as a PDF date string, D:YYYYMMDDHHmmSS+00'00' (UTC)."""
    return datetime.fromtimestamp(epoch, UTC).strftime("D:%Y%m%d%H%M%S+00'00'")


def fixed_dates(pdf: bytes, epoch: int | None) -> bytes:
    """Returns the PDF with its creation and modification dates set to the epoch (left out when
    there is none), so the same page gives the same bytes. Chromium writes no file identifier."""
    import io

    from pypdf import PdfReader, PdfWriter

    reader = PdfReader(io.BytesIO(pdf))
    writer = PdfWriter(clone_from=reader)
    dates = ("/CreationDate", "/ModDate")
    kept = {key: value for key, value in (reader.metadata or {}).items() if key not in dates}
    writer.metadata = kept | ({key: pdf_date(epoch) for key in dates} if epoch is not None else {})
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def unprinted(out: Path) -> list[tuple[Path, str]]:
    """Returns each report of OUT/html whose current version has no PDF yet: its version folder
    and its name. Generic over every report the runs have: whatever notebook made the page."""
    from helpers.publish import VERSIONS

    found = []
    for versions in sorted((Path(out) / "html").rglob(VERSIONS)):
        for pointer in sorted(versions.iterdir()):
            if not pointer.is_symlink() or "." in pointer.name:  # a version folder, or a leftover
                continue
            version = versions / os.readlink(pointer)
            page, printed = (version / f"{pointer.name}{suffix}" for suffix in (".html", ".pdf"))
            if page.is_file() and not printed.exists():
                found.append((version, pointer.name))
    return found


def print_reports(out: Path, epoch: int | None) -> tuple[list[str], list[str]]:
    """Prints every report that has no PDF yet (:func:`unprinted`); returns the reports printed
    and the failures, one line each ("report: why"). Each PDF is written under a temporary name in
    its version folder, renamed into place, and linked beside the HTML by one rename."""
    from playwright.sync_api import sync_playwright

    from helpers.publish import VERSIONS, point

    pending = unprinted(out)
    for version, _name in pending:  # what a killed run left
        for leftover in version.glob(".*.pdf.*.tmp"):
            leftover.unlink(missing_ok=True)
    printed, failed = [], []
    if not pending:
        return printed, failed
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium_path(), args=ARGS)
        try:
            for version, name in pending:
                folder = version.parent.parent
                shown = f"{folder.relative_to(Path(out) / 'html').as_posix()}/{name}"
                temporary = version / f".{name}.pdf.{os.getpid()}.tmp"
                try:
                    context = browser.new_context(offline=True)
                    try:
                        page = context.new_page()
                        page.goto((version / f"{name}.html").resolve().as_uri(), wait_until="load")
                        temporary.write_bytes(fixed_dates(print_page(page), epoch))
                    finally:
                        context.close()
                    os.replace(temporary, version / f"{name}.pdf")
                    point(folder / f"{name}.pdf", f"{VERSIONS}/{name}/{name}.pdf")
                    printed.append(shown)
                except Exception as error:  # one report's failure must not stop the others
                    temporary.unlink(missing_ok=True)
                    failed.append(f"{shown}: {type(error).__name__}: {str(error).splitlines()[0][:200]}")
        finally:
            browser.close()
    return printed, failed


def main(args) -> int:
    """Runs `impact-reports pdf`; returns 0, 1 if any report failed to print, 3 if busy."""
    from filelock import FileLock, Timeout

    from helpers.index import write_index
    from helpers.provenance import source_time
    from helpers.render import LOCK

    out = Path(args.out)
    if not (out / "html").is_dir():
        print(f"error: no reports in {out / 'html'}: run `make reports` first.", file=sys.stderr)
        return 1
    lock = FileLock(str(out / LOCK), timeout=0)
    try:
        lock.acquire()
    except Timeout:
        print(f"error: a `make reports` or `make pdf` is writing into {out}/; wait for it to finish.",
              file=sys.stderr)
        return 3
    try:
        started = time.perf_counter()
        printed, failed = print_reports(out, source_time())
        if printed:
            write_index(out)
        seconds = time.perf_counter() - started
        if not printed and not failed:
            print(f"Nothing to print: every report's PDF is up to date. {out / 'html' / 'index.html'}")
            return 0
        print(f"{len(printed)} PDFs written, {len(failed)} failed in {seconds:.1f} s. "
              f"{out / 'html' / 'index.html'}")
        for line in failed:
            print(f"error: {line}; no PDF was written for it", file=sys.stderr)
        return 1 if failed else 0
    finally:
        lock.release()
