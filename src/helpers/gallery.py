"""`make gallery`: every chart of every report of a dataset as PNG in OUT/gallery/<dataset>/."""

import html
from pathlib import Path

from helpers.load import load_dataset
from helpers.report import Chart
from helpers.report.layout import sections


def report_charts(dataset, site: str | None, min_n: int) -> list[Chart]:
    """Returns every chart a site's report (or, without a site, the network's) shows, in the
    order of its page (helpers.report.layout)."""
    notebook = "site_report" if site is not None else "network_overview"
    return [part for section in sections(notebook, dataset, site, min_n) for part in section.parts
            if isinstance(part, Chart)]


def main(args) -> int:
    """Writes OUT/gallery/<dataset>/<report>/<chart>.png and an index page; returns 0."""
    dataset = load_dataset(args.data)
    min_n = dataset.codebook.dataset.min_n
    folder = Path(args.out) / "gallery" / dataset.id
    groups = {"network": report_charts(dataset, None, min_n)}
    groups |= {site: report_charts(dataset, site, min_n) for site in dataset.site_ids}
    items = []
    for group, charts in groups.items():
        (folder / group).mkdir(parents=True, exist_ok=True)
        for chart in charts:
            path = folder / group / f"{chart.name}.png"
            path.write_bytes(chart.png())
            items.append(
                f'<figure><img src="{group}/{chart.name}.png" alt="{html.escape(chart.alt)}">'
                f"<figcaption><b>{html.escape(group)}: {html.escape(chart.title)}</b><br>"
                f"{html.escape(chart.description)}</figcaption></figure>")
    (folder / "index.html").write_text(
        "<!doctype html><html lang='en'><meta charset='utf-8'><title>Chart gallery</title>"
        "<style>body{font-family:sans-serif;max-width:1100px;margin:auto}"
        "img{max-width:100%;border:1px solid #ddd}figure{margin:2em 0}</style>"
        f"<h1>Chart gallery: {html.escape(dataset.codebook.dataset.partnership)}</h1>"
        + "".join(items), encoding="utf-8")
    print(f"{len(items)} charts in {folder}/ (open index.html)")
    return 0
