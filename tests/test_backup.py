"""Backup and restore: a dump of a live database and its uploads, restored into an empty database,
gives the same rows, the same files and a search index rebuilt from it (PostgreSQL: pg_dump/pg_restore)."""
from __future__ import annotations

from io import BytesIO
from pathlib import Path

from sqlmodel import Session, select

from catalogue.models import Document
from tests.conftest import make_app
from tests.databases import drop_database, new_database
from tests.login import login
from tests.pdf import make_pdf


def test_restore_from_a_dump_gives_the_same_database_files_and_search(app, tmp_path):
    from tests.test_listing_forms import demo_content, form_data

    app.config["WTF_CSRF_ENABLED"] = False
    client = app.test_client()
    login(client, "leverandor-fjordsky")
    with Session(app.extensions["db_engine"]) as s:
        content = demo_content(s)
    content["name"] = "Gjenopprettet Lagring"
    post = form_data(content, action="save")
    post["service-doc-dpa"] = (BytesIO(make_pdf()), "databehandleravtale.pdf")
    assert client.post("/leverandor/tjenester/ny", data=post, content_type="multipart/form-data").status_code == 302
    with Session(app.extensions["db_engine"]) as s:
        document = s.exec(select(Document).order_by(Document.id.desc())).first()
    original = (Path(app.config["UPLOAD_DIR"]) / document.storage_key[:2] / document.storage_key).read_bytes()

    backup = tmp_path / "backup"
    result = app.test_cli_runner().invoke(args=["backup", "create", str(backup)])
    assert result.exit_code == 0, result.output

    (tmp_path / "restored").mkdir()
    url = new_database(tmp_path / "restored")  # empty: no tables at all
    restored = make_app(url, tmp_path / "restored" / "instance")
    try:
        result = restored.test_cli_runner().invoke(args=["backup", "restore", str(backup)])
        assert result.exit_code == 0, result.output
        with Session(restored.extensions["db_engine"]) as s:
            again = s.get(Document, document.id)
            assert again is not None and again.sha256 == document.sha256
        path = Path(restored.config["UPLOAD_DIR"]) / document.storage_key[:2] / document.storage_key
        assert path.read_bytes() == original
        # The index was rebuilt from the restored database: the public catalogue is searchable.
        page = restored.test_client().get("/tjenester", query_string={"q": "Fjordsky"})
        assert page.status_code == 200 and "Fjordsky" in page.get_data(as_text=True)
        # Restoring over a database that is not empty is refused.
        again = restored.test_cli_runner().invoke(args=["backup", "restore", str(backup)])
        assert again.exit_code != 0 and "ikke tom" in again.output
    finally:
        restored.extensions["db_engine"].dispose()
        drop_database(url)
