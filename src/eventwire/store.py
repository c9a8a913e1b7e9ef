"""The DuckDB event store: schema, idempotent writes, queries.

INTERFACE:

    with Store.open(path) as store:              # ":memory:" works
        store.write_batch(articles, rejected, events)   # one transaction; re-writing adds nothing
        store.events(actor=None, recipient=None, event_type=None, since=None, until=None, limit=None) -> list[dict]
        store.summary() -> dict                   # documents, rejected, events per type, top dyads
"""
