"""data/ against the brief's own text, cell by cell.

fixtures/brief_tables.txt is the "data tables" part of the TFS brief copied
verbatim (tab-separated, as published). Every published cell must be in data/,
printed back the way the brief prints it, and data/ must hold nothing else.
"""

import pytest

from helpers.load import ALL_SITES, GROUPS, LEVELS, TOTAL

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


def printed(value: float, decimals: int) -> str:
    """Returns a percentage the way the brief prints it."""
    return f"{value:.{decimals}f}%"


def test_the_fixture_holds_every_table_of_the_brief():
    assert len(TABLES) == 8


def test_participants_by_level(tallies):
    header, *rows = TABLES["number of interview and focus group participants in each round by "
                           "TFS partnership level"]
    assert header == ["stakeholder group", "R1 participants", "R2 participants",
                      "total participants"]
    loaded = tallies.participants_by_level.pivot(
        index="stakeholder_group", columns="round", values="participants")
    for label, *cells in rows:
        key = TOTAL if label == "TOTAL PARTICIPANTS" else label
        assert [str(loaded.at[key, r]) for r in ("R1", "R2", TOTAL)] == cells, label
    assert loaded.size == 3 * len(rows)


def test_participants_by_site(tallies):
    header, *rows = TABLES["number of participants in each round"]
    assert header[1:] == ["R1 participants", "R2 participants", "survey participants",
                          "total participants"]
    slugs = dict(zip(tallies.sites["name"], tallies.sites["site"], strict=True))
    loaded = tallies.participants_by_site.pivot(index="site", columns="round",
                                                values="participants")
    for label, *cells in rows:
        key = TOTAL if label == "TOTAL PARTICIPANTS" else slugs[label]
        assert [str(loaded.at[key, r]) for r in ("R1", "R2", "survey", TOTAL)] == cells, label
    assert loaded.size == 4 * len(rows)


def test_improvements(tallies):
    header, *rows = TABLES["improvements from the first year of TFS implementation"]
    slugs = dict(zip(tallies.sites["name"], tallies.sites["site"], strict=True))
    columns = [slugs[name] for name in header[1:-1]] + [ALL_SITES]
    assert header[-1] == "average: all TFS sites"
    table = tallies.improvements.set_index(["area", "site"])
    for area, *cells in rows:
        got = [printed(table.at[(area, s), "percent"], table.at[(area, s), "decimals"])
               for s in columns]
        assert got == cells, area
    assert len(table) == len(rows) * len(columns)


def test_involvement(tallies):
    header, *rows = TABLES["percent of respondents who agree or strongly agree:"]
    assert header[0] == "statement"
    assert header[3] == "difference"
    table = tallies.involvement.set_index(["statement", "group"])
    for statement, *cells in rows:
        got = [printed(table.at[(statement, g), "percent"], table.at[(statement, g), "decimals"])
               for g in [*GROUPS, "difference"]]
        assert got == cells, statement
    assert len(table) == 3 * len(rows)


@pytest.mark.parametrize(
    ("title", "section", "group"),
    [
        ("purposeful engagement and cross-sector partnerships: organizational partners "
         "(TFS is part of their job)",
         "purposeful engagement and cross-sector partnerships", "organizational"),
        ("purposeful engagement and cross-sector partnerships: community partners "
         "(TFS is *not* part of their job)",
         "purposeful engagement and cross-sector partnerships", "community"),
        ("students at the center: organizational partners (TFS is part of their job)",
         "students at the center", "organizational"),
        ("students at the center: community partners (TFS is *not* part of their job)",
         "students at the center", "community"),
    ],
)
def test_likert(tallies, title, section, group):
    header, *rows = TABLES[title]
    assert header == ["total responses", *LEVELS]
    statements = tallies.statements
    statements = statements[(statements["section"] == section) & (statements["group"] == group)]
    assert list(statements["statement"]) == [row[0] for row in rows]
    likert = tallies.likert.set_index(["group", "topic", "level"])
    for (_, statement), (statement_text, *cells) in zip(statements.iterrows(), rows, strict=True):
        assert statement["statement"] == statement_text
        got = [printed(likert.at[(group, statement["topic"], level), "percent"],
                       likert.at[(group, statement["topic"], level), "decimals"])
               for level in LEVELS]
        assert got == cells, statement_text


def test_likert_holds_only_the_published_rows(tallies):
    assert len(tallies.likert) == 14 * len(LEVELS)


def test_narrative_figures_are_quoted_from_the_brief(tallies):
    brief_text = (FIXTURES / "brief_narrative.txt").read_text(encoding="utf-8")
    for quote in tallies.narrative.itertuples():
        assert quote.quote in brief_text
        assert printed(quote.percent, quote.decimals) in quote.quote
