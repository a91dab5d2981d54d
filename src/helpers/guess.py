"""What the columns of a survey tool's export hold, guessed for a draft codebook (helpers.draft).

Which columns identify a respondent or are the tool's metadata (never read for answers), which
hold the site, the group, the wave, the respondent's id and their characteristics, which answers
form a scale and in which order, and which questions are choose-any (a column per option, or one
cell joining the options with a separator): guesses as data, each with how it was made, for
helpers.draft to write as the codebook's lines with their comments. Reads the export's cells and
the tool's definition (helpers.tools), writes nothing.
"""

import itertools
import re
from collections import Counter

from helpers import tools

# Columns never read for answers: who, where and how a respondent answered.
IDENTIFYING = re.compile(r"(?i)(e-?mail|(?<![a-z_])name$|^name\b|first.?name|last.?name|recipient|"
                         r"ip.?address|latitude|longitude|phone|address|user.?agent|device|^_id$|"
                         r"external|_text$|comment|specify)")


METADATA = {"StartDate", "EndDate", "Status", "Progress", "Duration (in seconds)", "Finished",
            "RecordedDate", "DistributionChannel", "UserLanguage", "Timestamp", "Start Date",
            "End Date", "Collector ID", "start", "end", "today", "_submission_time", "_index",
            "_status", "_submitted_by", "__version__", "_version_", "_validation_status",
            "redcap_repeat_instrument", "redcap_repeat_instance", "redcap_survey_identifier",
            "Q_RecaptchaScore", "Q_RelevantIDDuplicate"}


SITE = re.compile(r"(?i)\b(school|site|campus|center|centre|program(me)?|location|escuela)\b")


GROUP = re.compile(r"(?i)(\brole\b|i am a|are you a|respondent type|who are you|relationship|"
                   r"\bgroup\b|describes you)")


WAVE = re.compile(r"(?i)(^redcap_event_name$|\bwave\b|\bround\b|survey year)")


ID = re.compile(r"(?i)^(response_?id|response id|record_id|respondent[ _]?id|resp_?id|_uuid|id|respondent)$")


CHARACTERISTIC = re.compile(r"(?i)(language|race|ethnic|gender|grade|income|disabilit|lunch|idioma)")


# Known answer sets, most negative first ("apart" answers are recognised separately).
ORDERS = [
    ("agree", ["strongly disagree", "disagree", "somewhat disagree", "neither agree nor disagree",
               "somewhat agree", "agree", "strongly agree"]),
    ("frequency", ["never", "rarely", "sometimes", "often", "usually", "always"]),
    ("satisfied", ["very dissatisfied", "dissatisfied", "somewhat dissatisfied",
                   "neither satisfied nor dissatisfied", "somewhat satisfied", "satisfied",
                   "very satisfied"]),
    ("amount", ["not at all", "a little", "somewhat", "quite a bit", "a lot", "very much"]),
    ("quality", ["poor", "fair", "good", "very good", "excellent"]),
    ("likelihood", ["very unlikely", "unlikely", "neither likely nor unlikely", "likely", "very likely"]),
    ("yes-no", ["no", "yes"]),
]


# Question texts whose answers are the respondent's own words.
OWN_WORDS = re.compile(r"(?i)(comment|specify|e-?mail|your name|explain|tell us|\bwhy\b|suggest)")


AGREE_ORDER = {"strongly disagree": 0, "disagree": 1, "somewhat disagree": 2,
               "neither agree nor disagree": 3, "somewhat agree": 4, "agree": 5, "strongly agree": 6}


APART = re.compile(r"(?i)^(don'?t know|do not know|not sure|unsure|n/?a|not applicable|"
                   r"prefer not to (say|answer)|decline to (state|answer)|no opinion|dk)$")


POSITIVE_WORDS = re.compile(r"(?i)\b(agree|always|often|usually|satisfied|yes|very good|excellent|good)\b")


NEGATIVE_WORDS = re.compile(r"(?i)\b(disagree|never|rarely|dissatisfied|no|poor|bad)\b")


OTHER = re.compile(r"(?i)^other\b")


SEPARATORS = (";", ", ", "|")


MOST_VALUES = 60  # a column with more distinct answers than this is free text, not choices


FEWEST_SHARING = 3  # a text given by fewer respondents is not made a codebook text...


SHARE = 0.05  # ...nor one given by fewer than this share of those who answered


def option_columns(read: "tools.Export", cells) -> dict:
    """Returns, from an export whose header names each column's question and row (SurveyMonkey),
    the questions with a column per option: those whose columns hold their own option's text or
    nothing (an "Other" column holds written-in text)."""
    found = {}
    for stem, names in read.questions.items():
        options = [(name, read.parts[name]) for name in names]
        if len(options) > 1 and all(
                OTHER.match(option) or set(cells[name]) <= {"", option} for name, option in options
                if name in cells):
            found[names[0]] = tools.Question(names[0], stem, "many",
                                             tuple((option, option) for _, option in options),
                                             tuple(names))
    return found


def text_of(column: str, questions: dict, texts: dict) -> str:
    question = questions.get(column)
    return (question.text if question and question.text else texts.get(column) or column).strip() or column


def parts(text: str) -> tuple[str, str]:
    """Returns a column's header text as (its question, its row or option): Qualtrics writes
    "Question - Row", Google Forms "Question [Row]", SurveyMonkey's columns here "Question | Row";
    ("", text) for a question of its own."""
    text = re.sub(r" - (Selected Choice|Text)$", "", text)
    found = re.fullmatch(r"(.+?) \[(.+)\]", text) or re.fullmatch(r"(.+?) (?:-|\|) (.+)", text)
    return (found[1].strip(), found[2].strip()) if found else ("", text)


def distinct(cells, column: str) -> Counter:
    return Counter(v for v in cells[column] if v)


def roles(columns: list[str], cells, questions: dict, texts: dict) -> dict:
    """Returns the columns guessed to hold the site, group, wave, id and characteristics."""
    found = {"site": None, "group": None, "wave": None, "id": None, "characteristics": []}
    for column in columns:
        text = f"{column} {text_of(column, questions, texts)}"
        counts = distinct(cells, column)
        if ID.match(column):
            continue
        if found["wave"] is None and WAVE.search(column):
            found["wave"] = column
        elif not counts or len(counts) > MOST_VALUES:
            continue
        elif answer_set(column, cells, questions) is not None:
            continue  # a scale's answers: an item, not who answered
        elif found["site"] is None and SITE.search(text):
            found["site"] = column
        elif found["group"] is None and GROUP.search(text):
            found["group"] = column
        elif CHARACTERISTIC.search(text):
            found["characteristics"].append(column)
    return found


def choices(column: str, cells, questions: dict) -> list[tuple[str, str]]:
    """Returns a choice column's (code, label) pairs: the tool's, else its distinct answers in
    order of first appearance, each as the export writes it."""
    question = questions.get(column)
    if question and question.choices:
        return [(label, label) for _, label in question.choices]  # the export gives labels (tools.read)
    return [(value, value) for value, _ in distinct(cells, column).most_common()]


def answer_set(column: str, cells, questions: dict):
    """Returns ((code, label, side), ...) and how it was ordered, for a column whose answers form
    a scale: known agreement, frequency, amount, quality, likelihood or yes/no wordings, ordered by
    the tool's codes where it has them; None for anything else."""
    question = questions.get(column)
    if question is not None:
        if question.kind != "one" or not question.choices:
            return None
        codes = [code for code, _ in question.choices]
        numeric = all(re.fullmatch(r"-?\d+", c) for c in codes)
        pairs = sorted(question.choices, key=lambda p: int(p[0])) if numeric else list(question.choices)
        labels = [label for _, label in pairs]
        how = "the tool's codes" if numeric else "the tool's order"
    else:
        labels = list(distinct(cells, column))
        if not labels or len(labels) > 12:
            return None
        how = ""
    words = {label.casefold(): label for label in labels}
    substantive = [w for w in words if not APART.match(w)]
    known = next(((name, order) for name, order in ORDERS if substantive and set(substantive) <= set(order)),
                 None)
    if known is None or len(substantive) < 2:
        return None
    if not how:
        labels = [words[w] for w in known[1] if w in words] + [v for v in labels if APART.match(v)]
        how = f"the known {known[0]} wordings"
    substantive = [label for label in labels if not APART.match(label)]
    if _positive_first(substantive):
        substantive = substantive[::-1]
        how += ", turned to put the negative end first"
    half, odd = len(substantive) // 2, len(substantive) % 2
    sides = ["negative"] * half + ["neutral"] * odd + ["positive"] * half
    levels = [(label, label, side) for label, side in zip(substantive, sides, strict=True)]
    levels += [(label, label, "apart") for label in labels if APART.match(label)]
    return levels, how


def _positive_first(labels: list[str]) -> bool:
    """Returns whether a scale's answers run from positive to negative (Strongly agree = 1)."""
    first, last = labels[0], labels[-1]
    return bool(POSITIVE_WORDS.search(first) and not NEGATIVE_WORDS.search(first)
                and NEGATIVE_WORDS.search(last))


TOOL_SEPARATORS = {"qualtrics": ",", "google-forms": ", ", "kobo": " "}


def many(columns: list[str], questions: dict, cells, fmt: str) -> list[tuple[str, str, tuple, list]]:
    """Returns the choose-any questions as (column or stem, text, option columns, (code, label)):
    the tool's (a column per option, or one cell), else columns whose cells join shared answers
    with a separator (options: texts FEWEST_SHARING respondents or more chose; the rest, written in,
    count as Other)."""
    found = []
    for question in questions.values():
        if question.kind != "many":
            continue
        present = [c for c in question.columns if c in cells]
        if present and len(present) == len(question.columns):
            found.append((question.name, question.text, tuple(question.columns), list(question.choices)))
        elif question.name in cells:
            found.append((question.name, question.text, (), list(question.choices)))
    for column in columns:
        if column in questions or column not in cells:
            continue
        values = [v for v in cells[column] if v]
        joined_by = separator(cells[column], fmt)
        if not values or joined_by is None:
            continue
        options, written = pieces(values, joined_by)
        if len(options) >= 2 and len(values) >= 2 * FEWEST_SHARING:
            options = sorted(options, key=lambda o: bool(OTHER.match(o)))  # Other last
            if written and not any(OTHER.match(o) for o in options):
                options.append("Other")
            found.append((column, column, (), [(o, o) for o in options]))
    return found


def separator(values, fmt: str = "") -> str | None:
    """Returns the separator between chosen options: the tool's, or the one that many cells of the
    column hold; None where none does."""
    texts = [v for v in values if v]
    for sign in [TOOL_SEPARATORS[fmt]] if fmt in TOOL_SEPARATORS else SEPARATORS:
        if sum(sign in v for v in texts) >= max(2, len(texts) // 10):
            return sign
    return None


def pieces(values: list[str], separator: str) -> tuple[list[str], int]:
    """Returns the options a one-cell choose-any column's answers share, in order of first
    appearance, and how many written-in texts (shared by fewer) were left out. Pieces that always
    follow one another (an option holding the separator: "Food, clothing, or supplies") are one."""
    cells = [[p.strip() for p in v.split(separator.strip() or separator)] for v in values]
    changed = True
    while changed:
        changed = False
        after: dict[str, Counter] = {}
        count = Counter(p for c in cells for p in c)
        for c in cells:
            for a, b in itertools.pairwise(c):
                after.setdefault(a, Counter())[b] += 1
        for a, following in after.items():
            (b, together), = following.most_common(1)
            before_b = sum(1 for c in cells for x, y in itertools.pairwise(c) if y == b)
            if together == count[a] == count[b] == before_b and count[a] >= FEWEST_SHARING:
                joined = f"{a}{separator}{b}" if separator.endswith(" ") else f"{a}{separator} {b}"
                cells = [_join(c, a, b, joined) for c in cells]
                changed = True
                break
    count = Counter(p for c in cells for p in c)
    fewest = max(FEWEST_SHARING, round(SHARE * len(values)))
    options = [p for p in dict.fromkeys(p for c in cells for p in c) if count[p] >= fewest]
    return options, sum(1 for p in count if count[p] < fewest)


def _join(cell: list[str], a: str, b: str, joined: str) -> list[str]:
    out, number = [], 0
    while number < len(cell):
        if number + 1 < len(cell) and cell[number] == a and cell[number + 1] == b:
            out.append(joined)
            number += 2
        else:
            out.append(cell[number])
            number += 1
    return out
