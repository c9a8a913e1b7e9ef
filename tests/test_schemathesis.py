"""Property-based requests generated from the app's own OpenAPI schema (schemathesis).

Every operation gets a few dozen generated requests against a small temporary store;
none may answer with a server error, and every answer must match the documented status
codes and response schema. Bounded: a handful of examples per operation, well under a minute.
"""

from __future__ import annotations

import datetime as dt

import pytest

schemathesis = pytest.importorskip("schemathesis", reason="schemathesis (pinned in requirements.lock) is not installed")
from hypothesis import HealthCheck, given, settings  # noqa: E402
from schemathesis.checks import not_a_server_error  # noqa: E402
from schemathesis.specs.openapi.checks import response_schema_conformance, status_code_conformance  # noqa: E402

from eventwire.serve.api import create_app  # noqa: E402
from eventwire.store import Store  # noqa: E402

from eventwire.records import Actor, Article, Event, Place  # noqa: E402

MAX_EXAMPLES = 15  # per operation: 12 operations stay within ~20 s on 2 cores


TEXT = "Israel struck a Hamas commander in Gaza on Thursday. China met the United States in Beijing."


def _event(doc_id: str, actor: Actor, recipient: Actor, event_type: str, quad_class: int, day: int,
           place: Place | None) -> Event:
    "One coded mention in TEXT."
    return Event(event_id=f"{doc_id}:{event_type}", doc_id=doc_id, event_type=event_type, mode=None, contexts=(),
                 actor=actor, recipient=recipient, date=dt.date(2024, 8, day), date_precision="day",
                 location=place, sentence=TEXT[:52], sentence_start=0, sentence_end=52, section="text",
                 trigger="struck", negated=False, hypothetical=False, confidence=0.8, quad_class=quad_class,
                 cameo="18", score=-9.0 if quad_class == 4 else 1.0, coder_version="test")


class _NoCoding:
    """POST /documents never gets this far without the token; /places finds no place."""

    def code_records(self, records: list[dict]):
        raise AssertionError("the coder ran without a valid token")

    def places(self, article) -> list[dict]:
        return []


@pytest.fixture(scope="module")
def api_schema(tmp_path_factory):
    "The app's OpenAPI schema, bound to the app over a two-document store."
    path = str(tmp_path_factory.mktemp("schemathesis") / "api.duckdb")
    isr, pse = Actor("Israel", "Israel", "ISR", "GOV"), Actor("Hamas", "Hamas", "PSE", "REB")
    chn, usa = Actor("China", "China", "CHN", "GOV"), Actor("the United States", "United States", "USA", "GOV")
    with Store.open(path) as store:
        store.write_batch(
            [Article(id=d, text=TEXT, title=f"Title {d}", published=dt.date(2024, 8, 6)) for d in ("d1", "d2")], [],
            [_event("d1", isr, pse, "ASSAULT", 4, 1, Place("Gaza", "Gaza", "PSE", lat=31.5, lon=34.47)),
             _event("d2", chn, usa, "CONSULT", 1, 6, None)])
    app = create_app(path, token="schemathesis-token", coding=_NoCoding())
    return schemathesis.openapi.from_asgi("/openapi.json", app)


def test_schemathesis_no_server_error(api_schema):
    # schemathesis' own pytest plugin (from_fixture) fails under pytest 9, so each operation's
    # strategy is driven by hypothesis directly; the checks are the same.
    operations = [result.ok() for result in api_schema.get_all_operations()]
    assert len(operations) >= 12
    for operation in operations:
        @given(case=operation.as_strategy())
        @settings(max_examples=MAX_EXAMPLES, deadline=None, derandomize=True, database=None,
                  suppress_health_check=list(HealthCheck))
        def check(case):
            response = case.call()
            case.validate_response(response, checks=[not_a_server_error, status_code_conformance,
                                                      response_schema_conformance])

        check()
