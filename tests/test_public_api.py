import eventwire


def test_public_api_all_is_complete_and_sorted():
    public = {name for name in dir(eventwire) if not name.startswith("_") and name[0].isupper() or name in ("code",)}
    assert sorted(eventwire.__all__, key=str.lower) == sorted(set(eventwire.__all__), key=str.lower)
    assert public <= set(eventwire.__all__)
    for name in eventwire.__all__:
        assert hasattr(eventwire, name), name


def test_public_api_code_returns_events_with_contract_fields():
    events = eventwire.code("Russian troops shelled Kharkiv on Monday.", published="2024-05-14")
    assert events, "a plain assault sentence must give an event"
    record = events[0].as_dict()
    for field in ("event_id", "doc_id", "event_type", "mode", "contexts", "actor", "recipient", "date",
                  "date_precision", "location", "sentence", "sentence_start", "sentence_end", "trigger",
                  "negated", "hypothetical", "confidence", "quad_class", "cameo", "score", "coder_version"):
        assert field in record
    assert record["event_type"] == "ASSAULT"
    assert record["actor"]["code"] == "RUS"
    assert record["date"] == "2024-05-13"
