"""The event store: one DuckDB file of documents, mentions and deduplicated events.

    from eventwire.store import Store, encode_cursor

    with Store.open("eventwire.duckdb") as store:
        store.write_batch(articles, rejected, events)
        page = store.events(actor="USA", sort="newest", limit=100)
        more = store.events(actor="USA", limit=100, cursor=encode_cursor(page[-1]))

Modules, one concept each (all SQL of eventwire lives in this package):

    schema      tables, migrations, Arrow row shapes, SCHEMA_VERSION
    clustering  mentions into events (deduplication)
    writer      what a batch writes: documents, mentions, inputs, actors, runs
    queries     every read: event filters (written once), pages, map, trends, summaries
    cursors     listing orders and the cursors that resume them
    core        ``Store``: open (DuckDB errors -> StoreError), close, sessions, write_batch
    exports     JSONL, CSV, Parquet, GDELT and PLOVER exports
    database    the pandas / Arrow front behind ``eventwire.open``
    polls       the poll state of ``serve --watch``: sources, seen items, fetch failures
"""

from .core import Store
from .cursors import SORTS, encode_cursor
from .polls import SeenItem
from .queries import EventFilter
from .schema import SCHEMA_VERSION
from .writer import StoredInput, content_hash, input_hash

__all__ = ["SCHEMA_VERSION", "SORTS", "EventFilter", "SeenItem", "Store", "StoredInput", "content_hash", "encode_cursor",
           "input_hash"]
