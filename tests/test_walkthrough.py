"""data/README.md's worked example, followed word for word: a survey export and a codebook,
and the reports render with no code change."""

import re

from helpers.load import load_dataset
from helpers.paths import DATA
from helpers.render import render_all
from helpers.tabulate import tabulate_exports

from .conftest import html_of, run_cli


def files_in_readme() -> dict[str, str]:
    """Returns every 'File `path`:' of data/README.md with the fenced block that follows it."""
    text = (DATA / "README.md").read_text(encoding="utf-8")
    return dict(re.findall(r"File `([^`]+)`:\s*\n\s*```\w*\n(.*?)```", text, re.S))


def test_the_worked_example_renders(tmp_path):
    files = files_in_readme()
    assert sorted(files) == ["data/riverbend/codebook.yaml", "data/riverbend/responses.csv"]
    for path, content in files.items():
        target = tmp_path / path
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(content, encoding="utf-8")
    folder = tmp_path / "data" / "riverbend"
    checked = run_cli("check-data", "--data", folder)
    assert checked.returncode == 0, checked.stderr
    dataset = load_dataset(folder)
    figures = tabulate_exports(folder, dataset.codebook)  # as counted, before disclosure control
    welcome = figures[(figures["site"] == "lincoln") & (figures["group"] == "")
                      & (figures["breakdown"] == "") & (figures["item"] == "welcome")].set_index("answer")
    # Lincoln: strongly agree, agree, disagree, agree, don't know, strongly agree.
    assert (welcome.loc["positive", "count"], welcome.loc["positive", "n"]) == (4, 5)
    assert welcome.loc["dont-know", "count"] == 1
    assert dataset.codebook.dataset.disclosure.minimum_base == 5
    assert dataset.audit.safe
    assert dataset.audit.withheld > 0  # six answers a school: most figures rest on fewer than five
    results = render_all(folder, tmp_path / "params", tmp_path / "out", jobs=2, progress=False)
    assert {r.name: r.status for r in results} == {
        "network": "ok", "data-quality": "ok", "lincoln": "ok", "washington": "ok", "lincoln_family": "ok",
        "washington_family": "ok"}
    page = html_of(tmp_path / "out", "lincoln", "riverbend").read_text()
    assert "Riverbend Partnership: Lincoln Elementary" in page
    assert "By home language" in page
