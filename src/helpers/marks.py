"""The signs the reports write beside or instead of a figure, defined once for the page, the
charts and the workbooks."""

WITHHELD = "—"  # withheld by disclosure control, never 0 or blank
FLAG = "†"  # resting on fewer respondents than the report's min_n
PRECISION = "‡"  # too imprecise to read much into (NCHS), apart from privacy
