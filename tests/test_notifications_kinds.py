"""The first kinds, raised by the real domain transitions and delivered to a real SMTP server:
application received/decided, listing approved/rejected (with the reason), the managers' queue
(daily digest), a frozen shortlist's service with new terms (with the diff page), and a saved
search finding new services (the scheduled job)."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone

from sqlmodel import Session, select

from catalogue import qualification as q
from catalogue import shortlists as sl
from catalogue.audit import Actor
from catalogue.listing import Listing
from catalogue.models import Category, Membership, Service, Supplier, utcnow
from catalogue.notifications.models import NotificationStatus
from catalogue.workdays import oslo_today
from tests.login import login
from tests.notify_support import add_address, drain, engine, mail_app, make_user, person, rows, smtp  # noqa: F401
from tests.pdf import make_pdf
from tests.test_moderation import submitted_service

MANAGER = Actor(name="Avtaleforvalter", role="manager")
FJORDSKY = "964330123"


def subjects(smtp) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for message in smtp.mailbox.messages():
        out.setdefault(message["To"].addresses[0].addr_spec, []).append(message["Subject"].strip())  # a long subject is folded after "Subject:"
    return out


def text_to(smtp, email: str) -> str:
    return "\n".join(m.get_body(("plain",)).get_content() for m in smtp.mailbox.messages()
                     if m["To"].addresses[0].addr_spec == email)


def test_application_received_and_decided(mail_app, smtp, tmp_path):
    from tests.test_qualification import ANSWERS

    add_address(mail_app, "team", "managers", "forvaltning@dfo.example")
    with Session(engine(mail_app), expire_on_commit=False) as db:
        cats = {c.slug: c for c in db.exec(select(Category).where(Category.parent_id.is_(None)))}
        today = oslo_today()
        clean, errors = q.validate_dps(db, {"name": "Skytjenester 2026", "description": "",
                                            "valid_from": (today - timedelta(days=5)).isoformat(),
                                            "valid_to": (today + timedelta(days=300)).isoformat(),
                                            "categories": [str(cats["beregning"].id), str(cats["lagring"].id)]},
                                      today=today - timedelta(days=5))
        dps = q.create_dps(db, MANAGER, clean)
        supplier = Supplier(orgnr="999906087", name="Havbris Teknologi AS", slug="havbris-teknologi-as")
        db.add(supplier)
        db.commit()
        member = make_user(mail_app, "Hanne Havbris")
        db.add(Membership(user_id=member, supplier_id=supplier.id))
        db.commit()
        person(mail_app, member, "0192:999906087", "hanne@havbris.no", lang="en")
        clean, errors = q.validate_application(db, dps, supplier.id, {"categories": [str(cats["beregning"].id),
                                               str(cats["lagring"].id)], "answers": ANSWERS,
                                               "tax_certificate_issued": oslo_today().isoformat()}, complete=True,
                                               has_tax_certificate=True)
        actor = Actor(name="Hanne", acting_for="0192:999906087", role="supplier")
        application = q.Application.save(db, actor, dps, supplier.id, clean, application=None,
                                           upload=("skatteattest.pdf", make_pdf("Skatteattest")), upload_dir=str(tmp_path))
        db.commit()
        application.apply(db, actor)
        db.commit()
        drain(mail_app)
        assert subjects(smtp) == {"hanne@havbris.no": ["Your application for qualification in Skytjenester 2026 has been received"]}
        assert f"/leverandor/soknader/{application.id}" in text_to(smtp, "hanne@havbris.no")
        (queued,) = rows(mail_app, "manager.queue")
        assert queued.status == NotificationStatus.HELD and queued.email == "forvaltning@dfo.example"
        application.decide(db, MANAGER, {cats["beregning"].id: ("qualified", ""),
                                         cats["lagring"].id: ("rejected", "Mangler kapasitetsplan.")})
        db.commit()
    drain(mail_app)
    text = text_to(smtp, "hanne@havbris.no")
    assert "Qualified in: Beregning" in text and "Mangler kapasitetsplan." in text
    assert len(rows(mail_app, "application.decided")) == 1


def test_listing_rejected_with_reason_then_approved(mail_app, smtp):
    client = mail_app.test_client()
    ola = login(client, "leverandor-fjordsky")
    person(mail_app, ola.user_id, f"0192:{FJORDSKY}", "ola@fjordsky.no")
    login(mail_app.test_client(), "avtaleforvalter")  # a known manager (no address: the inbox only)
    service = submitted_service(mail_app, name="Skylager Nord")
    with Session(engine(mail_app), expire_on_commit=False) as db:
        service = db.get(Service, service.id)
        Listing(db, service).reject(MANAGER, expected_lock=service.lock_version, reason="Exit-plan mangler.")
        db.commit()
        drain(mail_app)
        assert subjects(smtp)["ola@fjordsky.no"] == ["Tjenesten Skylager Nord er avvist"]
        assert "Exit-plan mangler." in text_to(smtp, "ola@fjordsky.no")
        Listing(db, service).submit(MANAGER)
        db.commit()
        Listing(db, service).approve(MANAGER, expected_lock=service.lock_version)
        db.commit()
    drain(mail_app)
    assert subjects(smtp)["ola@fjordsky.no"][1] == "Tjenesten Skylager Nord er godkjent"
    assert f"https://markedsplassen.test/tjenester/{service.id}" in text_to(smtp, "ola@fjordsky.no")
    assert len(rows(mail_app, "manager.queue")) == 2  # submitted twice: two queue items (in the inbox)


def _frozen_list_with(mail_app, buyer_client, service_id: int) -> sl.Shortlist:
    from tests.login import viewer_of

    viewer = viewer_of(buyer_client)
    with Session(engine(mail_app), expire_on_commit=False) as db:
        shortlist, errors = sl.save_search(db, viewer, "Lagring for skolene", [("q", "lagring")])
        assert not errors
        db.commit()
        assert sl.freeze(db, shortlist, viewer.actor(), [service_id], 1) is None
        db.commit()
        return shortlist


def test_frozen_shortlist_owner_is_told_of_new_terms_with_a_link_to_the_changes(mail_app, smtp):
    buyer = mail_app.test_client()
    mail_app.config["WTF_CSRF_ENABLED"] = False
    kari = login(buyer, "kommune-innkjoper")
    person(mail_app, kari.user_id, f"0192:{kari.orgnr}", "kari@fjellvik.kommune.no")
    with Session(engine(mail_app), expire_on_commit=False) as db:
        fjordsky = db.exec(select(Supplier).where(Supplier.orgnr == FJORDSKY)).one()
        service = db.exec(select(Service).where(Service.supplier_id == fjordsky.id, Service.published_at.is_not(None),
                                                Service.removed_at.is_(None)).order_by(Service.id)).first()
    shortlist = _frozen_list_with(mail_app, buyer, service.id)
    actor = Actor(name="Fjordsky", acting_for=f"0192:{FJORDSKY}", role="supplier")
    with Session(engine(mail_app), expire_on_commit=False) as db:
        service = db.get(Service, service.id)
        terms = dict(service.terms, support_hours="24x7" if service.terms.get("support_hours") != "24x7" else "kontortid")
        Listing(db, service).save(actor, {"terms": terms}, expected_lock=service.lock_version)
        Listing(db, service).submit(actor)
        db.commit()
        Listing(db, service).approve(MANAGER, expected_lock=service.lock_version)
        db.commit()
    drain(mail_app)
    (subject,) = subjects(smtp)["kari@fjellvik.kommune.no"]
    assert subject == f"Ny versjon av vilkårene for {service.name} på kortlisten «Lagring for skolene»"
    link = f"/innkjop/lister/{shortlist.id}/endringer/{service.id}"
    assert "https://markedsplassen.test" + link in text_to(smtp, "kari@fjellvik.kommune.no")
    page = buyer.get(link)
    assert page.status_code == 200 and "Brukerstøtte – åpningstid" in page.get_data(as_text=True)
    other = mail_app.test_client()
    login(other, "stat-innkjoper")
    assert other.get(link).status_code == 404


def test_saved_search_job_tells_the_owner_once_a_day(mail_app, smtp, search_template):
    from catalogue.notifications import jobs
    from tests.search_fixtures import install_index

    install_index(search_template, mail_app.config["INDEX_DIR"])
    buyer = mail_app.test_client()
    kari = login(buyer, "kommune-innkjoper")
    person(mail_app, kari.user_id, f"0192:{kari.orgnr}", "kari@fjellvik.kommune.no")
    from tests.login import viewer_of

    with Session(engine(mail_app), expire_on_commit=False) as db:
        service = db.exec(select(Service).where(Service.published_at.is_not(None), Service.removed_at.is_(None))
                          .order_by(Service.id)).first()
        shortlist, _ = sl.save_search(db, viewer_of(buyer), "Mitt søk", [("q", service.name)])
        service.published_at = utcnow()
        db.add(service)
        db.commit()
    now = datetime(2026, 12, 5, 12, 0, tzinfo=timezone.utc)
    with Session(engine(mail_app), expire_on_commit=False) as db:
        db.get(Service, service.id).published_at = now - timedelta(hours=2)
        db.commit()
    jobs.SEARCH_INDEX_DIR = mail_app.config["INDEX_DIR"]
    try:
        from catalogue.notifications.schedule import run_due

        assert run_due(engine(mail_app), now)["saved_searches"] == "ok"
        assert run_due(engine(mail_app), now + timedelta(minutes=5))["saved_searches"] == "ok"  # same day: nothing new
    finally:
        jobs.SEARCH_INDEX_DIR = None
    (row,) = rows(mail_app, "search.new_services")
    assert row.status == NotificationStatus.HELD  # daily digest by default
    assert row.next_attempt_at.astimezone(timezone.utc) == datetime(2026, 12, 6, 6, 0, tzinfo=timezone.utc)
