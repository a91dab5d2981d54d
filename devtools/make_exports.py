"""Writes one small SYNTHETIC export per survey tool, each in that tool's documented shape.

Made-up people, seeded: the same seed gives the same bytes. The same survey in every tool: three
schools (a few respondents leave it blank where the tool allows), three respondent groups, two
agreement statements on a four-point scale with "Don't know", a yes/no question, a choose-any
question whose options include one holding commas ("Food, clothing, or school supplies") and a
written-in "Other", the language spoken at home, a free-text comment and, where the tool records
them, names and e-mail addresses (all invented: they must never reach a codebook or a page).

| tool | files (the export, and the tool's definition of the survey) |
|---|---|
| qualtrics | synthetic-qualtrics.csv (choice text; three header rows; unfinished and preview responses) |
| qualtrics-qsf | synthetic-qualtrics-values.csv (numeric values, a column per choice) and survey.qsf |
| surveymonkey | synthetic-surveymonkey.csv (two header rows; a column per option) |
| google-forms | synthetic-google-forms.csv (Timestamp first; checkbox answers joined with ", ") |
| redcap | synthetic-redcap.csv (raw codes, two events, checkbox___code) and data-dictionary.csv |
| kobo | synthetic-kobo.xlsx (XML names, q/option columns; one school) and xlsform.xlsx |
| spss | synthetic-spss.sav (value and variable labels, dichotomies for the choose-any) |
| stata | synthetic-stata.dta (the same, as Stata writes it) |

Usage: python devtools/make_exports.py [--out tests/fixtures/exports] [--seed 2026] [--tool NAME]
"""

import argparse
import csv
import datetime
import io
import json
import random
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SCHOOLS = ["Alder Community School", "Birch Community School", "Cedar Community School"]
ROLES = ["Student", "Parent or caregiver", "Staff member"]
LANGUAGES = ["English", "Spanish", "Another language"]
AGREE = ["Strongly disagree", "Disagree", "Agree", "Strongly agree"]
DONT_KNOW = "Don't know"
SUPPORTS = ["Tutoring", "Food, clothing, or school supplies", "After-school programs"]
OTHER = "Other (please specify)"
# Invented free text: each must stay out of every codebook and page (a test looks for them).
WRITE_INS = ["Rides to school, twice a week", "A mentor from church", "Counseling with Ms. Rivera"]
COMMENTS = ["Thank you, the tutoring helped my son.", "Please hold events later in the evening.",
            "My daughter Ana loves the after-school club."]
FIRST = ["Maria", "James", "Aisha", "Wei", "Carlos", "Emma"]
LAST = ["Lopez", "Smith", "Khan", "Chen", "Garcia", "Brown"]
STATEMENTS = ["I feel welcome at school.", "Adults at school listen to me."]
TEXTS = {
    "school": "Which school do you belong to?", "role": "I am a...",
    "agree": "How much do you agree with each statement?",
    "event": "Did you attend a family night this year?",
    "supports": "Which supports did you use? (choose any)",
    "language": "What language is spoken at home?", "comment": "Any other comments?",
}
SPANISH = {
    "school": "¿A qué escuela pertenece?", "role": "Soy...",
    "welcome": "Me siento bienvenido en la escuela.", "listen": "Los adultos de la escuela me escuchan.",
    "event": "¿Asistió a una noche familiar este año?",
    "supports": "¿Qué apoyos usó? (elija todos los que correspondan)",
    "language": "¿Qué idioma se habla en casa?", "comment": "¿Algún otro comentario?",
}
STAMP = datetime.datetime(2026, 4, 1, 9, 0)


def people(rng: random.Random, count: int, blank_school: float = 0.0) -> list[dict]:
    """Returns made-up respondents: each answer an index into the lists above, or None (skipped)."""
    out = []
    for number in range(count):
        role = rng.choices(range(3), weights=[0.5, 0.35, 0.15])[0]
        lean = 0.65 if role == 2 else 0.55  # staff agree a little more
        person = {
            "number": number + 1,
            "school": None if rng.random() < blank_school else rng.randrange(3),
            "role": role,
            "language": None if rng.random() < 0.08 else rng.choices(range(3), weights=[0.6, 0.32, 0.08])[0],
            "event": None if rng.random() < 0.05 else int(rng.random() < 0.45),
            "supports": sorted(i for i in range(3) if rng.random() < 0.4),
            "other": rng.choice(WRITE_INS) if rng.random() < 0.12 else None,
            "comment": rng.choice(COMMENTS) if rng.random() < 0.2 else None,
            "first": rng.choice(FIRST), "last": rng.choice(LAST),
            "finished": rng.random() > 0.06, "preview": rng.random() < 0.03,
            "start": STAMP + datetime.timedelta(minutes=37 * number),
        }
        for item in ("welcome", "listen"):
            draw = rng.random()
            person[item] = (None if draw < 0.04 else 4 if draw < 0.1 else
                            sum(rng.random() < lean for _ in range(3)))
        person["email"] = f"{person['first'].lower()}.{person['last'].lower()}{number}@example.org"
        out.append(person)
    return out


def label(person: dict, key: str, labels: list[str]) -> str:
    value = person[key]
    return "" if value is None else labels[value]


def agree(value: int | None) -> str:
    return "" if value is None else DONT_KNOW if value == 4 else AGREE[value]


def write_csv(path: Path, rows: list[list], bom: bool = False) -> None:
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\r\n").writerows(rows)
    path.write_bytes((b"\xef\xbb\xbf" if bom else b"") + buffer.getvalue().encode("utf-8"))


def write_xlsx(path: Path, sheets: dict[str, list[list]]) -> None:
    """Writes a workbook with fixed metadata, so that the bytes do not change."""
    from openpyxl import Workbook

    book = Workbook()
    book.remove(book.active)
    for title, rows in sheets.items():
        sheet = book.create_sheet(title)
        for row in rows:
            sheet.append(row)
    book.properties.created = book.properties.modified = STAMP
    book.properties.creator = "devtools/make_exports.py (synthetic)"
    book.save(path)


# --- Qualtrics -------------------------------------------------------------------------------------

QUALTRICS_META = [("StartDate", "Start Date", "startDate"), ("EndDate", "End Date", "endDate"),
                  ("Status", "Response Type", "status"), ("IPAddress", "IP Address", "ipAddress"),
                  ("Progress", "Progress", "progress"),
                  ("Duration (in seconds)", "Duration (in seconds)", "duration"),
                  ("Finished", "Finished", "finished"), ("RecordedDate", "Recorded Date", "recordedDate"),
                  ("ResponseId", "Response ID", "_recordId"),
                  ("RecipientLastName", "Recipient Last Name", "recipientLastName"),
                  ("RecipientFirstName", "Recipient First Name", "recipientFirstName"),
                  ("RecipientEmail", "Recipient Email", "recipientEmail"),
                  ("ExternalReference", "External Data Reference", "externalDataReference"),
                  ("LocationLatitude", "Location Latitude", "locationLatitude"),
                  ("LocationLongitude", "Location Longitude", "locationLongitude"),
                  ("DistributionChannel", "Distribution Channel", "distributionChannel"),
                  ("UserLanguage", "User Language", "userLanguage")]


def qualtrics(out: Path, rng: random.Random) -> None:
    """Qualtrics' CSV as it downloads since 2017: export tags, question texts, ImportIds; one with
    choice text (multiple answers in one cell, joined with commas) and one with numeric values and
    a column per choice, beside the survey's .qsf."""
    crowd = people(rng, 170)
    questions = [("Q1", TEXTS["school"], "QID1"), ("Q2", TEXTS["role"], "QID2")]
    questions += [(f"Q3_{n}", f"{TEXTS['agree']} - {s}", f"QID3_{n}") for n, s in enumerate(STATEMENTS, 1)]
    questions += [("Q4", TEXTS["event"], "QID4")]
    text_cells = [("Q5", f"{TEXTS['supports']} - Selected Choice", "QID5"),
                  ("Q5_4_TEXT", f"{TEXTS['supports']} - {OTHER} - Text", "QID5_4_TEXT")]
    values_cells = [(f"Q5_{n}", f"{TEXTS['supports']} - Selected Choice - {c}", f"QID5_{n}")
                    for n, c in enumerate([*SUPPORTS, OTHER], 1)]
    values_cells.append(text_cells[1])
    tail = [("Q6", TEXTS["language"], "QID6"), ("Q7", TEXTS["comment"], "QID7_TEXT")]
    for name, middle, numeric in (("synthetic-qualtrics.csv", text_cells, False),
                                  ("synthetic-qualtrics-values.csv", values_cells, True)):
        columns = [*questions[:5], *middle, *tail]
        rows = [[m[0] for m in QUALTRICS_META] + [c[0] for c in columns],
                [m[1] for m in QUALTRICS_META] + [c[1] for c in columns],
                [json.dumps({"ImportId": m[2]}, separators=(",", ":")) for m in QUALTRICS_META]
                + [json.dumps({"ImportId": c[2]}, separators=(",", ":")) for c in columns]]
        for p in crowd:
            status = (("1" if numeric else "Survey Preview") if p["preview"]
                      else ("0" if numeric else "IP Address"))
            finished = ("1" if p["finished"] else "0") if numeric else str(p["finished"])
            end = p["start"] + datetime.timedelta(minutes=6)
            meta = [p["start"].isoformat(" "), end.isoformat(" "), status, f"192.0.2.{p['number'] % 250}",
                    "100" if p["finished"] else "40", "360", finished, end.isoformat(" "),
                    f"R_{rng.getrandbits(48):012x}", p["last"], p["first"], p["email"], "", "39.7", "-104.9",
                    "anonymous", "EN"]
            if numeric:
                def code(v):
                    return ("" if v is None else str(v + 1))
                answers = [code(p["school"]), code(p["role"]), code(p["welcome"]), code(p["listen"]),
                           "" if p["event"] is None else str(p["event"])]
                chosen = [*p["supports"], *([3] if p["other"] else [])]
                answers += ["1" if n in chosen else "" for n in range(4)]
            else:
                answers = [label(p, "school", SCHOOLS), label(p, "role", ROLES), agree(p["welcome"]),
                           agree(p["listen"]), "" if p["event"] is None else ["No", "Yes"][p["event"]]]
                chosen = [SUPPORTS[n] for n in p["supports"]] + ([OTHER] if p["other"] else [])
                answers.append(",".join(chosen))
            answers += [p["other"] or "", (str(p["language"] + 1) if numeric else LANGUAGES[p["language"]])
                        if p["language"] is not None else "", p["comment"] or ""]
            rows.append(meta + answers)
        write_csv(out / name, rows, bom=True)
    (out / "survey.qsf").write_text(json.dumps(_qsf(), indent=1, ensure_ascii=False) + "\n", encoding="utf-8")


def _qsf() -> dict:
    """Returns the survey as a Qualtrics .qsf: SurveyEntry and SurveyElements (SQ questions)."""
    def mc(qid, tag, text, choices, selector="SAVR", recode=None, spanish=""):
        payload = {"QuestionText": text, "DataExportTag": tag, "QuestionType": "MC", "Selector": selector,
                   "SubSelector": "TX", "QuestionID": qid,
                   "Choices": {str(n): {"Display": c} for n, c in enumerate(choices, 1)},
                   "ChoiceOrder": [str(n) for n in range(1, len(choices) + 1)]}
        if recode:
            payload["RecodeValues"] = recode
        if spanish:
            payload["Language"] = {"ES": {"QuestionText": spanish}}
        return {"SurveyID": "SV_synthetic", "Element": "SQ", "PrimaryAttribute": qid,
                "SecondaryAttribute": text, "Payload": payload}

    supports = mc("QID5", "Q5", TEXTS["supports"], [*SUPPORTS, OTHER], "MAVR", spanish=SPANISH["supports"])
    supports["Payload"]["Choices"]["4"]["TextEntry"] = "true"
    matrix = {"SurveyID": "SV_synthetic", "Element": "SQ", "PrimaryAttribute": "QID3",
              "SecondaryAttribute": TEXTS["agree"], "Payload": {
                  "QuestionText": TEXTS["agree"], "DataExportTag": "Q3", "QuestionType": "Matrix",
                  "Selector": "Likert", "SubSelector": "SingleAnswer", "QuestionID": "QID3",
                  "Choices": {str(n): {"Display": s} for n, s in enumerate(STATEMENTS, 1)},
                  "ChoiceOrder": ["1", "2"],
                  "Answers": {str(n): {"Display": a} for n, a in enumerate([*AGREE, DONT_KNOW], 1)},
                  "AnswerOrder": ["1", "2", "3", "4", "5"]}}
    return {
        "SurveyEntry": {"SurveyID": "SV_synthetic", "SurveyName": "Synthetic family and student survey",
                        "SurveyLanguage": "EN", "SurveyStatus": "Active"},
        "SurveyElements": [
            {"SurveyID": "SV_synthetic", "Element": "BL", "PrimaryAttribute": "Survey Blocks",
             "Payload": [{"Type": "Default", "ID": "BL_1", "BlockElements": [
                 {"Type": "Question", "QuestionID": f"QID{n}"} for n in range(1, 8)]}]},
            mc("QID1", "Q1", TEXTS["school"], SCHOOLS, spanish=SPANISH["school"]),
            mc("QID2", "Q2", TEXTS["role"], ROLES, spanish=SPANISH["role"]),
            matrix,
            mc("QID4", "Q4", TEXTS["event"], ["Yes", "No"], recode={"1": "1", "2": "0"},
               spanish=SPANISH["event"]),
            supports,
            mc("QID6", "Q6", TEXTS["language"], LANGUAGES, "DL", spanish=SPANISH["language"]),
            {"SurveyID": "SV_synthetic", "Element": "SQ", "PrimaryAttribute": "QID7",
             "SecondaryAttribute": TEXTS["comment"], "Payload": {
                 "QuestionText": TEXTS["comment"], "DataExportTag": "Q7", "QuestionType": "TE",
                 "Selector": "ML", "QuestionID": "QID7"}},
        ]}


# --- SurveyMonkey ------------------------------------------------------------------------------------

def surveymonkey(out: Path, rng: random.Random) -> None:
    """SurveyMonkey's "All responses" CSV (actual answer text, expanded): the question above its
    first column, "Response", "Open-Ended Response" or the option's text in the row below."""
    crowd = people(rng, 160)
    top = ["Respondent ID", "Collector ID", "Start Date", "End Date", "IP Address", "Email Address",
           "First Name", "Last Name", "Custom Data 1", TEXTS["school"], TEXTS["role"], TEXTS["agree"], "",
           TEXTS["event"], TEXTS["supports"], "", "", "", TEXTS["language"], TEXTS["comment"]]
    below = ["", "", "", "", "", "", "", "", "", "Response", "Response", *STATEMENTS, "Response",
             *SUPPORTS, OTHER, "Response", "Open-Ended Response"]
    rows = [top, below]
    for p in crowd:
        start = p["start"].strftime("%m/%d/%Y %I:%M:%S %p")
        rows.append([str(114000000000 + p["number"]), "431000000", start, start,
                     f"198.51.100.{p['number'] % 250}", p["email"], p["first"], p["last"], "",
                     label(p, "school", SCHOOLS), label(p, "role", ROLES), agree(p["welcome"]),
                     agree(p["listen"]), "" if p["event"] is None else ["No", "Yes"][p["event"]],
                     *[SUPPORTS[n] if n in p["supports"] else "" for n in range(3)], p["other"] or "",
                     label(p, "language", LANGUAGES), p["comment"] or ""])
    write_csv(out / "synthetic-surveymonkey.csv", rows)


# --- Google Forms ------------------------------------------------------------------------------------

def google_forms(out: Path, rng: random.Random) -> None:
    """Google Forms' responses CSV: Timestamp first; a grid as "Question [Row]"; a checkbox
    question's choices joined with ", " in one cell, a written-in Other as its own text."""
    crowd = people(rng, 180, blank_school=0.08)
    header = ["Timestamp", TEXTS["school"], TEXTS["role"],
              *[f"{TEXTS['agree']} [{s}]" for s in STATEMENTS], TEXTS["event"], TEXTS["supports"],
              TEXTS["language"], TEXTS["comment"]]
    rows = [header]
    for p in crowd:
        chosen = [SUPPORTS[n] for n in p["supports"]] + ([p["other"]] if p["other"] else [])
        rows.append([p["start"].strftime("%m/%d/%Y %H:%M:%S"), label(p, "school", SCHOOLS),
                     label(p, "role", ROLES), agree(p["welcome"]), agree(p["listen"]),
                     "" if p["event"] is None else ["No", "Yes"][p["event"]], ", ".join(chosen),
                     label(p, "language", LANGUAGES), p["comment"] or ""])
    write_csv(out / "synthetic-google-forms.csv", rows)


# --- REDCap ------------------------------------------------------------------------------------------

REDCAP_COLUMNS = ["Variable / Field Name", "Form Name", "Section Header", "Field Type", "Field Label",
                  "Choices, Calculations, OR Slider Labels", "Field Note",
                  "Text Validation Type OR Show Slider Number", "Text Validation Min",
                  "Text Validation Max", "Identifier?", "Branching Logic (Show field only if...)",
                  "Required Field?", "Custom Alignment", "Question Number (surveys only)",
                  "Matrix Group Name", "Matrix Ranking?", "Field Annotation"]


def redcap(out: Path, rng: random.Random) -> None:
    """REDCap's raw CSV export of a longitudinal project (one row per record and event), and its
    data dictionary: radio and dropdown codes, a yesno field, a checkbox as field___code columns."""
    def choices(labels, codes=None):
        codes = codes or range(1, len(labels) + 1)
        return " | ".join(f"{c}, {t}" for c, t in zip(codes, labels, strict=True))

    agree_codes = [1, 2, 3, 4, 9]
    fields = [("record_id", "text", "Record ID", "", ""),
              ("school", "radio", TEXTS["school"], choices(SCHOOLS), ""),
              ("role", "radio", TEXTS["role"], choices(ROLES), ""),
              ("welcome", "radio", STATEMENTS[0], choices([*AGREE, DONT_KNOW], agree_codes), ""),
              ("listen", "radio", STATEMENTS[1], choices([*AGREE, DONT_KNOW], agree_codes), ""),
              ("family_night", "yesno", TEXTS["event"], "", ""),
              ("supports", "checkbox", TEXTS["supports"], choices([*SUPPORTS, "Other"]), ""),
              ("supports_other", "text", "Other support, please specify", "", ""),
              ("language", "dropdown", TEXTS["language"], choices(LANGUAGES), ""),
              ("comments", "notes", TEXTS["comment"], "", ""),
              ("email", "text", "E-mail address", "", "y")]
    dictionary = [REDCAP_COLUMNS]
    for name, kind, text, codes, identifier in fields:
        row = [name, "family_survey", "", kind, text, codes, "", "email" if name == "email" else "", "", "",
               identifier, "", "", "", "", "agreement" if name in ("welcome", "listen") else "", "", ""]
        dictionary.append(row)
    write_csv(out / "data-dictionary.csv", dictionary)
    header = ["record_id", "redcap_event_name", "school", "role", "welcome", "listen", "family_night",
              *[f"supports___{n}" for n in range(1, 5)], "supports_other", "language", "comments", "email",
              "family_survey_complete"]
    rows = [header]
    crowd = people(rng, 100)
    for event, who in (("baseline_arm_1", crowd), ("followup_arm_1", crowd[:70])):
        for p in who:
            def code(v):
                return ("" if v is None else str(v + 1))
            def level(v):
                return ("" if v is None else str(agree_codes[v]))
            chosen = [*p["supports"], *([3] if p["other"] else [])]
            rows.append([str(p["number"]), event, code(p["school"]), code(p["role"]), level(p["welcome"]),
                         level(p["listen"]), "" if p["event"] is None else str(p["event"]),
                         *["1" if n in chosen else "0" for n in range(4)], p["other"] or "",
                         code(p["language"]), p["comment"] or "", p["email"], "2"])
            p = {**p, "welcome": rng.choice([p["welcome"], 3])}
    write_csv(out / "synthetic-redcap.csv", rows)


# --- KoboToolbox / ODK ---------------------------------------------------------------------------

def kobo(out: Path, rng: random.Random) -> None:
    """A KoboToolbox export (XML values and headers, .xlsx) of one school's survey, and the XLSForm
    behind it (survey and choices sheets, English and Spanish labels)."""
    survey = [["type", "name", "label", "label::Spanish (es)"],
              ["start", "start", "", ""], ["end", "end", "", ""],
              ["select_one role", "role", TEXTS["role"], SPANISH["role"]],
              ["begin_group", "feelings", TEXTS["agree"], "¿Qué tan de acuerdo está?"],
              ["select_one agree", "welcome", STATEMENTS[0], SPANISH["welcome"]],
              ["select_one agree", "listen", STATEMENTS[1], SPANISH["listen"]],
              ["end_group", "", "", ""],
              ["select_one yes_no", "family_night", TEXTS["event"], SPANISH["event"]],
              ["select_multiple supports", "supports", TEXTS["supports"], SPANISH["supports"]],
              ["text", "supports_other", "Other support, please specify", "Otro apoyo, especifique"],
              ["select_one language", "language", TEXTS["language"], SPANISH["language"]],
              ["text", "comments", TEXTS["comment"], SPANISH["comment"]]]
    names = {"role": ["student", "parent", "staff"], "agree": ["sd", "d", "a", "sa", "dk"],
             "yes_no": ["yes", "no"], "supports": ["tutoring", "food", "after_school", "other"],
             "language": ["english", "spanish", "another"]}
    labels = {"role": ROLES, "agree": [*AGREE, DONT_KNOW], "yes_no": ["Yes", "No"],
              "supports": [*SUPPORTS, "Other"], "language": LANGUAGES}
    spanish = {"role": ["Estudiante", "Padre, madre o cuidador", "Personal"],
               "agree": ["Muy en desacuerdo", "En desacuerdo", "De acuerdo", "Muy de acuerdo", "No sé"],
               "yes_no": ["Sí", "No"], "supports": ["Tutoría", "Comida, ropa o útiles escolares",
                                                    "Programas después de clases", "Otro"],
               "language": ["Inglés", "Español", "Otro idioma"]}
    choices = [["list_name", "name", "label", "label::Spanish (es)"]]
    for name in names:
        choices += [[name, n, t, s] for n, t, s in zip(names[name], labels[name], spanish[name], strict=True)]
    write_xlsx(out / "xlsform.xlsx", {"survey": survey, "choices": choices,
                                      "settings": [["form_title", "form_id"],
                                                   ["Synthetic family survey", "synthetic_family"]]})
    header = ["start", "end", "role", "feelings/welcome", "feelings/listen", "family_night", "supports",
              *[f"supports/{n}" for n in names["supports"]], "supports_other", "language", "comments",
              "_id", "_uuid", "_submission_time", "_validation_status", "_index"]
    rows = [header]
    for p in people(rng, 120):
        chosen = [*p["supports"], *([3] if p["other"] else [])]
        def pick(v, key):
            return ("" if v is None else names[key][v])
        rows.append([p["start"].isoformat(), (p["start"] + datetime.timedelta(minutes=5)).isoformat(),
                     pick(p["role"], "role"), pick(p["welcome"], "agree"), pick(p["listen"], "agree"),
                     "" if p["event"] is None else ["no", "yes"][p["event"]],
                     " ".join(names["supports"][n] for n in chosen),
                     *[1 if n in chosen else 0 for n in range(4)], p["other"] or "",
                     pick(p["language"], "language"), p["comment"] or "", 5000 + p["number"],
                     f"{rng.getrandbits(128):032x}", p["start"].isoformat(), "", p["number"]])
    write_xlsx(out / "synthetic-kobo.xlsx", {"synthetic_family": rows})


# --- SPSS and Stata ------------------------------------------------------------------------------

def statistics_file(out: Path, rng: random.Random, kind: str) -> None:
    """An SPSS .sav or Stata .dta file as a survey tool's SPSS export writes it: numeric codes with
    value labels, variable labels as question texts, a dichotomy (0/1) per choose-any option."""
    import pandas as pd
    import pyreadstat

    crowd = people(rng, 160)
    def code(v):
        return (None if v is None else v + 1)
    def level(v):
        return (None if v is None else (9 if v == 4 else v + 1))
    frame = pd.DataFrame({
        "resp_id": [float(p["number"]) for p in crowd],
        "school": [code(p["school"]) for p in crowd], "role": [code(p["role"]) for p in crowd],
        "q1_welcome": [level(p["welcome"]) for p in crowd], "q2_listen": [level(p["listen"]) for p in crowd],
        "q3_event": [p["event"] for p in crowd],
        **{f"q4_{n}": [float(n - 1 in p["supports"]) for p in crowd] for n in (1, 2, 3)},
        "q4_4": [float(p["other"] is not None) for p in crowd],
        "q4_other": [p["other"] or "" for p in crowd],
        "language": [code(p["language"]) for p in crowd], "comment": [p["comment"] or "" for p in crowd],
    }).astype({c: "float64" for c in ("school", "role", "q1_welcome", "q2_listen", "q3_event", "language")})
    agree_labels = {1.0: AGREE[0], 2.0: AGREE[1], 3.0: AGREE[2], 4.0: AGREE[3], 9.0: DONT_KNOW}
    chosen = {0.0: "Not selected", 1.0: "Selected"}
    labels = {"school": dict(enumerate(SCHOOLS, 1)), "role": dict(enumerate(ROLES, 1)),
              "q1_welcome": agree_labels, "q2_listen": agree_labels, "q3_event": {0.0: "No", 1.0: "Yes"},
              **{f"q4_{n}": chosen for n in (1, 2, 3, 4)}, "language": dict(enumerate(LANGUAGES, 1))}
    texts = ["Respondent", TEXTS["school"], TEXTS["role"], STATEMENTS[0], STATEMENTS[1], TEXTS["event"],
             *[f"Supports used: {s}" for s in [*SUPPORTS, "Other"]], "Supports used: other, specified",
             TEXTS["language"], TEXTS["comment"]]
    if kind == "spss":
        pyreadstat.write_sav(frame, out / "synthetic-spss.sav", column_labels=texts,
                             variable_value_labels=labels, file_label="Synthetic survey (synthetic)")
    else:
        # Stata's value labels take whole numbers, and its labels at most 80 characters
        frame = frame.astype({c: "Int64" for c in labels})
        pyreadstat.write_dta(frame, out / "synthetic-stata.dta", column_labels=texts,
                             variable_value_labels={c: {int(k): v for k, v in m.items()}
                                                    for c, m in labels.items()},
                             file_label="Synthetic survey (synthetic)")


TOOLS = {"qualtrics": qualtrics, "surveymonkey": surveymonkey, "google-forms": google_forms,
         "redcap": redcap, "kobo": kobo,
         "spss": lambda out, rng: statistics_file(out, rng, "spss"),
         "stata": lambda out, rng: statistics_file(out, rng, "stata")}


def write(out: Path, seed: int = 2026, tools: list[str] | None = None) -> None:
    """Writes each tool's export into out/<tool>/, each tool from its own seeded generator."""
    for number, (tool, make) in enumerate(TOOLS.items()):
        if tools and tool not in tools:
            continue
        folder = Path(out) / tool
        folder.mkdir(parents=True, exist_ok=True)
        make(folder, random.Random(seed * 100 + number))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=ROOT / "tests" / "fixtures" / "exports")
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--tool", action="append", choices=sorted(TOOLS), help="only this tool (again: more)")
    args = parser.parse_args()
    write(args.out, args.seed, args.tool)


if __name__ == "__main__":
    main()
