"""The indexer: following the change log (in order and out of order), rebuilds, readers, the CLI."""
from __future__ import annotations

import os

import pytest
from sqlalchemy import func
from sqlmodel import Session, select

from catalogue.audit import Actor, log_search_change
from catalogue.db import session_scope
from catalogue.models import SearchChange, Service, Supplier
from catalogue.search.indexer import Indexer, StaleIndex, rebuild, status
from catalogue.search.query import SearchRequest, search
from catalogue.search.schema import META_ID
from catalogue.search.store import IndexBusy, IndexLocation, IndexState, read_state
from catalogue.listing import Listing
from marketplace.web import search_index
from tests.search_fixtures import catch_up, publish_service

ACTOR = Actor.system("test")


def found(app, q: str = "", **filters) -> dict[int, str]:
    with app.app_context():
        result = search(search_index(), SearchRequest(q=q, filters=filters, per_page=100))
    return {h.service_id: h.name for h in result.hits}


def engine(app):
    return app.extensions["db_engine"]


def published_ids(app) -> set[int]:
    with Session(engine(app)) as session:
        return set(session.exec(select(Service.id).where(Service.status == "published")).all())


def published_articles(app) -> int:
    from catalogue.articles import Article

    with Session(engine(app)) as session:
        return len(session.exec(select(Article.id).where(Article.status == "published")).all())


def index_ids(app) -> set[int]:
    with app.app_context():
        with search_index().snapshot() as snap:
            return {int(d["ref"]) for d in snap.searcher.documents(kind="service")}


def test_the_index_holds_exactly_the_published_services(search_app):
    assert index_ids(search_app) == published_ids(search_app)


def test_publish_edit_and_remove_reach_the_index_through_the_log(search_app):
    new = publish_service(engine(search_app), "Nordavind Kvantemaskin", "Kvantedatamaskin som tjeneste.")
    assert new not in found(search_app, "kvantemaskin")  # the web never writes the index itself
    assert catch_up(search_app) == 1
    assert found(search_app, "kvantemaskin") == {new: "Nordavind Kvantemaskin"}

    with session_scope(engine(search_app)) as session:
        service = session.get(Service, new)
        service.name = "Nordavind Superdatamaskin"
        Listing(session, service).publish(ACTOR)
    catch_up(search_app)
    assert found(search_app, "superdatamaskin") == {new: "Nordavind Superdatamaskin"}
    assert new not in found(search_app, "kvantemaskin")

    with session_scope(engine(search_app)) as session:
        service = session.get(Service, new)
        Listing(session, service).remove(ACTOR, expected_lock=service.lock_version, reason="test")
    catch_up(search_app)
    assert new not in found(search_app, "superdatamaskin")
    assert index_ids(search_app) == published_ids(search_app)


def test_a_supplier_change_reindexes_its_services(search_app):
    with session_scope(engine(search_app)) as session:
        supplier = session.exec(select(Supplier).where(Supplier.orgnr == "935308291")).one()
        supplier.name = "Nordlys Polarsky AS"
        session.add(supplier)
        log_search_change(session, supplier.id, entity="supplier")
        supplier_id = supplier.id
    catch_up(search_app)
    hits = found(search_app, "polarsky")
    with Session(engine(search_app)) as session:
        theirs = set(session.exec(select(Service.id).where(Service.supplier_id == supplier_id,
                                                            Service.status == "published")).all())
    assert theirs and set(hits) == theirs


def test_applying_the_same_changes_twice_is_harmless(search_app):
    new = publish_service(engine(search_app), "Tvillingtjeneste", "Finnes bare én gang.")
    catch_up(search_app)
    location = IndexLocation(search_app.config["INDEX_DIR"])
    indexer = Indexer(engine(search_app), location)
    indexer.open()
    # Rewind the position, as a crash before the commit would leave it, and apply again.
    indexer.state.position.high = indexer.state.position.watermark = 0
    indexer.catch_up()
    assert list(found(search_app, "tvillingtjeneste")) == [new]
    assert index_ids(search_app) == published_ids(search_app)


def _log(app, seq: int, service_id: int) -> None:
    """A change-log row with an explicit number: lets a test commit numbers out of order."""
    with session_scope(engine(app)) as session:
        session.add(SearchChange(seq=seq, entity="service", entity_id=service_id))


def test_numbers_that_commit_out_of_order_are_not_lost(search_app):
    clock = [1000.0]
    indexer = Indexer(engine(search_app), IndexLocation(search_app.config["INDEX_DIR"]), gap_grace=30,
                      clock=lambda: clock[0])
    indexer.open()
    with Session(engine(search_app)) as session:
        top = session.exec(select(func.max(SearchChange.seq))).one()
    early = publish_service(engine(search_app), "Sen committer", "Kom sist.")
    late = publish_service(engine(search_app), "Rask committer", "Kom først.")
    with session_scope(engine(search_app)) as session:  # their own log rows are replaced by ours
        for row in session.exec(select(SearchChange).where(SearchChange.seq > top)).all():
            session.delete(row)
    # seq top+2 commits first; top+1 is still "in flight".
    _log(search_app, top + 2, late)
    batch = indexer.step()
    assert batch.position.high == top + 2 and batch.position.gaps == {top + 1: 1000.0}
    assert batch.position.watermark == top
    assert late in found(search_app, "committer") and early not in found(search_app, "committer")
    # The stored position survives a restart.
    again = Indexer(engine(search_app), IndexLocation(search_app.config["INDEX_DIR"]))
    again.open()
    assert again.state.position.gaps == {top + 1: 1000.0}
    # Now the slow transaction commits: the gap is filled and applied.
    clock[0] += 5
    _log(search_app, top + 1, early)
    batch = indexer.step()
    assert batch.rows == 1 and batch.position.gaps == {} and batch.position.watermark == top + 2
    assert early in found(search_app, "committer")


def test_a_gap_that_never_fills_is_given_up_after_the_grace_period(search_app):
    clock = [0.0]
    indexer = Indexer(engine(search_app), IndexLocation(search_app.config["INDEX_DIR"]), gap_grace=10,
                      clock=lambda: clock[0])
    indexer.open()
    with Session(engine(search_app)) as session:
        top = session.exec(select(func.max(SearchChange.seq))).one()
    service = publish_service(engine(search_app), "Hulltjeneste", "Rundt et hull.")
    with session_scope(engine(search_app)) as session:
        for row in session.exec(select(SearchChange).where(SearchChange.seq > top)).all():
            session.delete(row)
    _log(search_app, top + 3, service)  # top+1 and top+2 rolled back
    assert indexer.step().position.gaps == {top + 1: 0.0, top + 2: 0.0}
    clock[0] = 5
    assert not indexer.step().did_work  # still waiting, nothing to write
    clock[0] = 11
    batch = indexer.step()
    assert batch.position.gaps == {} and batch.position.watermark == top + 3


def test_readers_reopen_when_the_index_changes_and_never_write(search_app):
    with search_app.app_context():
        handle = search_index()
        with handle.snapshot() as snap:
            generation = snap.generation
    publish_service(engine(search_app), "Generasjonsskifte", "Ny generasjon.")
    catch_up(search_app)
    with search_app.app_context():
        assert search_index() is handle
        with handle.snapshot() as snap:
            assert snap.generation > generation
    assert found(search_app, "generasjonsskifte")


def test_rebuild_swaps_in_a_new_directory_atomically(search_app):
    location = IndexLocation(search_app.config["INDEX_DIR"])
    before = location.current()
    publish_service(engine(search_app), "Gjenoppbygd tjeneste", "Finnes etter ombygging.")
    with search_app.app_context():
        handle = search_index()
        assert not found(search_app, "gjenoppbygd")
        progress = []
        count, path = rebuild(engine(search_app), location, progress=progress.append)
        assert location.link.is_symlink() and location.current() == path != before
        assert count == len(published_ids(search_app)) + published_articles(search_app) == sum(progress)
        assert found(search_app, "gjenoppbygd")  # the same handle reads the new directory
        assert search_index() is handle
    with Session(engine(search_app)) as session:
        top = session.exec(select(func.max(SearchChange.seq))).one()
    with handle.snapshot() as snap:
        assert snap.state.position.high == top
        assert snap.doc_count == len(published_ids(search_app))  # services; articles are counted apart
    # A second rebuild removes the oldest directory and keeps the previous one for late readers.
    rebuild(engine(search_app), location)
    dirs = location.directories()
    assert path in dirs and before not in dirs and len(dirs) == 2


def test_the_meta_document_is_never_a_hit(search_app):
    with search_app.app_context(), search_index().snapshot() as snap:
        assert snap.searcher.document(id=META_ID)["kind"] == "meta"
        assert snap.doc_count == len(published_ids(search_app))
    assert all(isinstance(i, int) and i > 0 for i in found(search_app))


def test_an_index_built_by_another_analysis_must_be_rebuilt(search_app):
    location = IndexLocation(search_app.config["INDEX_DIR"])
    ix = location.open()
    with ix.searcher() as searcher:
        state = read_state(searcher)
    writer = ix.writer()
    writer.update_document(**IndexState(state.position, "something-else", state.labels).to_fields())
    writer.commit()
    with pytest.raises(StaleIndex):
        Indexer(engine(search_app), location).open()
    assert status(engine(search_app), location)["fingerprint_ok"] is False


def test_one_writer_per_index_location(tmp_path):
    location = IndexLocation(tmp_path / "index")
    with location.writer_lock():
        with pytest.raises(IndexBusy):
            with IndexLocation(tmp_path / "index").writer_lock():
                pass
    with location.writer_lock():
        pass  # released again


def test_cli_rebuild_status_and_catchup(search_app):
    runner = search_app.test_cli_runner()
    result = runner.invoke(args=["index", "rebuild", "--procs", "1"])
    assert result.exit_code == 0, result.output
    assert "Søkeindeksen er bygget på nytt" in result.output
    publish_service(engine(search_app), "Kommandolinjetjeneste", "Fra CLI-testen.")
    result = runner.invoke(args=["index", "status"])
    assert result.exit_code == 0 and "1 bak" in result.output, result.output
    result = runner.invoke(args=["index", "catchup"])
    assert result.exit_code == 0 and "1 endringer lagt inn" in result.output, result.output
    assert "0 bak" in runner.invoke(args=["index", "status"]).output
    assert found(search_app, "kommandolinjetjeneste")


def test_cli_without_an_index(app):
    runner = app.test_cli_runner()
    result = runner.invoke(args=["index", "status"])
    assert result.exit_code == 1 and "Ingen søkeindeks ennå" in result.output
    result = runner.invoke(args=["index", "catchup"])
    assert result.exit_code != 0 and "index rebuild" in result.output
    result = runner.invoke(args=["index", "follow", "--no-build"])
    assert result.exit_code != 0 and "index rebuild" in result.output


def test_parallel_rebuild_gives_the_same_documents(search_app):
    location = IndexLocation(search_app.config["INDEX_DIR"])
    with search_app.app_context():
        serial = found(search_app, "lagring")
        progress = []
        count, _ = rebuild(engine(search_app), location, procs=2, progress=progress.append)
        assert count == sum(progress) == len(published_ids(search_app)) + published_articles(search_app)
        assert found(search_app, "lagring") == serial
        with search_index().snapshot() as snap:
            assert snap.doc_count == len(published_ids(search_app))
            # One segment per writing process, one of the articles and one of the position: every
            # term a search reads is looked up in each segment, so a rebuild leaves few.
            assert len(snap.leaves) <= 2 + 2
    assert os.path.islink(location.link)
