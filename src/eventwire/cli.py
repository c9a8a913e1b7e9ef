"""The ``eventwire`` command. The only module that configures logging or writes to the terminal.

Every command translates errors the same way, in ``_Group.invoke``: one line on stderr that names
the cause and the fix, and an exit code; a traceback only with ``-vv``.

    0  done (rejected documents are reported on stderr and do not change it)
    1  an unexpected internal error (a bug: run again with -vv and report the traceback)
    2  a usage error: unknown option, missing input, unusable settings file
    3  the environment: a missing spaCy model or optional package, invalid data files
    4  the store cannot be opened or written (another process holds it, not a DuckDB file)
  130  interrupted
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import logging
import os
import sys
from pathlib import Path

import click

from .config import Settings, __version__
from .errors import ConfigError, EventwireError, InputError, StoreError

logger = logging.getLogger("eventwire")

EXIT_INTERNAL, EXIT_USAGE, EXIT_CONFIG, EXIT_STORE, EXIT_INTERRUPTED = 1, 2, 3, 4, 130
_EXIT_CODES = ((InputError, EXIT_USAGE), (ConfigError, EXIT_CONFIG), (StoreError, EXIT_STORE))


class _Failure(click.ClickException):
    """One line on stderr and an exit code: how every command ends on an error."""

    def __init__(self, message: str, exit_code: int):
        super().__init__(message)
        self.exit_code = exit_code


class _Group(click.Group):
    """The command group; translates every error of every command at this one edge."""

    def main(self, args=None, prog_name=None, complete_var=None, standalone_mode=True, **extra):
        "Click's main, but a usage error is one line too (cause, then where the help is)."
        if not standalone_mode:
            return super().main(args, prog_name, complete_var, standalone_mode, **extra)
        try:
            result = super().main(args, prog_name, complete_var, False, **extra)
        except click.UsageError as exc:
            where = f" (see '{exc.ctx.command_path} --help')" if exc.ctx is not None else ""
            click.echo(f"Error: {exc.format_message()}{where}", err=True)
            sys.exit(exc.exit_code)
        except click.ClickException as exc:
            exc.show()
            sys.exit(exc.exit_code)
        except click.Abort:
            click.echo("Aborted!", err=True)
            sys.exit(EXIT_INTERNAL)
        sys.exit(result if isinstance(result, int) else 0)

    def invoke(self, ctx: click.Context):
        try:
            return super().invoke(ctx)
        except (click.ClickException, click.exceptions.Exit, click.Abort):
            raise
        except KeyboardInterrupt:
            raise _Failure("interrupted", EXIT_INTERRUPTED) from None
        except Exception as exc:  # noqa: BLE001 - the edge: translate, never a traceback unless -vv
            if ctx.meta.get("eventwire.verbose", 0) >= 2:
                raise
            raise _failure(exc) from None


def _failure(exc: Exception) -> _Failure:
    "The one-line message and exit code of an error."
    for kind, code in _EXIT_CODES:
        if isinstance(exc, kind):
            return _Failure(str(exc), code)
    if isinstance(exc, EventwireError):
        return _Failure(str(exc), EXIT_INTERNAL)
    if isinstance(exc, OSError) and exc.filename:
        return _Failure(f"{exc.strerror or exc}: {exc.filename}", EXIT_USAGE)
    return _Failure(f"internal error {type(exc).__name__}: {exc} (run again with -vv for the traceback, "
                    "and report it)", EXIT_INTERNAL)


def _settings(ctx: click.Context) -> Settings:
    "The settings built once at startup."
    return ctx.obj["settings"]


@click.group(cls=_Group, epilog="Exit codes: 0 done, 1 internal error, 2 usage, 3 missing model or package, "
                                "4 store unavailable, 130 interrupted.")
@click.version_option(__version__, prog_name="eventwire")
@click.option("--config", type=click.Path(dir_okay=False), default=None, help="TOML settings file.")
@click.option("--dict-dir", type=click.Path(), default=None,
              help="User dictionaries loaded over the built-in data (setting dict_dir; see Corrections).")
@click.option("--lang", "language", default=None,
              help="Code every document in this language instead of detecting it (en, es; setting language).")
@click.option("--no-decider", "no_decider", is_flag=True,
              help="Code with the rules alone, without the learned decision (setting decider = false).")
@click.option("-v", "--verbose", count=True, help="More log output (-vv for debug).")
@click.pass_context
def main(ctx: click.Context, config: str | None, dict_dir: str | None, language: str | None, no_decider: bool,
         verbose: int) -> None:
    """News in, PLOVER political events out: who did what to whom, when and where."""
    level = logging.WARNING - 10 * min(verbose, 2)
    logging.basicConfig(level=level, format="%(levelname)s %(name)s: %(message)s", stream=sys.stderr)
    ctx.meta["eventwire.verbose"] = verbose
    try:
        overrides = {k: v for k, v in (("dict_dir", dict_dir), ("language", language)) if v is not None}
        if no_decider:
            overrides["decider"] = False
        ctx.obj = {"settings": Settings.load(config, overrides=overrides or None)}
    except EventwireError as exc:
        raise click.UsageError(str(exc)) from exc


def _inputs(ctx: click.Context, inputs: tuple[str, ...], *, progress: bool = False):
    "Read the inputs, turning an unusable argument into a usage error (exit 2)."
    from .text.reading import FieldMap, read_inputs

    for path in inputs:
        if path != "-" and not os.path.exists(path):
            raise click.BadParameter(f"no such file or folder: {path}", param_hint="INPUT")
    fields = FieldMap(**ctx.meta.get("eventwire.fields", {}))
    try:
        items = read_inputs(list(inputs), settings=_settings(ctx), stdin=sys.stdin.buffer, fields=fields)
        yield from (_track(items, inputs, label="reading") if progress else items)
    except InputError as exc:
        raise click.BadParameter(str(exc), param_hint="INPUT") from exc


def _report_rejected(rejected) -> None:
    "Tell the user on stderr which document was rejected and why."
    click.echo(f"rejected {rejected.doc_id}: {rejected.reason}", err=True)


def _track(items, inputs: tuple[str, ...], *, label: str):
    "A progress bar with documents/s (and ETA when the inputs can be counted) on a terminal's stderr."
    from .run.progress import progress_enabled, track
    from .text.reading import count_inputs

    if not progress_enabled():
        return items
    return track(items, total=count_inputs(inputs), label=label)


def _store_field(ctx: click.Context, param: click.Parameter, value: str) -> None:
    "Keep a --*-field option for _inputs (FieldMap)."
    ctx.meta.setdefault("eventwire.fields", {})[param.name.removesuffix("_field")] = value


def _field_options(func):
    "--id-field, --text-field, --title-field, --date-field, --url-field: names in JSONL/JSON records."
    for name, default in reversed([("id", "id"), ("text", "text"), ("title", "title"), ("date", "published"),
                                   ("url", "url")]):
        func = click.option(f"--{name}-field", f"{name}_field", default=default, show_default=True,
                            expose_value=False, callback=_store_field,
                            help=f"Record field (or dotted path) holding the document's {name}.")(func)
    return func


_workers_option = click.option("--workers", type=click.IntRange(min=1), default=None,
                               help="Worker processes (default: number of cores). Never changes the output.")


@main.command()
@click.argument("inputs", nargs=-1, required=True)
@click.option("-o", "--output", default="-", help="Output JSONL file ('-' for standard output).")
@_workers_option
@_field_options
@click.pass_context
def code(ctx: click.Context, inputs: tuple[str, ...], output: str, workers: int | None) -> None:
    """Code documents into PLOVER events (JSONL, one event per line, in input order)."""
    from .records import Rejected
    from .run.pool import code_parallel

    settings = _settings(ctx)
    out = sys.stdout if output == "-" else open(output, "w", encoding="utf-8")
    try:
        outcomes = code_parallel(_inputs(ctx, inputs), settings=settings, workers=workers or os.cpu_count() or 1)
        for outcome in _track(outcomes, inputs, label="coding"):
            if isinstance(outcome, Rejected):  # else Coded
                _report_rejected(outcome)
            else:
                for _doc, events in outcome.documents:
                    for event in events:
                        out.write(json.dumps(event.as_dict(), ensure_ascii=False) + "\n")
    finally:
        if out is not sys.stdout:
            out.close()


@main.command("clean")
@click.argument("inputs", nargs=-1, required=True)
@_field_options
@click.pass_context
def clean_cmd(ctx: click.Context, inputs: tuple[str, ...]) -> None:
    """Print the cleaned documents as JSONL (event offsets refer to their text)."""
    from .records import Rejected
    from .run.pipeline import clean_stream

    for outcome in clean_stream(_inputs(ctx, inputs), settings=_settings(ctx)):
        if isinstance(outcome, Rejected):
            _report_rejected(outcome)
            continue
        for doc in outcome.documents:
            click.echo(json.dumps(document_dict(doc), ensure_ascii=False))


@main.command("places")
@click.argument("inputs", nargs=-1, required=True)
@click.option("-o", "--output", default="-", help="Output JSONL file ('-' for standard output).")
@_field_options
@click.pass_context
def places_cmd(ctx: click.Context, inputs: tuple[str, ...], output: str) -> None:
    """Every place mention, resolved (JSONL, one mention per line; offsets into a JSONL text as given)."""
    from .records import Rejected
    from .run.pipeline import Coder

    coder = Coder.load(_settings(ctx))
    out = sys.stdout if output == "-" else open(output, "w", encoding="utf-8")
    try:
        for outcome in coder.places_stream(_inputs(ctx, inputs)):
            if isinstance(outcome, Rejected):
                _report_rejected(outcome)
                continue
            for record in outcome.records:
                out.write(json.dumps(record, ensure_ascii=False) + "\n")
    finally:
        if out is not sys.stdout:
            out.close()


def document_dict(doc) -> dict:
    "A cleaned document as the JSON `clean` prints."
    return {"id": doc.id, "title": doc.title, "text": doc.text,
            "published": doc.published.isoformat() if doc.published else None,
            "url": doc.url, "source": doc.source, "kind": doc.kind, "parent": doc.parent,
            "language": doc.language}


@main.command()
@click.argument("inputs", nargs=-1, required=False)
@click.option("--db", "db_path", default="eventwire.duckdb", show_default=True, help="DuckDB file.")
@_workers_option
@click.option("--store-batch", type=click.IntRange(min=1), default=64, show_default=True,
              help="Documents per store transaction (a crash loses at most one).")
@click.option("--parquet", "parquet_dir", type=click.Path(file_okay=False, exists=True), default=None,
              help="Load the output folder of `eventwire run` instead of coding INPUTs.")
@_field_options
@click.pass_context
def ingest(ctx: click.Context, inputs: tuple[str, ...], db_path: str, workers: int | None,
           store_batch: int, parquet_dir: str | None) -> None:
    """Code documents and store documents, rejections, mentions and events in DuckDB."""
    from .run.ingest import ingest_items

    from .run.handoff import live_server

    settings = _settings(ctx)
    if parquet_dir is not None or not inputs:
        _ingest_parquet(parquet_dir, inputs, db_path=db_path, settings=settings, store_batch=store_batch)
        return
    if (server := live_server(db_path)) is not None:
        _ingest_through_server(ctx, inputs, db_path=db_path, server=server)
        return
    counts = ingest_items(_inputs(ctx, inputs, progress=True), db_path=db_path, settings=settings,
                          workers=workers or os.cpu_count() or 1, on_rejected=_report_rejected,
                          store_batch=store_batch)
    click.echo(f"ingested {counts['documents']} documents ({counts['rejected']} rejected), "
               f"{counts['events']} event mentions into {db_path}"
               + (f"; {counts['skipped']} unchanged inputs skipped" if counts.get("skipped") else ""), err=True)


def _ingest_through_server(ctx: click.Context, inputs: tuple[str, ...], *, db_path: str, server: dict) -> None:
    "ingest into a served store: the documents go to the server's spool, and we wait until it has stored them."
    from .records import Rejected
    from .run.handoff import Spool, live_server

    spool = Spool(db_path)
    ticket = spool.submit(_inputs(ctx, inputs, progress=True))
    click.echo(f"{db_path} is served at {server['url']} (PID {server['pid']}): handed the documents to it", err=True)
    answer = spool.wait(ticket, alive=lambda: live_server(db_path) is not None)
    for doc_id, reason in answer["rejected"]:
        _report_rejected(Rejected(doc_id, reason))
    counts = answer["counts"]
    click.echo(f"ingested {counts['documents']} documents ({counts['rejected']} rejected), "
               f"{counts['events']} event mentions into {db_path} through the server"
               + (f"; {counts['skipped']} unchanged inputs skipped" if counts.get("skipped") else ""), err=True)


def _served_at(db_path: str) -> str | None:
    "The URL of the eventwire server that holds ``db_path``, or None when none runs."
    from .run.handoff import live_server

    server = live_server(db_path)
    return server["url"] if server else None


def _server_get(url: str, path: str, params: dict) -> dict:
    "GET a route of a running server; StoreError (one line) when it does not answer."
    import httpx

    try:
        answer = httpx.get(url + path, params={k: v for k, v in params.items() if v is not None}, timeout=60)
        answer.raise_for_status()
    except (httpx.HTTPError, httpx.InvalidURL) as exc:
        raise StoreError(f"the server at {url} holds the store but did not answer {path}: {exc}") from exc
    return answer.json()


def _ingest_parquet(parquet_dir: str | None, inputs: tuple[str, ...], *, db_path: str, settings: Settings,
                   store_batch: int) -> None:
    "ingest --parquet DIR: load an `eventwire run` output into the store."
    from .run.distributed import ingest_parquet

    if parquet_dir is None or inputs:
        raise click.UsageError("give INPUT... to code, or --parquet DIR alone")
    counts = ingest_parquet(parquet_dir, db_path=db_path, settings=settings, batch_documents=store_batch)
    click.echo(f"ingested {counts['documents']} documents ({counts['rejected']} rejected), "
               f"{counts['events']} event mentions from {parquet_dir} into {db_path}", err=True)


@main.command()
@click.argument("inputs", nargs=-1, required=True)
@click.option("--out", "out_dir", required=True, type=click.Path(file_okay=False),
              help="Output folder: events/year=/month=/*.parquet and documents/*.parquet.")
@click.option("--engine", type=click.Choice(["local", "ray"]), default="local", show_default=True,
              help="local: the process pool; ray: Ray Data (pip install 'eventwire[ray]').")
@click.option("--address", default=None, help="Ray cluster address (default: start a local one).")
@_workers_option
@click.pass_context
def run(ctx: click.Context, inputs: tuple[str, ...], out_dir: str, engine: str, address: str | None,
        workers: int | None) -> None:
    """Code files, JSONL or Parquet (id, text, ...) into event Parquet partitioned by year/month."""
    from .run.distributed import run_to_parquet

    for path in inputs:
        if "://" not in path and not os.path.exists(path):
            raise click.BadParameter(f"no such file or folder: {path}", param_hint="INPUT")
    counts = run_to_parquet(list(inputs), out=out_dir, settings=_settings(ctx), engine=engine,
                            workers=workers or os.cpu_count() or 1, address=address)
    click.echo(f"coded {counts['documents']} documents ({counts['rejected']} rejected), "
               f"{counts['events']} event mentions into {out_dir}", err=True)


@main.command()
@click.option("--db", "db_path", default="eventwire.duckdb", show_default=True, help="DuckDB file.")
@_workers_option
@click.option("--all", "everything", is_flag=True, help="Re-code documents already coded by this version too.")
@click.pass_context
def recode(ctx: click.Context, db_path: str, workers: int | None, everything: bool) -> None:
    """Re-code the stored (cleaned) documents with the current coder; the run records its version."""
    from .run.ingest import recode_store

    if not os.path.exists(db_path):
        raise click.BadParameter(f"no such store: {db_path}", param_hint="--db")
    counts = recode_store(db_path, settings=_settings(ctx), workers=workers or 1, everything=everything)
    click.echo(f"re-coded {counts['documents']} documents: {counts['events']} event mentions in {db_path}",
               err=True)


@main.command()
@click.option("--db", "db_path", default="eventwire.duckdb", show_default=True, help="DuckDB file.")
@click.option("--format", "fmt", type=click.Choice(["jsonl", "csv", "parquet", "gdelt", "plover"]),
              required=True, help="parquet: a folder partitioned by year/month; gdelt: GDELT 2.0 TSV.")
@click.option("-o", "--output", required=True, help="Output file (a folder for parquet).")
@click.option("--header", is_flag=True, help="gdelt: write the column names first.")
@click.option("--include-rejected", is_flag=True, help="Keep the events analysts rejected.")
@click.option("--lang", "language", default=None, help="Only events with a mention in a document of this language (es).")
def export(db_path: str, fmt: str, output: str, header: bool, include_rejected: bool, language: str | None) -> None:
    """Export every deduplicated event of a store (analysts' corrections applied); through the
    server when `eventwire serve` holds the store (the same bytes)."""
    from .store.core import Store
    from .store.exports import export_events, write_export

    if not os.path.exists(db_path):
        raise click.BadParameter(f"no such store: {db_path}", param_hint="--db")
    if (url := _served_at(db_path)) is not None:  # the server holds the store: its rows stream through it
        from .serve.remote import ServedStore

        with ServedStore(url, db_path=db_path).export_reader(include_rejected=include_rejected,
                                                             language=language) as reader:
            n = write_export(reader, output, fmt=fmt, header=header)
        click.echo(f"exported {n} events to {output} ({fmt}) through the server at {url}", err=True)
        return
    with Store.open(db_path, read_only=True) as store:
        n = export_events(store, output, fmt=fmt, header=header, include_rejected=include_rejected,
                          language=language)
    click.echo(f"exported {n} events to {output} ({fmt})", err=True)


@main.command()
@click.option("--db", "db_path", default="eventwire.duckdb", show_default=True)
def summary(db_path: str) -> None:
    """Print documents, rejections, events per PLOVER type and the top dyads."""
    from .store.core import Store

    if (url := _served_at(db_path)) is not None:  # the server holds the store: ask it
        s = _server_get(url, "/summary", {"top": 10})
        s["top_dyads"] = [(d["actor"], d["recipient"], d["events"]) for d in s["top_dyads"]]
    else:
        with Store.open(db_path) as store:
            s = store.summary()
    click.echo(f"documents: {s['documents']}   rejected: {s['rejected']}   "
               f"mentions: {s['mentions']}   events: {s['events']}")
    click.echo("events per PLOVER type:")
    for event_type, n in sorted(s["by_type"].items(), key=lambda kv: (-kv[1], kv[0])):
        click.echo(f"  {event_type:<10} {n:>6}")
    click.echo("top dyads:")
    for row in s["top_dyads"]:
        a, b, n = row[0], row[1], row[2]
        click.echo(f"  {a or '?':<6} -> {b or '-':<6} {n:>6}")


@main.command()
@click.option("--db", "db_path", default="eventwire.duckdb", show_default=True)
@click.option("--actor", default=None, help="Actor country/organisation code (ISO3, IGO, ...).")
@click.option("--recipient", default=None)
@click.option("--type", "event_type", default=None, help="PLOVER event type.")
@click.option("--since", type=click.DateTime(["%Y-%m-%d"]), default=None)
@click.option("--until", type=click.DateTime(["%Y-%m-%d"]), default=None)
@click.option("--limit", type=click.IntRange(1, 100000), default=100, show_default=True)
@click.option("--format", "fmt", type=click.Choice(["table", "jsonl", "csv"]), default="table", show_default=True)
@click.option("--lang", "language", default=None, help="Only events found in documents of this language (en, es).")
def events(db_path: str, actor, recipient, event_type, since, until, limit, fmt, language) -> None:
    """Query stored events."""
    from .store.core import Store

    filters = dict(actor=actor, recipient=recipient, event_type=event_type.upper() if event_type else None,
                   since=since.date() if since else None, until=until.date() if until else None)
    if language:
        filters["language"] = language
    if (url := _served_at(db_path)) is not None:  # the server holds the store: page through its API
        rows = _served_events(url, filters, limit=limit)
    else:
        with Store.open(db_path) as store:
            rows = store.events(**filters, limit=limit)
    if fmt == "jsonl":
        for row in rows:
            click.echo(json.dumps(row, ensure_ascii=False, default=_json_default))
    elif fmt == "csv":
        buf = io.StringIO()
        if rows:
            writer = csv.DictWriter(buf, fieldnames=list(rows[0]))
            writer.writeheader()
            for row in rows:
                writer.writerow({k: _json_default(v) if isinstance(v, (dt.date, list, tuple)) else v for k, v in row.items()})
        click.echo(buf.getvalue(), nl=False)
    else:
        cols = ["date", "event_type", "actor_code", "actor_name", "recipient_code", "recipient_name", "num_mentions"]
        click.echo("  ".join(f"{c:<14}" for c in cols))
        for row in rows:
            click.echo("  ".join(f"{str(row.get(c, '') if row.get(c) is not None else '-')[:14]:<14}" for c in cols))


def _served_events(url: str, filters: dict, *, limit: int) -> list[dict]:
    "Up to ``limit`` events from a running server's GET /events, page by page."
    params = {"actor": filters["actor"], "recipient": filters["recipient"], "type": filters["event_type"],
              "since": filters["since"] and filters["since"].isoformat(),
              "until": filters["until"] and filters["until"].isoformat(), "language": filters.get("language")}
    rows: list[dict] = []
    cursor = None
    while len(rows) < limit:
        page = _server_get(url, "/events", {**params, "limit": min(1000, limit - len(rows)), "cursor": cursor})
        rows.extend(page["events"])
        cursor = page.get("next_cursor")
        if not cursor:
            break
    return rows


def _json_default(value):
    "JSON for dates and tuples."
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    if isinstance(value, (list, tuple)):
        return "|".join(map(str, value))
    return str(value)


@main.command()
@click.option("--db", "db_path", default="eventwire.duckdb", show_default=True)
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=8000, show_default=True, type=int)
@click.option("--watch", "sources_file", type=click.Path(dir_okay=False, exists=True), default=None,
              help="SOURCES file: one feed URL, page URL, folder or file a line ('#' comments), polled into the store.")
@click.option("--every", type=click.FloatRange(min=1), default=None,
              help="Seconds between two polls of the --watch sources (default: watch_every, 900).")
@click.option("--updates-every", type=click.FloatRange(min=0), default=None,
              help="Seconds between two GDELT-style update files in DB.updates/ (default: updates_every, 900; 0: none).")
@click.option("--workers", type=click.IntRange(min=0), default=None,
              help="Coder processes for what --watch and `ingest --db` bring in, kept between polls "
                   "(default: watch_workers, 1; 0: code in the serving process).")
@click.pass_context
def serve(ctx: click.Context, db_path: str, host: str, port: int, sources_file: str | None,
          every: float | None, updates_every: float | None, workers: int | None) -> None:
    """Serve the REST API and the dashboard; with --watch, poll feeds, pages and folders into the store."""
    import uvicorn

    from .run.handoff import Spool, announce, withdraw
    from .run.pipeline import SharedCoder
    from .run.vocabulary import load_vocabulary
    from .run.watch import Watcher, read_sources
    from .serve.api import create_app
    from .serve.updates import Publisher

    settings = _settings(ctx)
    coding = SharedCoder(settings)
    sources = read_sources(sources_file) if sources_file else []
    # the watcher also drains DB.spool/, where `eventwire ingest --db DB` leaves documents for this server
    watcher = Watcher(sources, settings=settings, coding=coding, every=every or settings.watch_every,
                      spool=Spool(db_path), on_stop=lambda: withdraw(db_path),
                      workers=settings.watch_workers if workers is None else workers)
    updates_every = settings.updates_every if updates_every is None else updates_every
    updates = Publisher(db_path, every=updates_every, keep_days=settings.updates_keep_days) if updates_every else None
    app = create_app(db_path, settings=settings, coding=coding, watcher=watcher,
                     vocabulary=load_vocabulary(settings), updates=updates)
    announce(db_path, f"http://[{host}]:{port}" if ":" in host else f"http://{host}:{port}")
    click.echo(f"serving {db_path} on http://{host}:{port}"
               + (f", watching {len(sources)} sources every {watcher.every:g} s" if sources else ""), err=True)
    try:
        uvicorn.run(app, host=host, port=port, log_level="warning")
    finally:
        withdraw(db_path)


@main.command("eval")
@click.option("--shared", type=click.Path(file_okay=False), default=None,
              help="The shared data folder (default: ../shared beside the repo, or $EVENTWIRE_SHARED).")
@click.option("--set", "sets", multiple=True, help="Only these sets (plover, case, conflibert, sample).")
@click.option("--json", "as_json", is_flag=True, help="Print the report as JSON.")
@click.option("--sealed", is_flag=True,
              help="Add the sealed fold's aggregate figures (fold 4: only at the end of a piece of work).")
@click.option("--gold", type=click.Path(dir_okay=False, exists=True), default=None,
              help="Score on this gold file instead (PLOVER dev set shape: eventwire corrections export).")
@click.pass_context
def eval_cmd(ctx: click.Context, shared: str | None, sets: tuple[str, ...], as_json: bool, sealed: bool,
             gold: str | None) -> None:
    """Score the coder on the gold sets in ../shared/gold/dev and the sample page: all documents,
    the read folds, cross-validated (learned parts), and with --sealed the sealed fold (or on --gold FILE)."""
    from .evaluation.events import eval_gold, format_report, run_eval
    from .run.pipeline import Coder

    if gold:
        report = eval_gold(Path(gold), coder=Coder.load(_settings(ctx)))
        click.echo(json.dumps(report, indent=2, default=str) if as_json else format_report(report))
        return
    path = Path(shared or os.environ.get("EVENTWIRE_SHARED") or _default_shared())
    if not path.is_dir():
        click.echo(f"{path} not found: nothing to evaluate (the gold sets live in ../shared)", err=True)
        return
    report = run_eval(path, coder=Coder.load(_settings(ctx)), sets=list(sets) or None, sealed=sealed)
    click.echo(json.dumps(report, indent=2, default=str) if as_json else format_report(report))


@main.group()
def corrections() -> None:
    """Analysts' corrections: export them as gold, suggest user dictionary rows."""


@corrections.command("export")
@click.option("--db", "db_path", default="eventwire.duckdb", show_default=True, help="DuckDB file.")
@click.option("-o", "--output", required=True, help="Gold JSONL file (the PLOVER dev set's shape).")
def corrections_export(db_path: str, output: str) -> None:
    """Write every corrected or confirmed event as a gold record (for eventwire eval --gold)."""
    from .store.core import Store
    from .store.gold import export_gold

    if not os.path.exists(db_path):
        raise click.BadParameter(f"no such store: {db_path}", param_hint="--db")
    with Store.open(db_path, read_only=True) as store:
        n = export_gold(store, output)
    click.echo(f"wrote {n} gold records to {output}", err=True)


@corrections.command("suggest")
@click.option("--db", "db_path", default="eventwire.duckdb", show_default=True, help="DuckDB file.")
@click.option("-o", "--output", "out_dir", type=click.Path(file_okay=False), default=None,
              help="Write organisations.tsv and triggers.tsv (the dict-dir format) into this folder.")
@click.pass_context
def corrections_suggest(ctx: click.Context, db_path: str, out_dir: str | None) -> None:
    """Propose user dictionary rows from the corrections: actor names the dictionary lacks, re-typed triggers."""
    from .coding.codelists import CodeLists
    from .store.core import Store
    from .store.gold import suggestions, write_suggestions

    if not os.path.exists(db_path):
        raise click.BadParameter(f"no such store: {db_path}", param_hint="--db")
    settings = _settings(ctx)
    known = CodeLists.load(settings.data_path, extra_dirs=settings.dict_dirs).names
    with Store.open(db_path, read_only=True) as store:
        found = suggestions(store, known_names=known, lemma=_lemmatizer(settings))
    for name, code, sector, n in found.actors:
        click.echo(f"actor\t{name}\t{code}\t{sector}\t{n} event(s)")
    for word, pos, kind, mode, n in found.triggers:
        click.echo(f"trigger\t{word}\t{pos}\t{kind}\t{mode}\t{n} event(s)")
    if out_dir:
        paths = write_suggestions(found, out_dir)
        click.echo(f"wrote {len(found.actors)} actor and {len(found.triggers)} trigger rows to "
                   f"{', '.join(map(str, paths))}: check them, then copy them into your dict dir", err=True)


def _lemmatizer(settings: Settings):
    "A (trigger, sentence) -> (lemma, pos) function on the settings' spaCy model, loaded at the first call."
    from .coding.nlp import load_pipeline

    loaded: dict = {}

    def lemma(word: str, sentence: str) -> tuple[str, str]:
        if "nlp" not in loaded:
            loaded["nlp"] = load_pipeline(settings.spacy_model)
        token = next((t for t in loaded["nlp"](sentence) if t.text == word), None)
        if token is None:
            return word.lower(), "V"
        return token.lemma_.lower(), "N" if token.pos_ in {"NOUN", "PROPN"} else "V"

    return lemma


def _default_shared() -> Path:
    "../shared beside the current directory's repository."
    here = Path.cwd()
    for base in (here, *here.parents):
        if (base / "pyproject.toml").exists():
            return base.parent / "shared"
    return here.parent / "shared"


if __name__ == "__main__":  # pragma: no cover
    main()
