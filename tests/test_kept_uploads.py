"""Uploads survive a refused form (issue 16): the listing form and the DPS application.

Real multipart posts with the real login: a post with a validation error and the PDFs chosen,
then the corrected post without choosing them again – the documents are attached. Nothing is
written by the refused post but the kept files; nobody else can use them; they expire.
"""
from __future__ import annotations

import hashlib
import re
from datetime import timedelta
from io import BytesIO

from sqlmodel import Session, func, select

from catalogue import pending_uploads
from catalogue import qualification as q
from catalogue.audit import Actor
from catalogue.models import Category, Document, QualificationApplication, Service, Supplier, utcnow
from catalogue.pending_uploads import PendingUpload
from catalogue.workdays import oslo_today
from tests.login import login
from tests.pdf import make_pdf
from tests.test_listing_forms import confirm_sending, demo_content, form_data

CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')
KEPT = re.compile(r'name="([^"]+)-lastet-opp" value="([0-9a-f]{32})"')


def csrf(client, url: str) -> str:
    return CSRF.search(client.get(url).get_data(as_text=True)).group(1)


def count(engine, model) -> int:
    with Session(engine) as s:
        return s.exec(select(func.count()).select_from(model)).one()


def sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def fjordsky_content(engine) -> dict:
    with Session(engine) as s:
        fjordsky = s.exec(select(Supplier).where(Supplier.orgnr == "964330123")).one()
        return demo_content(s, supplier_id=fjordsky.id)


def test_listing_documents_survive_a_refused_submission(app):
    engine = app.extensions["db_engine"]
    client = app.test_client()
    login(client, "leverandor-fjordsky")
    content = fjordsky_content(engine)
    content.update(name="Fjordsky Behold", summary="")  # the summary is required to submit
    terms_pdf, dpa_pdf = make_pdf("Standardvilkår Fjordsky"), make_pdf("Databehandleravtale Fjordsky")
    token = csrf(client, "/leverandor/tjenester/ny")
    services, documents = count(engine, Service), count(engine, Document)

    data = form_data(content, csrf_token=token, action="submit")
    data["service-doc-terms"] = (BytesIO(terms_pdf), "vilkar.pdf")
    data["service-doc-dpa"] = (BytesIO(dpa_pdf), "dpa.pdf")
    page = client.post("/leverandor/tjenester/ny", data=data, content_type="multipart/form-data")
    html = page.get_data(as_text=True)
    assert page.status_code == 422
    assert "<title>Feil:" in html and 'class="error-summary"' in html
    assert "Allerede lastet opp:" in html and "vilkar.pdf" in html and "dpa.pdf" in html and "erstatt" in html
    kept = dict(KEPT.findall(html))
    assert set(kept) == {"service-doc-terms", "service-doc-dpa"}
    # Nothing of the listing is written: no service, no document – only the kept files.
    assert count(engine, Service) == services and count(engine, Document) == documents
    assert count(engine, PendingUpload) == 2

    # Corrected, sent again without choosing the files: the kept ones are attached.
    content["summary"] = "Lagring i Norge."
    data = form_data(content, csrf_token=token, action="submit",
                     **{f"{field}-lastet-opp": value for field, value in kept.items()})
    page = client.post("/leverandor/tjenester/ny", data=data, content_type="multipart/form-data")
    page = confirm_sending(client, token, page)   # the draft is saved; the check step sends it
    assert page.status_code == 302, page.get_data(as_text=True)[:2000]
    with Session(engine) as s:
        service = s.exec(select(Service).where(Service.name == "Fjordsky Behold")).one()
        assert service.status == "submitted"
        terms_doc, dpa_doc = s.get(Document, service.documents["terms"]), s.get(Document, service.documents["dpa"])
        assert (terms_doc.filename, terms_doc.sha256) == ("vilkar.pdf", sha(terms_pdf))
        assert (dpa_doc.filename, dpa_doc.sha256) == ("dpa.pdf", sha(dpa_pdf))
        assert terms_doc.service_id == service.id
    assert count(engine, PendingUpload) == 0
    pending_dir = pending_uploads.path_of(app.config["UPLOAD_DIR"], "0" * 32).parent
    assert not any(pending_dir.iterdir())


def test_a_new_file_replaces_the_kept_one_and_a_bad_one_is_not_kept(app):
    engine = app.extensions["db_engine"]
    client = app.test_client()
    login(client, "leverandor-fjordsky")
    content = fjordsky_content(engine)
    content.update(name="Fjordsky Erstatt", summary="")
    token = csrf(client, "/leverandor/tjenester/ny")
    data = form_data(content, csrf_token=token, action="submit")
    data["service-doc-terms"] = (BytesIO(make_pdf("Første")), "forste.pdf")
    data["service-doc-dpa"] = (BytesIO(b"<html>ikke en pdf</html>"), "dpa.pdf")
    page = client.post("/leverandor/tjenester/ny", data=data, content_type="multipart/form-data")
    html = page.get_data(as_text=True)
    assert page.status_code == 422 and "Filen er ikke en PDF" in html
    kept = dict(KEPT.findall(html))
    assert set(kept) == {"service-doc-terms"}

    second = make_pdf("Andre")
    content["summary"] = "Lagring i Norge."
    data = form_data(content, csrf_token=token, action="save", **{"service-doc-terms-lastet-opp": kept["service-doc-terms"]})
    data["service-doc-terms"] = (BytesIO(second), "andre.pdf")
    assert client.post("/leverandor/tjenester/ny", data=data, content_type="multipart/form-data").status_code == 302
    with Session(engine) as s:
        service = s.exec(select(Service).where(Service.name == "Fjordsky Erstatt")).one()
        doc = s.get(Document, service.documents["terms"])
        assert (doc.filename, doc.sha256) == ("andre.pdf", sha(second))
        assert "dpa" not in service.documents
    assert count(engine, PendingUpload) == 0  # the replaced kept file is gone too


def test_nobody_else_can_use_a_kept_file(app):
    engine = app.extensions["db_engine"]
    owner, other = app.test_client(), app.test_client()
    login(owner, "leverandor-fjordsky")
    login(other, "leverandor-nordlys")
    content = fjordsky_content(engine)
    content.update(name="Fjordsky Hemmelig", summary="")
    data = form_data(content, csrf_token=csrf(owner, "/leverandor/tjenester/ny"), action="submit")
    data["service-doc-terms"] = (BytesIO(make_pdf("Hemmelig")), "hemmelig.pdf")
    kept = dict(KEPT.findall(owner.post("/leverandor/tjenester/ny", data=data,
                                        content_type="multipart/form-data").get_data(as_text=True)))
    with Session(engine) as s:
        nordlys = s.exec(select(Supplier).where(Supplier.orgnr == "935308291")).one()
        theirs = demo_content(s, supplier_id=nordlys.id)
    theirs["name"] = "Nordlys Lånt"
    data = form_data(theirs, csrf_token=csrf(other, "/leverandor/tjenester/ny"), action="save",
                     **{"service-doc-terms-lastet-opp": kept["service-doc-terms"]})
    assert other.post("/leverandor/tjenester/ny", data=data, content_type="multipart/form-data").status_code == 302
    with Session(engine) as s:
        service = s.exec(select(Service).where(Service.name == "Nordlys Lånt")).one()
        assert not service.documents
    assert count(engine, PendingUpload) == 1


def test_certificate_pdf_of_a_row_survives(app):
    engine = app.extensions["db_engine"]
    client = app.test_client()
    login(client, "leverandor-fjordsky")
    content = fjordsky_content(engine)
    content.update(name="Fjordsky Sertifisert", summary="")
    today = oslo_today()
    content["terms"]["certifications"] = [{"standard": "iso27001", "issuer": "BSI", "issued": (today - timedelta(days=30)).isoformat(),
                                           "expires": (today + timedelta(days=300)).isoformat()}]
    certificate = make_pdf("ISO 27001-sertifikat")
    token = csrf(client, "/leverandor/tjenester/ny")
    data = form_data(content, csrf_token=token, action="submit")
    data["terms-certifications-0-document-file"] = (BytesIO(certificate), "iso27001.pdf")
    html = client.post("/leverandor/tjenester/ny", data=data, content_type="multipart/form-data").get_data(as_text=True)
    kept = dict(KEPT.findall(html))
    assert set(kept) == {"terms-certifications-0-document-file"} and "iso27001.pdf" in html
    content["summary"] = "Sertifisert lagring."
    data = form_data(content, csrf_token=token, action="submit",
                     **{f"{field}-lastet-opp": value for field, value in kept.items()})
    page = client.post("/leverandor/tjenester/ny", data=data, content_type="multipart/form-data")
    page = confirm_sending(client, token, page)
    assert page.status_code == 302, page.get_data(as_text=True)[:2000]
    with Session(engine) as s:
        service = s.exec(select(Service).where(Service.name == "Fjordsky Sertifisert")).one()
        row = service.terms["certifications"][0]
        doc = s.get(Document, row["document"])
        assert (doc.filename, doc.sha256, doc.service_id) == ("iso27001.pdf", sha(certificate), service.id)


def test_the_tax_certificate_survives_a_refused_application(app):
    engine = app.extensions["db_engine"]
    today = oslo_today()
    with Session(engine, expire_on_commit=False) as s:
        storage = s.exec(select(Category).where(Category.slug == "lagring")).one()
        clean, errors = q.validate_dps(s, {"name": "Ordning for kept uploads", "description": "",
                                           "valid_from": today.isoformat(),
                                           "valid_to": (today + timedelta(days=365)).isoformat(),
                                           "categories": [str(storage.id)]}, today=today)
        assert not errors
        dps = q.create_dps(s, Actor(name="Forvalter"), clean)
        s.commit()
    client = app.test_client()
    login(client, "leverandor-fjordsky")
    url = f"/leverandor/dps/{dps.slug}/soknad"
    token = csrf(client, url)
    answers = {"decl-no_exclusion_grounds": "ja", "decl-hms_confirmed": "ja", "decl-hms_description": "",
               "decl-financial_confirmed": "ja", "decl-financial_description": "Omsetning 40 MNOK.",
               "decl-tax_certificate_issued": today.isoformat()}
    attest = make_pdf("Skatteattest Fjordsky")
    page = client.post(url, data={"csrf_token": token, "application-categories": str(storage.id), **answers,
                                  "action": "submit", "decl-tax_certificate": (BytesIO(attest), "skatteattest.pdf")},
                       content_type="multipart/form-data")
    html = page.get_data(as_text=True)
    assert page.status_code == 422 and "<title>Feil:" in html
    assert "Allerede lastet opp:" in html and "skatteattest.pdf" in html
    kept = dict(KEPT.findall(html))
    assert set(kept) == {"decl-tax_certificate"}
    with Session(engine) as s:
        assert s.exec(select(QualificationApplication).where(QualificationApplication.dps_id == dps.id)).first() is None
        assert s.exec(select(Document).where(Document.kind == "tax_certificate", Document.filename ==
                                             "skatteattest.pdf")).first() is None

    answers["decl-hms_description"] = "HMS-system etter ISO 45001."
    page = client.post(url, data={"csrf_token": token, "application-categories": str(storage.id), **answers,
                                  "action": "submit", "decl-tax_certificate-lastet-opp": kept["decl-tax_certificate"]},
                       content_type="multipart/form-data")
    # Complete now: the check step, carrying the kept certificate on; then sent.
    html = page.get_data(as_text=True)
    assert page.status_code == 200 and "Sjekk før du sender" in html
    assert f'name="decl-tax_certificate-lastet-opp" value="{kept["decl-tax_certificate"]}"' in html
    page = client.post(url, data={"csrf_token": token, "application-categories": str(storage.id), **answers,
                                  "action": "submit", "decl-tax_certificate-lastet-opp": kept["decl-tax_certificate"],
                                  "bekreftet": "ja"})
    assert page.status_code == 302, page.get_data(as_text=True)[:2000]
    with Session(engine) as s:
        application = s.exec(select(QualificationApplication).where(QualificationApplication.dps_id == dps.id)).one()
        assert application.status == "submitted"
        doc = s.get(Document, application.declarations["tax_certificate"])
        assert (doc.filename, doc.sha256, doc.application_id) == ("skatteattest.pdf", sha(attest), application.id)
    assert count(engine, PendingUpload) == 0


def test_kept_files_expire(app, tmp_path):
    engine = app.extensions["db_engine"]
    start = utcnow()
    with Session(engine) as s:
        supplier = s.exec(select(Supplier).where(Supplier.orgnr == "964330123")).one()
        from catalogue.models import Membership

        user_id = s.exec(select(Membership.user_id).where(Membership.supplier_id == supplier.id)).first()
        if user_id is None:
            from catalogue.models import User

            user = User(pid_hash="x" * 64, name="Test")
            s.add(user)
            s.flush()
            user_id = user.id
        kept = pending_uploads.keep(s, tmp_path, user_id=user_id, supplier_id=supplier.id, form="listing:new",
                                    files={"service-doc-terms": ("a.pdf", make_pdf("A"))}, now=start)
        s.commit()
        row = kept["service-doc-terms"]
        posted = {"service-doc-terms-lastet-opp": row.token}
        args = dict(user_id=user_id, supplier_id=supplier.id, posted=posted, fields=["service-doc-terms"])
        assert pending_uploads.held(s, form="listing:new", now=start, **args)
        assert not pending_uploads.held(s, form="listing:7", now=start, **args)  # another form
        last = start + pending_uploads.KEEP_FOR - timedelta(seconds=1)
        assert pending_uploads.held(s, form="listing:new", now=last, **args)
        gone = start + pending_uploads.KEEP_FOR
        assert not pending_uploads.held(s, form="listing:new", now=gone, **args)
        path = pending_uploads.path_of(tmp_path, row.token)
        assert path.exists()
        assert pending_uploads.remove_expired(s, tmp_path, now=gone) == 1
        s.commit()
        assert not path.exists()
        assert s.exec(select(func.count()).select_from(PendingUpload)).one() == 0


def test_tokens_never_become_paths(tmp_path):
    import pytest

    with pytest.raises(ValueError):
        pending_uploads.path_of(tmp_path, "../../etc/passwd")
    assert pending_uploads.path_of(tmp_path, "a" * 32).parent == tmp_path / "kept"


def test_the_privacy_statement_says_how_long_files_are_kept(shared_client):
    minutes = int(pending_uploads.KEEP_FOR.total_seconds() // 60)
    page = shared_client.get("/personvern").get_data(as_text=True)
    assert f"tar vi vare på PDF-ene du valgte (filen, filnavnet og hvem som lastet den opp) i {minutes} minutter" in page
