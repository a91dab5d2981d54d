"""Reports in another language: the message catalogue, the codebook's translations, the locale's
numbers, and a report that never mixes two languages."""

import shutil

import pytest
from babel.messages.pofile import read_po

from helpers import language
from helpers.codebook import read_codebook, translated
from helpers.errors import InputError
from helpers.load import load_dataset

from .conftest import SYNTHETIC, TACOMA, TFS, run_cli


@pytest.fixture
def spanish():
    with language.speaking("es"):
        yield


def test_the_catalogue_template_holds_every_message_of_the_code(tmp_path):
    """Babel's extraction, run afresh over the code and templates, gives the committed template:
    no message is written in the code without reaching the catalogue (make translations)."""
    fresh = tmp_path / "messages.pot"
    language.extract(fresh)
    with fresh.open("rb") as file:
        extracted = {(m.context, m.id) for m in read_po(file) if m.id}
    with language.TEMPLATE.open("rb") as file:
        committed = {(m.context, m.id) for m in read_po(file) if m.id}
    assert extracted == committed, "run `make translations`"
    assert len(committed) > 20


def test_every_translation_keeps_its_message_s_placeholders():
    """Babel's catalogue check, and for the reports' {name} placeholders the same check: a
    translation names exactly the placeholders of its message."""
    import re

    path = language.LOCALES / "es" / "LC_MESSAGES" / "messages.po"
    with path.open("rb") as file:
        catalogue = read_po(file, locale="es_US")
    for message in catalogue:  # Babel takes "95% low" for a %-format; the reports use {name} only
        message.flags.discard("python-format")
    assert not [(message.id, errors) for message, errors in catalogue.check() if errors]
    names = re.compile(r"\{(\w*)[^}]*\}")
    for message in catalogue:
        if not message.id or not message.string:
            continue
        ids = message.id if isinstance(message.id, tuple) else (message.id,)
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        for form, string in enumerate(strings):  # singular against singular, plurals against plural
            wanted = set(names.findall(ids[min(form, len(ids) - 1)]))
            if string:
                assert set(names.findall(string)) == wanted, (message.id, string)


def test_spanish_numbers_and_dates_are_written_as_in_us_spanish(spanish):
    from datetime import UTC, datetime

    assert language.percent(54.5) == "54.5%"
    assert language.number(1234.5) == "1,234.5"
    assert language.when(datetime(2026, 11, 29, 21, 57, tzinfo=UTC)).startswith("29 de noviembre de 2026")
    assert language._("Key findings") == "Hallazgos principales"


def test_an_untranslated_message_stops_the_report_rather_than_mixing_languages(spanish):
    with pytest.raises(language.Untranslated, match="a message no catalogue has"):
        language._("a message no catalogue has")


def test_the_shipped_datasets_have_their_codebook_in_spanish():
    for folder in (TFS, SYNTHETIC):
        codebook = translated(read_codebook(folder), folder, "es")
        assert codebook.dataset.translation_note
        assert all(group.gender for group in codebook.groups)
    tfs = translated(read_codebook(TFS), TFS, "es")
    assert tfs.item("parents").wording_for("community") == "Los padres están incluidos."
    assert tfs.site_name("lehigh-valley") == "Lehigh Valley"  # a proper name stays


def test_loading_a_dataset_in_a_language_does_not_change_the_language_the_reports_speak():
    """load_dataset gives the codebook's texts in the language asked for, and nothing more: the
    report's own words are the run's (helpers.context.Run), never the process's."""
    before = language.current()
    data = load_dataset(TFS, shared=False, language="es")
    assert language.current() == before == "en"
    assert data.codebook.item("parents").wording_for("community") == "Los padres están incluidos."


def test_a_missing_translation_is_listed_with_its_key(tmp_path):
    folder = shutil.copytree(TFS, tmp_path / "tfs")
    text = (folder / "codebook.es.yaml").read_text(encoding="utf-8")
    text = text.replace("  parents:\n    label: Participan los padres\n", "  parents:\n")
    text = text.replace("  r2: {label: Grupos focales (ronda 2)}\n", "  r2: {}\n  r9: {label: Otra}\n")
    (folder / "codebook.es.yaml").write_text(text, encoding="utf-8")
    with pytest.raises(InputError) as error:
        translated(read_codebook(folder), folder, "es")
    message = str(error.value)
    assert "key 'items.parents.label': expected the translation of 'Parents involved'" in message
    assert "key 'activities.r2.label': expected the translation of 'Focus groups (round 2)'" in message
    assert "key 'activities.r9'" in message
    assert "no page mixes two languages" in message


def test_a_dataset_without_a_translation_is_skipped_in_that_language_and_the_run_succeeds(tmp_path):
    """The Tacoma dataset has no codebook.es.yaml at all: a Spanish run says it skipped Spanish
    and why, renders nothing and exits 0; the English reports render as before."""
    result = run_cli("reports", "--data", TACOMA, "--params", tmp_path / "none", "--out", tmp_path,
                     "--language", "es")
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("skipped 'es' for graduate-tacoma: it has no "
                                    "data/graduate-tacoma/codebook.es.yaml")
    assert "rendered only in the languages it has" in result.stdout
    assert "Traceback" not in result.stdout + result.stderr
    assert not (tmp_path / "html").exists()
    english = run_cli("reports", "--data", TACOMA, "--params", tmp_path / "none", "--out", tmp_path)
    assert english.returncode == 0, english.stderr
    assert sorted(p.name for p in (tmp_path / "html" / "graduate-tacoma").glob("*.html")) == [
        "data-quality.html", "network.html"]


def test_a_partial_translation_still_stops_the_run_listing_what_is_missing(tmp_path):
    folder = shutil.copytree(TACOMA, tmp_path / "tacoma")
    (folder / "codebook.es.yaml").write_text("note: Traducción de prueba.\n", encoding="utf-8")
    result = run_cli("reports", "--data", folder, "--params", tmp_path / "none", "--out", tmp_path / "out",
                     "--language", "es")
    assert result.returncode == 2
    assert "codebook.es.yaml, key 'dataset.title': expected the translation of" in result.stderr
    assert "codebook.es.yaml, key 'items." in result.stderr
    assert "no page mixes two languages" in result.stderr
    assert "skipped" not in result.stdout
    assert not (tmp_path / "out" / "html").exists()


def test_an_unknown_language_is_refused_in_words(tmp_path):
    result = run_cli("reports", "--data", TFS, "--out", tmp_path, "--language", "fr")
    assert result.returncode != 0
    assert "expected one of en, es" in result.stderr
    assert "Traceback" not in result.stderr


def test_a_language_with_untranslated_messages_is_refused_before_anything_renders(tmp_path, monkeypatch):
    monkeypatch.setattr(language, "untranslated", lambda code: ["Key findings", "Data notes"])
    with pytest.raises(InputError) as error:
        language.check("es")
    assert "found 'Key findings'; expected a translation of this message" in str(error.value)
    assert "2 messages have no translation" in str(error.value)
    monkeypatch.setattr(language, "UNFINISHED", {"es": "half done"})
    with pytest.raises(InputError, match="es: half done"):
        language.check("es")


def test_every_message_has_its_spanish_translation():
    assert language.untranslated("es") == []


def test_two_reports_in_two_languages_are_built_in_one_process_interleaved():
    """An English and a Spanish run of the same site, their sections built and shown in turn:
    each page speaks its run's language only, its charts' words and numbers too, the same as when
    built alone, and the process speaks English before, between and after."""
    from helpers import report
    from helpers.context import Run

    english = Run(load_dataset(TFS, shared=False), "memphis")
    spanish = Run(load_dataset(TFS, shared=False, language="es"), "memphis")
    alone = report.to_html(report.sites_section(spanish))
    pages = {"en": [], "es": []}
    for section in (report.sites_section, report.contrasts_section, report.methods):
        for run in (english, spanish):
            pages[run.language.code].append(section(run))
            assert language.current() == "en"
    shown = {code: [report.to_html(part) for part in parts] for code, parts in pages.items()}
    assert shown["es"][0] == alone
    assert shown["en"][0].startswith('<div class="section-start"><h2 id="memphis-against-the-other-sites">'
                                     "Memphis against the other sites</h2>")
    assert shown["es"][0].startswith('<div class="section-start"><h2 id="memphis-frente-a-los-demas-sitios">'
                                     "Memphis frente a los demás sitios</h2>")
    for words in ("The numbers behind this chart", "Methods", "95%"):
        assert words in "".join(shown["en"])
    assert "Las cifras detrás de este gráfico" in "".join(shown["es"])
    assert "The numbers behind this chart" not in "".join(shown["es"])
    assert "Las cifras detrás de este gráfico" not in "".join(shown["en"])
    assert report.heading(spanish, "key-findings").data == '<h2 id="key-findings">Hallazgos principales</h2>'
    assert report.heading(english, "key-findings").data == '<h2 id="key-findings">Key findings</h2>'
