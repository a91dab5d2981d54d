"""Survey tools' exports read as they come (helpers.tools): each tool's header rows, codes,
option columns and marks, counted against the made-up people devtools/make_exports.py wrote."""

import csv
import io
import random
from collections import Counter

import pytest
import yaml

from devtools import make_exports as make
from helpers.codebook import NOT_STATED
from helpers.errors import InputError
from helpers.load import load_dataset
from helpers.tabulate import read_exports, tabulate
from helpers.tools import read, recognise

from .conftest import run_cli

SEED = 2026
TOOL_NUMBER = {tool: number for number, tool in enumerate(make.TOOLS)}


def crowd(tool: str, count: int, blank_school: float = 0.0) -> list[dict]:
    """Returns the people a tool's generator drew first (each tool has its own seeded generator)."""
    return make.people(random.Random(SEED * 100 + TOOL_NUMBER[tool]), count, blank_school)


@pytest.fixture(scope="module")
def exports(tmp_path_factory):
    folder = tmp_path_factory.mktemp("exports")
    make.write(folder, SEED)
    return folder


def codebook(folder, export: dict, columns: dict, options: list | None = None, other: str = "",
             separator: str = ";", **extra) -> None:
    """Writes a codebook for the synthetic survey of devtools/make_exports.py, its columns named."""
    agree = [{"id": f"a{n}", "label": label, "side": "negative" if n < 2 else "positive"}
             for n, label in enumerate(make.AGREE)] + [{"id": "dk", "label": make.DONT_KNOW, "side": "apart"}]
    supports = {"id": "supports", "kind": "choose-any", "label": "Supports", "separator": separator,
                "options": options or [{"id": f"s{n}", "label": label} for n, label in
                                       enumerate([*make.SUPPORTS, "Other"])]}
    if "supports" in columns:
        supports["column"] = columns["supports"]
    if other:
        supports["other"] = other
    book = {
        "dataset": {"id": "tool", "title": "Synthetic", "partnership": "Synthetic", "source": "synthetic",
                    "published": False, "synthetic": True, "disclosure": {"minimum_base": 5}},
        "sites": [{"id": f"school-{n}", "name": name} for n, name in enumerate(make.SCHOOLS)],
        "groups": [{"id": f"role-{n}", "label": name} for n, name in enumerate(make.ROLES)],
        "waves": extra.pop("waves", [{"id": "1", "label": "the survey"}]),
        "scales": [{"id": "agree", "levels": agree, "positive_label": "agree"},
                   {"id": "yes-no", "levels": [{"id": "no", "label": "No", "side": "negative"},
                                               {"id": "yes", "label": "Yes", "side": "positive"}]}],
        "items": [{"id": "welcome", "kind": "scale", "scale": "agree", "label": "Welcome",
                   "column": columns["welcome"]},
                  {"id": "event", "kind": "yes-no", "scale": "yes-no", "label": "Event",
                   "column": columns["event"]}, supports],
        "characteristics": [{"id": "language", "label": "home language", "column": columns["language"],
                             "values": [{"id": f"l{n}", "label": label}
                                        for n, label in enumerate(make.LANGUAGES)]}],
        "exports": [export],
        **extra,
    }
    (folder / "codebook.yaml").write_text(yaml.safe_dump(book, sort_keys=False), encoding="utf-8")


def network(figures, item: str, breakdown: str = "") -> dict:
    """Returns the all-sites, all-groups counts of an item's answers (first wave)."""
    wave = figures["wave"].iloc[0]
    rows = figures[(figures["site"] == "") & (figures["group"] == "") & (figures["item"] == item)
                   & (figures["breakdown"] == breakdown) & (figures["wave"] == wave)]
    return dict(zip(rows["answer"], rows["count"].astype(int), strict=True))


def expected_welcome(people: list[dict]) -> dict:
    counts = Counter(p["welcome"] for p in people if p["welcome"] is not None)
    return {**{f"a{n}": counts[n] for n in range(4)}, "dk": counts[4]}


def expected_supports(people: list[dict]) -> dict:
    counts = Counter(n for p in people for n in p["supports"])
    return {**{f"s{n}": counts[n] for n in range(3)}, "s3": sum(1 for p in people if p["other"])}


def test_each_export_is_recognised_from_its_own_shape(exports):
    seen = {}
    for tool, name in [("qualtrics", "synthetic-qualtrics.csv"),
                       ("qualtrics", "synthetic-qualtrics-values.csv"),
                       ("surveymonkey", "synthetic-surveymonkey.csv"),
                       ("google-forms", "synthetic-google-forms.csv"), ("redcap", "synthetic-redcap.csv")]:
        lines = (exports / tool / name).read_text(encoding="utf-8-sig").splitlines()
        import csv
        header, second = list(csv.reader(lines[:2]))
        seen[name] = recognise(exports / tool / name, header, second)
    assert seen == {"synthetic-qualtrics.csv": "qualtrics", "synthetic-qualtrics-values.csv": "qualtrics",
                    "synthetic-surveymonkey.csv": "surveymonkey",
                    "synthetic-google-forms.csv": "google-forms", "synthetic-redcap.csv": "redcap"}
    assert recognise(exports / "spss" / "synthetic-spss.sav", []) == "spss"
    assert recognise(exports / "plain.csv", ["Response ID", "School"], ["1", "Lincoln"]) == "plain"


def test_qualtrics_header_rows_are_metadata_and_unfinished_or_preview_responses_are_left_out(exports):
    folder = exports / "qualtrics"
    people = crowd("qualtrics", 170)
    codebook(folder, {"file": "synthetic-qualtrics.csv", "wave": "1", "site_column": "Q1",
                      "group_column": "Q2", "id_column": "ResponseId"},
             {"welcome": "Q3_1", "event": "Q4", "supports": "Q5", "language": "Q6"},
             other="s3", separator=",", options=[{"id": f"s{n}", "label": label} for n, label in
                                                 enumerate([*make.SUPPORTS, make.OTHER])])
    answers, left_out = read_exports(folder, load_codebook(folder))
    kept = [p for p in people if p["finished"] and not p["preview"]]
    assert left_out == {"synthetic-qualtrics.csv": {
        "preview": sum(p["preview"] for p in people),
        "unfinished": sum(not p["finished"] and not p["preview"] for p in people)}}
    assert answers["row"].min() == 4  # names, question texts and ImportIds are rows 1 to 3
    checked = run_cli("check-data", "--data", folder)
    assert checked.returncode == 0, checked.stderr
    counts = left_out["synthetic-qualtrics.csv"]
    assert (f"synthetic-qualtrics.csv: left out as its survey tool marks them, {counts['preview']} preview, "
            f"{counts['unfinished']} unfinished.") in checked.stdout
    figures = tabulate(answers, load_codebook(folder))
    assert network(figures, "welcome") == {
        **expected_welcome(kept), "positive": sum(1 for p in kept if p["welcome"] in (2, 3)),
        "negative": sum(1 for p in kept if p["welcome"] in (0, 1))}
    # choices joined with "," where one option holds ", " itself: each counted whole
    assert network(figures, "supports") == expected_supports(kept)


def test_numeric_codes_become_answers_through_the_qsf_and_a_column_per_choice(exports):
    folder = exports / "qualtrics"
    people = [p for p in crowd("qualtrics", 170) if p["finished"] and not p["preview"]]
    options = [{"id": f"s{n}", "label": label, "column": f"Q5_{n + 1}"}
               for n, label in enumerate([*make.SUPPORTS, make.OTHER])]
    codebook(folder, {"file": "synthetic-qualtrics-values.csv", "dictionary": "survey.qsf", "wave": "1",
                      "site_column": "Q1", "group_column": "Q2"},
             {"welcome": "Q3_1", "event": "Q4", "language": "Q6"}, options=options)
    dataset = load_dataset(folder, shared=False)
    figures = tabulate(read_exports(folder, dataset.codebook)[0], dataset.codebook)
    assert {k: v for k, v in network(figures, "welcome").items() if k not in ("positive", "negative")} \
        == expected_welcome(people)
    assert network(figures, "event")["yes"] == sum(p["event"] == 1 for p in people)
    assert network(figures, "supports") == expected_supports(people)


def test_google_forms_checkboxes_match_known_options_longest_first_and_write_ins_count_as_other(exports):
    folder = exports / "google-forms"
    people = crowd("google-forms", 180, blank_school=0.08)
    codebook(folder, {"file": "synthetic-google-forms.csv", "wave": "1",
                      "site_column": make.TEXTS["school"], "group_column": make.TEXTS["role"]},
             {"welcome": f"{make.TEXTS['agree']} [{make.STATEMENTS[0]}]", "event": make.TEXTS["event"],
              "supports": make.TEXTS["supports"], "language": make.TEXTS["language"]},
             other="s3", separator=", ")
    book = load_codebook(folder)
    answers, _ = read_exports(folder, book)
    figures = tabulate(answers, book)
    assert network(figures, "supports") == expected_supports(people)
    page = figures.to_csv()
    assert not any(text in page for text in make.WRITE_INS)  # written-in text is counted, never kept
    # a blank school is "not stated": counted in the network, apart from every school
    blank = sum(p["school"] is None and p["welcome"] is not None for p in people)
    rows = figures[(figures["site"] == NOT_STATED) & (figures["group"] == "") & (figures["item"] == "welcome")
                   & (figures["breakdown"] == "")]
    assert blank > 0
    assert int(rows["n"].max()) + int(rows[rows["answer"] == "dk"]["count"].sum()) >= blank
    assert int(rows[rows["answer"] == "dk"]["n"].iloc[0]) == blank


def test_a_required_column_refuses_blanks_and_an_unknown_write_in_without_other_is_an_error(exports):
    folder = exports / "google-forms"
    people = crowd("google-forms", 180, blank_school=0.08)
    codebook(folder, {"file": "synthetic-google-forms.csv", "wave": "1", "required": ["site"],
                      "site_column": make.TEXTS["school"], "group_column": make.TEXTS["role"]},
             {"welcome": f"{make.TEXTS['agree']} [{make.STATEMENTS[0]}]", "event": make.TEXTS["event"],
              "supports": make.TEXTS["supports"], "language": make.TEXTS["language"]}, separator=", ")
    with pytest.raises(InputError) as error:
        load_dataset(folder, shared=False)
    problems = error.value.problems
    blank = [p for p in problems if p.column == make.TEXTS["school"]]
    assert len(blank) == sum(p["school"] is None for p in people)
    assert all(p.found == "" and p.row >= 2 for p in blank)
    unknown = [p for p in problems if p.column == make.TEXTS["supports"]]
    assert len(unknown) == sum(1 for p in people if p["other"])
    assert {p.found for p in unknown} <= {text.casefold() for text in make.WRITE_INS}


def test_redcap_codes_checkboxes_and_events_of_a_long_export(exports):
    folder = exports / "redcap"
    people = crowd("redcap", 100)
    options = [{"id": f"s{n}", "label": label, "column": f"supports___{n + 1}"}
               for n, label in enumerate([*make.SUPPORTS, "Other"])]
    waves = [{"id": "baseline", "label": "baseline", "answers": ["baseline_arm_1"]},
             {"id": "followup", "label": "follow-up", "answers": ["followup_arm_1"]}]
    codebook(folder, {"file": "synthetic-redcap.csv", "dictionary": "data-dictionary.csv",
                      "wave_column": "redcap_event_name", "id_column": "record_id",
                      "site_column": "school", "group_column": "role"},
             {"welcome": "welcome", "event": "family_night", "language": "language"},
             options=options, waves=waves)
    dataset = load_dataset(folder, shared=False)  # each record once per event: no repeated id
    figures = tabulate(read_exports(folder, dataset.codebook)[0], dataset.codebook)
    baseline = figures[figures["wave"] == "baseline"]
    assert {k: v for k, v in network(baseline, "welcome").items() if k not in ("positive", "negative")} \
        == expected_welcome(people)
    assert network(baseline, "supports") == expected_supports(people)
    # a respondent who ticked none skipped the question: the base is those who ticked any
    supports = baseline[(baseline["site"] == "") & (baseline["group"] == "")
                        & (baseline["item"] == "supports") & (baseline["breakdown"] == "")]
    assert int(supports["n"].iloc[0]) == sum(1 for p in people if p["supports"] or p["other"])
    followup = figures[figures["wave"] == "followup"]
    assert int(followup[(followup["site"] == "") & (followup["group"] == "") & (followup["breakdown"] == "")
                        & (followup["item"] == "event")]["n"].iloc[0]) == sum(
        p["event"] is not None for p in people[:70])


def test_an_id_repeated_within_one_wave_is_refused_with_both_rows(exports, tmp_path):
    folder = tmp_path / "redcap"
    folder.mkdir()
    for name in ("synthetic-redcap.csv", "data-dictionary.csv"):
        (folder / name).write_bytes((exports / "redcap" / name).read_bytes())
    text = (folder / "synthetic-redcap.csv").read_text().splitlines()
    text[3] = text[3].replace(text[3].split(",")[0], "1", 1)  # record 3 of the baseline is now 1 again
    (folder / "synthetic-redcap.csv").write_text("\n".join(text) + "\n")
    codebook(folder, {"file": "synthetic-redcap.csv", "dictionary": "data-dictionary.csv",
                      "wave_column": "redcap_event_name", "id_column": "record_id",
                      "site_column": "school", "group_column": "role"},
             {"welcome": "welcome", "event": "family_night", "language": "language"},
             options=[{"id": f"s{n}", "label": f"S{n}", "column": f"supports___{n + 1}"} for n in range(4)],
             waves=[{"id": "b", "label": "b", "answers": ["baseline_arm_1"]},
                    {"id": "f", "label": "f", "answers": ["followup_arm_1"]}])
    with pytest.raises(InputError) as error:
        load_dataset(folder, shared=False)
    assert [str(p) for p in error.value.problems] == [
        f"{folder / 'synthetic-redcap.csv'}, row 4, column 'record_id': found '1'; expected each respondent "
        "id once in each wave (also on row 2)"]


def broken_redcap(exports, folder, cells: dict[str, str], row: int = 3) -> None:
    """Copies the synthetic REDCap export and its dictionary into folder with the given cells of one
    row (the file's row number, the header being 1) changed, and writes its codebook."""
    folder.mkdir()
    (folder / "data-dictionary.csv").write_bytes((exports / "redcap" / "data-dictionary.csv").read_bytes())
    rows = list(csv.reader(io.StringIO((exports / "redcap" / "synthetic-redcap.csv").read_text())))
    for column, value in cells.items():
        rows[row - 1][rows[0].index(column)] = value
    with (folder / "synthetic-redcap.csv").open("w", newline="") as file:
        csv.writer(file).writerows(rows)
    codebook(folder, {"file": "synthetic-redcap.csv", "dictionary": "data-dictionary.csv",
                      "wave_column": "redcap_event_name", "id_column": "record_id",
                      "site_column": "school", "group_column": "role"},
             {"welcome": "welcome", "event": "family_night", "language": "language"},
             options=[{"id": f"s{n}", "label": label, "column": f"supports___{n + 1}"}
                      for n, label in enumerate([*make.SUPPORTS, "Other"])],
             waves=[{"id": "b", "label": "b", "answers": ["baseline_arm_1"]},
                    {"id": "f", "label": "f", "answers": ["followup_arm_1"]}])


def test_a_code_the_dictionary_lacks_is_refused_listing_the_codes_the_file_should_hold(exports, tmp_path):
    folder = tmp_path / "redcap"
    broken_redcap(exports, folder, {"role": "7", "welcome": "5"})
    with pytest.raises(InputError) as error:
        load_dataset(folder, shared=False)
    where = f"{folder / 'synthetic-redcap.csv'}, row 3"
    roles = ", ".join(f"{n + 1} ({label})" for n, label in enumerate(make.ROLES))
    labels = [*make.AGREE, make.DONT_KNOW]
    levels = ", ".join(f"{code} ({label})" for code, label in zip([1, 2, 3, 4, 9], labels, strict=True))
    assert [str(p) for p in error.value.problems] == [
        f"{where}, column 'role': found '7'; expected a respondent group, one of the codes {roles} (in the "
        "survey's definition)",
        f"{where}, column 'welcome': found '5'; expected an answer to welcome, one of the codes {levels} (in "
        "the survey's definition)"]


def test_a_redcap_checkbox_mark_other_than_1_or_0_is_refused(exports, tmp_path):
    folder = tmp_path / "redcap"
    broken_redcap(exports, folder, {"supports___2": "2"}, row=5)
    with pytest.raises(InputError) as error:
        load_dataset(folder, shared=False)
    assert [str(p) for p in error.value.problems] == [
        f"{folder / 'synthetic-redcap.csv'}, row 5, column 'supports___2': found '2'; expected a checkbox "
        "mark: 1 or Checked (chosen), 0, Unchecked or blank (not chosen) (supports)"]


def test_kobo_xlsform_names_become_labels_and_one_export_is_one_site(exports):
    folder = exports / "kobo"
    people = crowd("kobo", 120)
    names = ["tutoring", "food", "after_school", "other"]
    options = [{"id": f"s{n}", "label": label, "column": f"supports/{name}"}
               for n, (label, name) in enumerate(zip([*make.SUPPORTS, "Other"], names, strict=True))]
    codebook(folder, {"file": "synthetic-kobo.xlsx", "dictionary": "xlsform.xlsx", "wave": "1",
                      "site": "school-0", "group_column": "role", "id_column": "_uuid"},
             {"welcome": "feelings/welcome", "event": "family_night", "language": "language"},
             options=options)
    dataset = load_dataset(folder, shared=False)
    figures = tabulate(read_exports(folder, dataset.codebook)[0], dataset.codebook)
    assert {k: v for k, v in network(figures, "welcome").items() if k not in ("positive", "negative")} \
        == expected_welcome(people)
    assert set(figures["site"]) == {"", "school-0"}
    assert network(figures, "supports") == expected_supports(people)


@pytest.mark.parametrize("tool", ["spss", "stata"])
def test_spss_and_stata_value_labels_and_only_the_named_columns_read(exports, tool):
    folder = exports / tool
    people = crowd(tool, 160)
    name = f"synthetic-{tool}.{'sav' if tool == 'spss' else 'dta'}"
    options = [{"id": f"s{n}", "label": label, "column": f"q4_{n + 1}"}
               for n, label in enumerate([*make.SUPPORTS, "Other"])]
    codebook(folder, {"file": name, "wave": "1", "site_column": "school", "group_column": "role",
                      "id_column": "resp_id"},
             {"welcome": "q1_welcome", "event": "q3_event", "language": "language"}, options=options)
    dataset = load_dataset(folder, shared=False)
    figures = tabulate(read_exports(folder, dataset.codebook)[0], dataset.codebook)
    assert {k: v for k, v in network(figures, "welcome").items() if k not in ("positive", "negative")} \
        == expected_welcome(people)
    assert network(figures, "supports") == expected_supports(people)
    cells = read(folder / name, ["school", "q1_welcome"]).cells
    assert list(cells.columns) == ["school", "q1_welcome"]
    assert cells.index[0] == 1
    assert set(cells["q1_welcome"]) <= {"", *make.AGREE, make.DONT_KNOW}


def test_surveymonkey_option_row_names_the_columns(exports):
    folder = exports / "surveymonkey"
    people = crowd("surveymonkey", 160)
    stem = make.TEXTS["supports"]
    options = [{"id": f"s{n}", "label": label, "column": f"{stem} | {label}"}
               for n, label in enumerate([*make.SUPPORTS, make.OTHER])]
    codebook(folder, {"file": "synthetic-surveymonkey.csv", "wave": "1", "id_column": "Respondent ID",
                      "site_column": make.TEXTS["school"], "group_column": make.TEXTS["role"]},
             {"welcome": f"{make.TEXTS['agree']} | {make.STATEMENTS[0]}", "event": make.TEXTS["event"],
              "language": make.TEXTS["language"]}, options=options)
    dataset = load_dataset(folder, shared=False)
    figures = tabulate(read_exports(folder, dataset.codebook)[0], dataset.codebook)
    assert {k: v for k, v in network(figures, "welcome").items() if k not in ("positive", "negative")} \
        == expected_welcome(people)
    assert network(figures, "supports") == expected_supports(people)


def test_repeated_names_in_unused_columns_do_no_harm_and_problems_name_row_column_and_value(tmp_path):
    (tmp_path / "export.csv").write_text(
        "ID,Comment,Comment,School,Welcome\n1,a,b,Lincoln,Agree\n2,,,Lincoln,Maybe\n3,c,,Nowhere,Agree\n"
        "4,,,Nowhere,Maybe\n")
    tiny_codebook(tmp_path)
    with pytest.raises(InputError) as error:
        load_dataset(tmp_path, shared=False)
    # in the order a reader goes through the file (they are found column by column)
    assert [(p.row, p.column, p.found) for p in error.value.problems] == [
        (3, "Welcome", "Maybe"), (4, "School", "Nowhere"), (5, "School", "Nowhere"), (5, "Welcome", "Maybe")]


def tiny_codebook(folder) -> None:
    """Writes a codebook of one school and one agree/disagree question for export.csv."""
    book = {"dataset": {"id": "x", "title": "x", "partnership": "x", "source": "x", "published": False},
            "sites": [{"id": "lincoln", "name": "Lincoln"}], "waves": [{"id": "1", "label": "one"}],
            "scales": [{"id": "a", "levels": [{"id": "no", "label": "Disagree", "side": "negative"},
                                              {"id": "yes", "label": "Agree", "side": "positive"}]}],
            "items": [{"id": "welcome", "kind": "scale", "scale": "a", "label": "W", "column": "Welcome"}],
            "exports": [{"file": "export.csv", "wave": "1", "id_column": "ID", "site_column": "School"}]}
    (folder / "codebook.yaml").write_text(yaml.safe_dump(book))


def load_codebook(folder):
    from helpers.codebook import read_codebook

    return read_codebook(folder)


def test_many_problems_are_counted_on_screen_and_listed_whole_in_a_file(tmp_path):
    folder = tmp_path / "survey"
    folder.mkdir()
    rows = "".join(f"{n},Lincoln,Maybe {n}\n" for n in range(1, 31))
    (folder / "export.csv").write_text("ID,School,Welcome\n" + rows)
    tiny_codebook(folder)
    result = run_cli("reports", "--data", folder, "--params", tmp_path / "params", "--out", tmp_path / "out")
    assert result.returncode == 2
    assert "error: 30 problems with the input:" in result.stderr
    assert "... and 10 more problems" in result.stderr
    assert f"Every one of the 30 is listed in {tmp_path / 'out' / 'problems.txt'}." in result.stderr
    assert "Traceback" not in result.stderr
    listed = (tmp_path / "out" / "problems.txt").read_text().splitlines()
    assert len(listed) == 30
    assert listed[-1] == (f"{folder / 'export.csv'}, row 31, column 'Welcome': found 'Maybe 30'; expected "
                          "an answer to welcome: Disagree, Agree (or an alias the codebook lists)")


def test_a_wide_sav_reads_only_the_codebook_columns_in_under_two_seconds(tmp_path):
    """1,500 respondents x 765 labelled variables, ten of them named (issue 22: reading every
    column with its labels took 61 s)."""
    import time

    import numpy as np
    import pandas as pd
    import pyreadstat

    rng = np.random.default_rng(22)
    columns = {f"v{n:03d}": rng.integers(1, 6, 1500).astype(float) for n in range(765)}
    frame = pd.DataFrame(columns)
    frame["v000"] = np.arange(1, 1501, dtype=float)
    frame["v001"] = rng.integers(1, 4, 1500).astype(float)
    labels = {name: {1.0: "Strongly disagree", 2.0: "Disagree", 3.0: "Agree", 4.0: "Strongly agree",
                     5.0: "Don't know"} for name in frame.columns[2:]}
    labels["v001"] = {1.0: "Alder", 2.0: "Birch", 3.0: "Cedar"}
    pyreadstat.write_sav(frame, tmp_path / "wide.sav", variable_value_labels=labels,
                         column_labels=[f"Question {n}" for n in range(765)])
    named = ["v000", "v001", *(f"v{n:03d}" for n in range(100, 800, 100))]
    named.append("v764")
    start = time.perf_counter()
    cells = read(tmp_path / "wide.sav", named).cells
    seconds = time.perf_counter() - start
    assert list(cells.columns) == named
    assert len(cells) == 1500
    assert set(cells["v001"]) == {"Alder", "Birch", "Cedar"}
    assert set(cells["v764"]) <= {"Strongly disagree", "Disagree", "Agree", "Strongly agree", "Don't know"}
    assert seconds <= 2, f"{seconds:.2f} s"


def unstated_dataset(folder, not_stated: list[str]) -> None:
    """Writes an export of 30 people at one school, a third of whom answered their home language
    with "Prefer not to say" or "Decline to answer", and a codebook naming those as not_stated."""
    rows = ["ID,School,Welcome,Language"] + [
        f"{n},Lincoln,{'Agree' if n % 4 else 'Disagree'},"
        f"{['English', 'Spanish', 'Prefer not to say', 'DECLINE to answer'][n % 4 if n < 20 else n % 2]}"
        for n in range(30)]
    (folder / "export.csv").write_text("\n".join(rows) + "\n")
    tiny_codebook(folder)
    book = yaml.safe_load((folder / "codebook.yaml").read_text())
    book["dataset"]["disclosure"] = {"minimum_base": 5, "top_bottom_coding": False}
    book["characteristics"] = [{"id": "language", "label": "home language", "column": "Language",
                                "not_stated": not_stated,
                                "values": [{"id": "en", "label": "English"},
                                           {"id": "es", "label": "Spanish"}]}]
    (folder / "codebook.yaml").write_text(yaml.safe_dump(book))


def test_answers_named_not_stated_count_as_a_blank_characteristic(tmp_path):
    unstated_dataset(tmp_path, ["Prefer not to say", "Decline to answer"])
    figures = load_dataset(tmp_path, shared=False).figures
    every = figures[(figures["site"] == "") & (figures["breakdown"] == "") & (figures["item"] == "welcome")]
    assert int(every["n"].iloc[0]) == 30  # everyone counts among all respondents...
    by = figures[(figures["site"] == "") & (figures["breakdown"] == "language")
                 & (figures["item"] == "welcome")]
    bases = by.drop_duplicates("value").set_index("value")["n"].astype(int).to_dict()
    assert bases == {"en": 5 + 5, "es": 5 + 5}  # ...and those who did not say are in no value


def test_a_not_stated_answer_that_is_also_a_value_is_refused_by_its_key(tmp_path):
    unstated_dataset(tmp_path, ["Prefer not to say", "decline to answer", "spanish"])
    with pytest.raises(InputError) as error:
        load_dataset(tmp_path, shared=False)
    assert [str(p) for p in error.value.problems] == [
        f"{tmp_path / 'codebook.yaml'}, key 'characteristics.language.not_stated': found 'spanish'; expected "
        "an answer no value stands for (this one is es's)"]
