"""`make gallery`: every chart for every site as PNG in OUT/gallery/, with a page to view them."""

import html
from pathlib import Path

from helpers.analysis import network_charts, site_charts
from helpers.load import load_all
from helpers.params import read_all_params


def main(args) -> int:
    """Writes OUT/gallery/<site>/<chart>.png for every site and the network; returns 0."""
    tallies = load_all(args.data)
    sites = read_all_params(args.params, list(tallies.sites["site"]))
    folder = Path(args.out) / "gallery"
    groups = {"network": network_charts(tallies, min(p.min_n for p in sites))}
    groups |= {p.site: site_charts(tallies, p.site, p.min_n) for p in sites}
    items = []
    for group, charts in groups.items():
        (folder / group).mkdir(parents=True, exist_ok=True)
        for chart in charts:
            path = folder / group / f"{chart.name}.png"
            path.write_bytes(chart.png())
            items.append(
                f'<figure><img src="{group}/{chart.name}.png" alt="{html.escape(chart.alt)}">'
                f"<figcaption><b>{html.escape(group)}: {html.escape(chart.title)}</b><br>"
                f"{html.escape(chart.description)}</figcaption></figure>"
            )
            print(f"  {path}")
    (folder / "index.html").write_text(
        "<!doctype html><meta charset='utf-8'><title>Chart gallery</title>"
        "<style>body{font-family:sans-serif;max-width:1100px;margin:auto}"
        "img{max-width:100%;border:1px solid #ddd}figure{margin:2em 0}</style>"
        "<h1>Chart gallery</h1>" + "".join(items), encoding="utf-8")
    print(f"{len(items)} charts in {folder}/ (open index.html)")
    return 0
