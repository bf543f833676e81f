"""The indexer: the only writer of an index. Follows the change log, or rebuilds from scratch.

**Following.** Every change to what search shows writes a ``search_change`` row in the same
transaction (``catalogue.audit.log_search_change``). The indexer reads the rows after its
position in batches, re-reads each named entity from the database and upserts or deletes its
documents, then commits the documents *and* its new position (``store.LogPosition``) in one
Whoosh commit. Any number of indexes (one per app host) can follow the same log; a restarted
or rebuilt index continues from the position it holds.

**Out-of-order commits.** Sequence numbers are handed out when a row is inserted, not when its
transaction commits, so on PostgreSQL seq 11 can become visible before seq 10. The indexer
therefore remembers the numbers it skipped over ("gaps") and keeps asking for them; a gap
that stays empty for ``gap_grace`` seconds is taken to be a rolled-back transaction. The
watermark is the highest number below which nothing is missing.

**Rebuilding** writes a fresh index from the database into a new directory and swaps it in
atomically (``store.IndexLocation.swap``); its position is the log's maximum at the start,
with the recent gaps, so following continues exactly from there.
"""
from __future__ import annotations

import logging
import shutil
import time
from dataclasses import dataclass
from typing import Callable, Iterable

from sqlalchemy import func
from sqlalchemy.engine import Engine
from sqlmodel import Session, select

import catalogue.search.articles  # noqa: F401  (registers guidance articles as a source)
from catalogue.logs import request_context
from catalogue.models import SearchChange
from catalogue.search.documents import SOURCES, Catalogue, documents_for, published_service_ids
from catalogue.search import analysis
from catalogue.search.schema import SPELLING_FIELD, fingerprint
from catalogue.search.store import IndexLocation, IndexMissing, IndexState, LogPosition, read_state

log = logging.getLogger("marketplace.search.indexer")

GAP_GRACE_SECONDS = 30.0   # how long a skipped sequence number may take to commit
GAP_WINDOW = 10_000        # only numbers this close below the newest are tracked as gaps
MAX_GAP_QUERY = 1_000      # gap numbers asked for per batch


class StaleIndex(RuntimeError):
    """The index was built by a different analysis or schema and must be rebuilt."""


@dataclass
class Batch:
    """What one step did: log rows read, documents written and deleted, the position after."""

    rows: int
    upserts: int
    deletes: int
    position: LogPosition

    @property
    def did_work(self) -> bool:
        return self.rows > 0


def log_maximum(session: Session) -> int:
    return session.exec(select(func.max(SearchChange.seq))).one() or 0


# Segments below this many documents are "small"; the follower merges them once there are
# more than MAX_SMALL_SEGMENTS, and leaves the large ones a rebuild wrote alone – unless the
# index would have more than MAX_SEGMENTS segments, when the smallest large ones are merged too.
SMALL_SEGMENT_DOCS = 2_000
MAX_SMALL_SEGMENTS = 4
MAX_SEGMENTS = 20


def merge_small_segments(writer, segments):
    """Whoosh merge policy for the follower's many tiny commits: at most ``MAX_SEGMENTS``.

    Whoosh's default policy eventually folds every segment into one: at 50 000 services that
    single commit took about a minute, during which nothing new became searchable on any
    host. Merging the small segments keeps each commit's work bounded (every lookup walks
    every segment, so they must stay few); full merges are left to ``index rebuild``.
    """
    from whoosh.reading import SegmentReader

    ordered = sorted(segments, key=lambda seg: seg.doc_count_all())
    small = [seg for seg in ordered if seg.doc_count_all() < SMALL_SEGMENT_DOCS]
    merge = small if len(small) > MAX_SMALL_SEGMENTS else []
    # The commit adds one segment (the new documents and whatever is merged into it).
    while len(ordered) - len(merge) + 1 > MAX_SEGMENTS and len(merge) < len(ordered):
        merge = ordered[:max(len(merge) + 1, 2)]
    if not merge:
        return segments
    for seg in merge:
        reader = SegmentReader(writer.storage, writer.schema, seg)
        writer.add_reader(reader)
        reader.close()
    merged = {id(seg) for seg in merge}
    return [seg for seg in segments if id(seg) not in merged]


class Indexer:
    """Applies the change log to the index at *location*. One per index location and process."""

    def __init__(self, engine: Engine, location: IndexLocation, *, batch_size: int = 500,
                 gap_grace: float = GAP_GRACE_SECONDS, clock: Callable[[], float] = time.time,
                 limitmb: int = 64):
        self.engine = engine
        self.location = location
        self.batch_size = batch_size
        self.gap_grace = gap_grace
        self.clock = clock
        self.limitmb = limitmb
        self.ix = None
        self.path = None
        self.state = IndexState()

    # -- opening -----------------------------------------------------------
    def open(self) -> None:
        """Open the current index (again, after a rebuild swapped it) and read its position."""
        path = self.location.current()
        if path is None:
            raise IndexMissing(str(self.location.link))
        from whoosh import index as whoosh_index

        self.ix = whoosh_index.open_dir(str(path))
        self.path = path
        with self.ix.searcher() as searcher:
            self.state = read_state(searcher)
        if self.state.fingerprint != fingerprint():
            raise StaleIndex(f"{path} was built with another schema or analysis; rebuild it")

    def ensure_current(self) -> None:
        if self.ix is None or self.location.current() != self.path:
            self.open()

    # -- one batch ---------------------------------------------------------
    def step(self) -> Batch:
        """Read and apply one batch of the log. Returns what was done (nothing when drained)."""
        self.ensure_current()
        before = self.state.position
        with Session(self.engine) as session:
            changes, position, given_up = read_changes(session, before, self.clock(), grace=self.gap_grace,
                                                       limit=self.batch_size)
            for seq in given_up:
                log.info("search change %s never committed: taken as rolled back", seq)
            if not changes and position == before:
                return Batch(0, 0, 0, before)
            docs = documents_for(session, changes) if changes else {}
            labels = Catalogue.load(session, ()).labels()
            requests = _request_ids(session, before.high, position.high)
        state = IndexState(position, self.state.fingerprint, labels, self.state.built_at)
        upserts = deletes = 0
        writer = self.ix.writer(limitmb=self.limitmb, compound=False)
        try:
            for key, doc in sorted(docs.items()):
                if doc is None:
                    writer.delete_by_term("id", key)
                    deletes += 1
                else:
                    writer.update_document(**doc)
                    upserts += 1
            writer.update_document(**state.to_fields())
        except BaseException:
            writer.cancel()
            raise
        writer.commit(mergetype=merge_small_segments)
        self.state = state
        # Named by the web requests that made the changes (catalogue.logs: one id, or several).
        with request_context(",".join(requests[:5])):
            log.info("search index: %d changes applied (%d updated, %d removed), up to %d", len(changes), upserts,
                     deletes, position.high)
        return Batch(len(changes), upserts, deletes, position)

    def catch_up(self, max_batches: int | None = None) -> int:
        """Apply batches until the log is drained; returns the number of log rows applied."""
        applied = batches = 0
        while max_batches is None or batches < max_batches:
            batch = self.step()
            batches += 1
            applied += batch.rows
            if not batch.did_work:
                break
        return applied

    def follow(self, should_stop: Callable[[], bool], poll_interval: float = 0.3,
               on_batch: Callable[[Batch], None] | None = None, heartbeat=None) -> None:
        """Apply the log as it grows until *should_stop* says so (checked between batches).

        Database outages are waited out (``catalogue.background.run_loop``: backoff, one log
        line when it starts and one when it ends); the position is the index's own, so the
        indexer catches up by itself. Other errors propagate and the supervisor restarts it.
        """
        from catalogue.background import run_loop

        def one_step() -> bool:
            try:
                batch = self.step()
            except (IndexMissing, StaleIndex) as exc:
                # Between a rebuild by newer code and this process's restart: wait, don't die.
                log.warning("search index not usable (%s); waiting", exc)
                return False
            if batch.did_work and on_batch:
                on_batch(batch)
            return batch.did_work

        def details() -> dict:
            position = self.state.position
            return {"high": position.high, "watermark": position.watermark, "gaps": len(position.gaps)}

        run_loop("search indexer", one_step, stop=should_stop, idle_interval=poll_interval,
                 heartbeat=heartbeat, details=details, logger=log)


def _request_ids(session: Session, after: int, upto: int) -> list[str]:
    """The request ids of the change-log rows in (after, upto], for the log line of a batch."""
    if upto <= after:
        return []
    rows = session.exec(select(SearchChange.request_id).where(SearchChange.seq > after, SearchChange.seq <= upto,
                                                              SearchChange.request_id != "").distinct()).all()
    return sorted(rows)


# ---------------------------------------------------------------------------
# rebuild



def read_changes(session: Session, position: LogPosition, now: float, *, grace: float = GAP_GRACE_SECONDS,
                 limit: int | None = None) -> tuple[list[tuple[str, int]], LogPosition, list[int]]:
    """The change-log entries after *position*: ``(changes, new position, gaps given up)``.

    Sequence numbers can commit out of order, so numbers skipped over are remembered as gaps
    and asked for again until they appear or their grace period runs out (a rolled-back
    transaction). Used by every follower of the log: search indexes and the market overview.
    """
    position = LogPosition(position.watermark, position.high, dict(position.gaps))
    columns = (SearchChange.seq, SearchChange.entity, SearchChange.entity_id)
    query = select(*columns).where(SearchChange.seq > position.high).order_by(SearchChange.seq)
    rows = session.exec(query.limit(limit) if limit else query).all()
    late = []
    if position.gaps:
        late = session.exec(select(*columns).where(SearchChange.seq.in_(sorted(position.gaps)[:MAX_GAP_QUERY]))).all()
    for seq, _entity, _id in rows:
        for missing in range(max(position.high + 1, seq - GAP_WINDOW), seq):
            position.gaps.setdefault(missing, now)
        position.high = seq
    for seq, _entity, _id in late:
        position.gaps.pop(seq, None)
    given_up = [seq for seq, noticed in position.gaps.items() if now - noticed > grace]
    for seq in given_up:
        del position.gaps[seq]
    position.settle()
    return [(entity, entity_id) for _seq, entity, entity_id in [*late, *rows]], position, given_up


def initial_position(session: Session, now: float) -> LogPosition:
    """The log position of an index built from the database as it is now."""
    high = log_maximum(session)
    seen = set(session.exec(select(SearchChange.seq).where(SearchChange.seq > max(0, high - GAP_WINDOW))).all())
    gaps = {seq: now for seq in range(max(1, high - GAP_WINDOW + 1), high + 1) if seq not in seen}
    position = LogPosition(0, high, gaps)
    position.settle()
    return position


def count_documents(engine: Engine) -> int:
    with Session(engine) as session:
        return sum(source.count(session) for source in SOURCES.values() if source.count is not None)


class _Vocabulary:
    """Spelling suggestions need each word once, not once per service: a rebuild indexes only
    the words it has not seen yet (otherwise a large share of all postings)."""

    def __init__(self):
        self.seen: set[str] = set()

    def thin(self, doc: dict) -> dict:
        words = analysis.spelling_words(doc.get(SPELLING_FIELD) or "") - self.seen
        self.seen |= words
        doc[SPELLING_FIELD] = sorted(words)
        return doc


def _split(ids: list[int], parts: int) -> list[tuple[int, int]]:
    """*parts* id ranges with about as many services each."""
    if not ids:
        return []
    size = -(-len(ids) // parts)
    return [(ids[i], ids[min(i + size, len(ids)) - 1]) for i in range(0, len(ids), size)]


# Per rebuild segment. Every term a search reads is looked up in every segment, so a search's
# first read of a word costs about as many look-ups as there are segments (issue 17: at 50 000
# services a page's first search went from 10 to 5 ms at p50 with 3 segments instead of 14).
# With the default ``limitmb`` a writer keeps a segment of this size in memory (about 0.6 GB
# per writing process, for the length of a rebuild), so Whoosh never spills its postings.
SEGMENT_DOCS = 30_000
REBUILD_LIMITMB = 1024


def _write_segments(ix, docs: Iterable[dict], limitmb: int, counted: Callable[[int], None]) -> list:
    """Write *docs* as segments of ``SEGMENT_DOCS`` documents; returns the (uncommitted) segments.

    Whoosh spills a writer's postings to disk – pickling each one – once they outgrow its
    memory limit, which made rebuilding 50 000 services about 70 % slower. A writer's memory
    limit (``REBUILD_LIMITMB``) holds a whole ``SEGMENT_DOCS`` segment, so nothing spills and
    each rebuild process writes one large segment.
    """
    from whoosh.writing import SegmentWriter

    vocabulary = _Vocabulary()
    segments, writer, count = [], None, 0
    for doc in docs:
        if writer is None:
            # No lock: the rebuild's own writer holds the index's write lock meanwhile.
            writer = SegmentWriter(ix, _lk=False, limitmb=limitmb, compound=False)
        writer.add_document(**vocabulary.thin(doc))
        count += 1
        if count % 100 == 0:
            counted(100)
        if count % SEGMENT_DOCS == 0:
            segments.append(writer._finalize_segment())
            writer = None
    if writer is not None:
        segments.append(writer._finalize_segment())
    counted(count % 100)
    return segments


def _write_part(index_dir: str, url: str, first: int, last: int, limitmb: int, done, results) -> None:
    """In a child process: index the services with ids in [first, last] as segments of their own."""
    try:
        from whoosh import index as whoosh_index

        from catalogue.db import make_engine
        from catalogue.search.documents import all_services

        def counted(n: int) -> None:
            with done.get_lock():
                done.value += n

        ix = whoosh_index.open_dir(index_dir)
        engine = make_engine(url)
        with Session(engine) as session:
            segments = _write_segments(ix, all_services(session, first_id=first, last_id=last), limitmb, counted)
        engine.dispose()
        results.put(("ok", sum(seg.doc_count_all() for seg in segments), segments))
    except BaseException as exc:  # report, never leave the parent waiting
        import traceback

        results.put(("error", f"{exc!r}\n{traceback.format_exc()}", []))


def _write_parts(index_dir, engine: Engine, ranges, limitmb: int, progress) -> tuple[int, list]:
    """Index the service id *ranges* in parallel processes; returns (documents, segments)."""
    import multiprocessing
    import queue as queue_module

    ctx = multiprocessing.get_context("fork")
    done, results = ctx.Value("l", 0), ctx.Queue()
    url = engine.url.render_as_string(hide_password=False)
    workers = [ctx.Process(target=_write_part, args=(str(index_dir), url, first, last, limitmb, done, results),
                           daemon=True) for first, last in ranges]
    for worker in workers:
        worker.start()
    reported, outcomes = 0, []
    try:
        while len(outcomes) < len(workers):
            try:
                outcomes.append(results.get(timeout=0.2))
            except queue_module.Empty:
                if not any(w.is_alive() for w in workers) and results.empty():
                    raise RuntimeError("an indexing process died without a word")
            if progress and done.value > reported:
                progress(done.value - reported)
                reported = done.value
    finally:
        for worker in workers:
            worker.join(timeout=5)
            if worker.is_alive():
                worker.kill()
    errors = [detail for status_, detail, _ in outcomes if status_ == "error"]
    if errors:
        raise RuntimeError("indexing failed: " + errors[0])
    if progress and done.value > reported:
        progress(done.value - reported)
    return sum(n for _, n, _ in outcomes), [seg for _, _, segments in outcomes for seg in segments]


def rebuild(engine: Engine, location: IndexLocation, *, progress: Callable[[int], None] | None = None,
            procs: int = 1, limitmb: int = REBUILD_LIMITMB, clock: Callable[[], float] = time.time) -> tuple[int, object]:
    """Build a new index from the database and swap it in. Returns (documents, directory).

    With *procs* > 1 the services are split into id ranges written by as many processes, each
    reading the database itself and writing a segment of its own; the rest (articles, the
    position) is written here, and one commit puts all segments in the index.
    """
    new_dir = location.new_directory()
    try:
        ix = location.create(new_dir)
        # Segments as separate files, not one compound file: Whoosh copies a compound file's
        # parts into memory when a reader opens it; plain files are read from the page cache.
        writer = ix.writer(limitmb=limitmb, compound=False)
        try:
            with Session(engine) as session:
                # Position first: everything committed up to it is in what is read next; what
                # commits later is applied by the follower (applying twice is harmless).
                position = initial_position(session, clock())
                labels = Catalogue.load(session, ()).labels()
                ranges = _split(published_service_ids(session), procs) if procs > 1 else []
            count, segments = _write_parts(new_dir, engine, ranges, limitmb, progress) if ranges else (0, [])
            with Session(engine) as session:
                docs = (doc for entity, source in SOURCES.items()
                        if source.everything is not None and not (entity == "service" and ranges)
                        for doc in source.everything(session))
                mine = _write_segments(ix, docs, limitmb, progress or (lambda n: None))
            segments += mine
            count += sum(seg.doc_count_all() for seg in mine)
            writer.add_document(**IndexState(position, fingerprint(), labels, clock()).to_fields())
        except BaseException:
            writer.cancel()
            raise
        # Whoosh's commit takes a merge function: use it to add the processes' segments.
        writer.commit(mergetype=lambda _writer, existing: list(existing) + segments)
    except BaseException:
        shutil.rmtree(new_dir, ignore_errors=True)
        raise
    location.swap(new_dir)
    return count, new_dir


def status(engine: Engine, location: IndexLocation) -> dict:
    """Where the index stands against the database (for ``flask index status``)."""
    with Session(engine) as session:
        maximum = log_maximum(session)
        published = count_documents(engine)
    path = location.current()
    if path is None:
        return {"index": None, "log_max": maximum, "published": published}
    from whoosh import index as whoosh_index

    ix = whoosh_index.open_dir(str(path))
    with ix.searcher() as searcher:
        state = read_state(searcher)
        documents = searcher.doc_count() - 1  # the meta document
        segments = len(searcher.reader().leaf_readers())
    return {
        "index": str(path), "documents": documents, "segments": segments, "published": published,
        "watermark": state.position.watermark, "high": state.position.high, "gaps": len(state.position.gaps),
        "log_max": maximum, "behind": max(0, maximum - state.position.high),
        "fingerprint_ok": state.fingerprint == fingerprint(), "generation": ix.latest_generation(),
    }
