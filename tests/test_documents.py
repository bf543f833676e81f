"""Uploaded documents: PDF checked by content, stored outside static/, read only by whom it concerns."""
from __future__ import annotations

import pytest
from sqlmodel import Session, func, select

from catalogue import documents
from catalogue.audit import Actor
from catalogue.models import AuditEvent, Document, Service, Supplier
from tests.pdf import make_pdf


def test_a_real_pdf_passes():
    assert documents.check_pdf(make_pdf("Standardvilkår")) is None


@pytest.mark.parametrize("data", [
    b"",
    b"<html><script>alert(1)</script></html>",
    b"PK\x03\x04 a zip file renamed to vilkar.pdf",
    b"%PDF-1.7\n but cut off before the end",          # no end-of-file marker
    b"x%PDF-1.4\n%%EOF\n",                             # header not at the start
    b"%PDF-\n%%EOF",                                     # no version
])
def test_anything_else_is_refused_whatever_its_name(data):
    problem = documents.check_pdf(data)
    assert problem is not None and str(problem)


def test_oversize_is_refused_with_the_size():
    data = make_pdf(min_size=documents.MAX_BYTES + 1)
    assert len(data) > documents.MAX_BYTES
    problem = documents.check_pdf(data)
    assert "for stor" in str(problem) and "10 MB" in str(problem)


def test_exactly_the_limit_is_accepted():
    data = make_pdf(min_size=documents.MAX_BYTES - 2000)
    assert len(data) <= documents.MAX_BYTES
    assert documents.check_pdf(data) is None


@pytest.mark.parametrize("name, expected", [
    ("vilkår.pdf", "vilkår.pdf"),
    ("../../etc/passwd", "passwd.pdf"),
    ("C:\\Users\\ola\\DPA v2.PDF", "DPA v2.PDF"),
    ('ond"navn\r\n.pdf', "ondnavn.pdf"),
    ("", "terms.pdf"),
    (None, "terms.pdf"),
])
def test_file_names_are_made_safe(name, expected):
    assert documents.clean_filename(name, "terms") == expected


def test_storage_keys_cannot_climb(tmp_path):
    with pytest.raises(ValueError):
        documents.path_of(tmp_path, "../../etc/passwd")
    assert documents.path_of(tmp_path, "a" * 32).parent.parent == tmp_path


def test_store_keeps_the_file_and_an_audit_event(app, tmp_path):
    data = make_pdf("DPA")
    with Session(app.extensions["db_engine"]) as s:
        supplier = s.exec(select(Supplier).order_by(Supplier.id)).first()
        events = s.exec(select(func.count()).select_from(AuditEvent)).one()
        doc = documents.store(s, Actor(name="Test"), tmp_path, supplier_id=supplier.id, kind="dpa",
                              filename="dpa.pdf", data=data)
        s.commit()
        assert documents.read_bytes(tmp_path, doc) == data
        assert doc.size == len(data) and len(doc.sha256) == 64 and doc.content_type == "application/pdf"
        assert s.exec(select(func.count()).select_from(AuditEvent)).one() == events + 1


def test_store_refuses_a_non_pdf_and_writes_nothing(app, tmp_path):
    uploads = tmp_path / "opplastinger"
    with Session(app.extensions["db_engine"]) as s:
        supplier = s.exec(select(Supplier).order_by(Supplier.id)).first()
        before = s.exec(select(func.count()).select_from(Document)).one()
        with pytest.raises(documents.DocumentError):
            documents.store(s, Actor(name="Test"), uploads, supplier_id=supplier.id, kind="terms",
                            filename="vilkar.pdf", data=b"<html>not a pdf</html>")
        s.rollback()
        assert s.exec(select(func.count()).select_from(Document)).one() == before
    assert not uploads.exists()


def test_who_may_read(app, tmp_path):
    with Session(app.extensions["db_engine"]) as s:
        service = s.exec(select(Service).where(Service.status == "published").order_by(Service.id)).first()
        other = s.exec(select(Supplier).where(Supplier.id != service.supplier_id)).first()
        doc = documents.store(s, Actor(name="Test"), tmp_path, supplier_id=service.supplier_id, kind="terms",
                              filename="vilkar.pdf", data=make_pdf(), service_id=service.id)
        s.flush()
        # Not yet referred to by the live version: owner and manager only.
        assert documents.may_read(s, doc, is_manager=False, supplier_id=service.supplier_id)
        assert documents.may_read(s, doc, is_manager=True, supplier_id=None)
        assert not documents.may_read(s, doc, is_manager=False, supplier_id=other.id)
        assert not documents.may_read(s, doc, is_manager=False, supplier_id=None)
        # Part of the published version: everyone.
        service.documents = {"terms": doc.id}
        s.add(service)
        s.flush()
        assert documents.may_read(s, doc, is_manager=False, supplier_id=None)
        # A tax certificate is never public.
        cert = documents.store(s, Actor(name="Test"), tmp_path, supplier_id=service.supplier_id,
                               kind="tax_certificate", filename="attest.pdf", data=make_pdf())
        assert not documents.may_read(s, cert, is_manager=False, supplier_id=None)
        assert not documents.may_read(s, cert, is_manager=False, supplier_id=other.id)
        s.rollback()
