"""data/tfs against the brief's own text, cell by cell.

fixtures/brief_tables.txt is the "data tables" part of the TFS brief copied verbatim
(tab-separated, as published). Every published cell must be in data/tfs, printed
back the way the brief prints it, and data/tfs must hold nothing else.
"""

from .conftest import FIXTURES


def brief_tables() -> dict[str, list[list[str]]]:
    """Returns each published table by its title: the header and rows, split on tabs."""
    tables, title = {}, None
    for line in (FIXTURES / "brief_tables.txt").read_text(encoding="utf-8").splitlines():
        if "\t" not in line:
            title = line
        else:
            tables.setdefault(title, []).append(line.split("\t"))
    return tables


TABLES = brief_tables()
TOTAL_ROW = "TOTAL PARTICIPANTS"


def printed(value: float, decimals: int) -> str:
    """Returns a percentage the way the brief prints it."""
    return f"{value:.{decimals}f}%"


def figures_of(tfs, table: str) -> dict:
    """Returns one table's figures as printed, by (site, group, item, answer, aggregate)."""
    rows = tfs.figures[tfs.figures["table"] == table]
    return {(r.site, r.group, r.item, r.answer, r.aggregate): printed(r.percent, r.decimals)
            for r in rows.itertuples()}


def test_the_fixture_holds_every_table_of_the_brief():
    assert len(TABLES) == 8


def headcounts_of(tfs, table: str) -> dict:
    rows = tfs.headcounts[tfs.headcounts["table"] == table]
    return {(r.value or r.site, r.activity): str(r.count) for r in rows.itertuples()}


def test_participants_by_level(tfs):
    header, *rows = TABLES["number of interview and focus group participants in each round by "
                           "TFS partnership level"]
    assert header == ["stakeholder group", "R1 participants", "R2 participants", "total participants"]
    values = {v.label: v.id for v in tfs.codebook.characteristic("partnership-level").values}
    loaded = headcounts_of(tfs, "participants-by-level")
    for label, *cells in rows:
        key = "" if label == TOTAL_ROW else values[label]
        assert [loaded[(key, a)] for a in ("r1", "r2", "")] == cells, label
    assert len(loaded) == 3 * len(rows)


def test_participants_by_site(tfs):
    header, *rows = TABLES["number of participants in each round"]
    assert header[1:] == ["R1 participants", "R2 participants", "survey participants",
                          "total participants"]
    sites = {s.name: s.id for s in tfs.codebook.sites}
    loaded = headcounts_of(tfs, "participants-by-site")
    for label, *cells in rows:
        key = "" if label == TOTAL_ROW else sites[label]
        assert [loaded[(key, a)] for a in ("r1", "r2", "survey", "")] == cells, label
    assert len(loaded) == 4 * len(rows)


def test_improvements(tfs):
    header, *rows = TABLES["improvements from the first year of TFS implementation"]
    sites = {s.name: s.id for s in tfs.codebook.sites}
    assert header[-1] == "average: all TFS sites"
    columns = [(sites[name], "") for name in header[1:-1]] + [("", "mean")]
    options = {o.label: o.id for o in tfs.codebook.item("improvements").options}
    loaded = figures_of(tfs, "improvements")
    for area, *cells in rows:
        got = [loaded[(s, "", "improvements", options[area], aggregate)] for s, aggregate in columns]
        assert got == cells, area
    assert len(loaded) == len(rows) * len(columns)


def test_involvement(tfs):
    header, *rows = TABLES["percent of respondents who agree or strongly agree:"]
    assert header[0] == "statement"
    assert header[1].startswith("organizational partners")
    assert header[2].startswith("community partners")
    assert header[3] == "difference"
    items = {i.wording_for("organizational"): i.id for i in tfs.codebook.items if i.kind == "scale"}
    loaded = figures_of(tfs, "involvement")
    for statement, *cells in rows:
        item = items[statement]
        got = [loaded[("", "organizational", item, "positive", "")],
               loaded[("", "community", item, "positive", "")],
               loaded[("", "community-vs-organizational", item, "positive", "difference")]]
        assert got == cells, statement
    assert len(loaded) == 3 * len(rows)


def test_full_likert_tables(tfs):
    groups = {g.id: g.label for g in tfs.codebook.groups}
    levels = {lv.label: lv.id for lv in tfs.codebook.scales[0].levels}
    loaded = figures_of(tfs, "likert")
    seen = 0
    for title, (header, *rows) in TABLES.items():
        if ": " not in title or not title.split(": ")[1].startswith(tuple(groups.values())):
            continue
        section, rest = title.split(": ", 1)
        group = next(g for g, label in groups.items() if rest.startswith(label))
        assert header[0] == "total responses"
        items = {i.wording_for(group): i for i in tfs.codebook.items if i.section == section}
        for statement, *cells in rows:
            item = items[" ".join(statement.split())]
            got = [loaded[("", group, item.id, levels[label], "")] for label in header[1:]]
            assert got == cells, (title, statement)
            seen += len(cells)
    assert seen == len(loaded) == 84


def test_quotes_are_verbatim_from_the_brief():
    narrative = (FIXTURES / "brief_narrative.txt").read_text(encoding="utf-8")
    from helpers.load import load_dataset

    from .conftest import TFS

    quotes = load_dataset(TFS).quotes
    assert len(quotes) == 6
    for quote in quotes["quote"]:
        assert quote in narrative, quote
