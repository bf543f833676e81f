"""A small world for the security tests: one app, a logged-in client per identity, known objects.

The authorization matrix, the CSRF test and the fuzz tests all need the same things: the
seeded app on its own database copy, the people of the matrix logged in through the real
login flow (``tests.login.login``), and real objects to put into URLs – supplier A's
draft and supplier B's draft, an application, a private and a public document, a buyer's
shortlist – so that "another supplier's object" means a real row of another supplier.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path
from typing import Any, Optional

from sqlalchemy import inspect, select, text
from sqlmodel import Session

import marketplace.schema  # noqa: F401  (every table)
from catalogue.listing import Listing
from catalogue.audit import Actor
from catalogue.models import (
    DPS, Category, Document, QualificationApplication, Qualification, Service, Supplier, utcnow,
)
from tests.competition_support import world_objects as competition_objects
from tests.conftest import make_app
from tests.databases import drop_database, new_database
from tests.login import login, prepare, viewer_of
from tests.pdf import make_pdf

ORGNR_A = "964330123"   # Fjordsky AS
ORGNR_B = "935308291"   # Nordlys Datasenter AS
DPS_SLUG = "dps-skytjenester"

# identity -> (test person, organisation acted for); None = not logged in.
IDENTITIES: dict[str, Optional[tuple[str, Optional[str]]]] = {
    "anonymous": None,
    "buyer": ("kommune-innkjoper", None),
    "buyer_b": ("stat-innkjoper", None),        # another public body: for shortlists
    "supplier_a": ("leverandor-fjordsky", ORGNR_A),
    "supplier_b": ("leverandor-nordlys", ORGNR_B),
    "manager": ("avtaleforvalter", None),
}
ROLES = tuple(IDENTITIES)

_CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')
_CSRF_HEADER = re.compile(r'"X-CSRFToken":\s*"([^"]+)"')


@dataclass
class World:
    app: Any
    url: str
    clients: dict[str, Any] = field(default_factory=dict)
    objects: dict[str, Any] = field(default_factory=dict)

    @property
    def engine(self):
        return self.app.extensions["db_engine"]

    def client(self, identity: str):
        return self.clients[identity]

    def csrf_token(self, identity: str) -> str:
        """A valid CSRF token of *identity*'s session (every page carries one for htmx)."""
        html = self.clients[identity].get("/").get_data(as_text=True)
        found = _CSRF_HEADER.search(html) or _CSRF.search(html)
        assert found, "no CSRF token on the front page"
        return found.group(1)

    def counts(self) -> dict[str, int]:
        return table_counts(self.engine)

    def close(self) -> None:
        self.engine.dispose()
        drop_database(self.url)


def table_counts(engine) -> dict[str, int]:
    """Rows per table: what "nothing was written" is measured by."""
    names = sorted(inspect(engine).get_table_names())
    with engine.connect() as conn:
        return {name: conn.execute(text(f'SELECT count(*) FROM "{name}"')).scalar_one()
                for name in names if name != "alembic_version"}


def changed_tables(before: dict[str, int], after: dict[str, int]) -> dict[str, tuple[int, int]]:
    return {name: (before.get(name, 0), after.get(name, 0))
            for name in set(before) | set(after) if before.get(name, 0) != after.get(name, 0)}


def make_world(template_db: str, tmp_path: Path, identities=ROLES, search_template: Path | None = None,
               **config) -> World:
    """The seeded app on a fresh database copy, with everybody in *identities* logged in.

    With *search_template* (the ``search_template`` fixture) the app gets a copy of the
    search index of the seeded database, so /tjenester and the API can search.
    """
    url = new_database(tmp_path, template=template_db)
    app = make_app(url, tmp_path / "instance", **config)
    if search_template is not None:
        from tests.search_fixtures import install_index

        install_index(search_template, app.config["INDEX_DIR"])
    prepare(app)
    world = World(app=app, url=url)
    # The buyer is always logged in: the buyer's shortlist is one of the objects.
    for identity in sorted(set(identities) | {"buyer"}, key=ROLES.index):
        client = app.test_client()
        person = IDENTITIES[identity]
        if person is not None:
            viewer = login(client, person[0], person[1])
            assert viewer.is_authenticated, identity
        world.clients[identity] = client
    world.objects = make_objects(world)
    return world


def _contract_objects(session: Session, buyer, service_id: int, upload_dir: str, secret: str) -> dict[str, Any]:
    """A frozen shortlist with supplier A's service, a draft contract and a signed one with a deviation report."""
    from catalogue import shortlists
    from catalogue.contracts import followup
    from catalogue.contracts import lifecycle as lc

    frozen, errors = shortlists.save_search(session, buyer, "Matriseavrop", [("q", "x")])
    assert not errors, errors
    assert shortlists.freeze(session, frozen, buyer.actor(), [service_id], 1) is None
    # Set aside with a reason, so its page offers the undo as well (the form fuzzers find both).
    item = shortlists.frozen_item(session, frozen, service_id)
    assert shortlists.set_aside(session, frozen, item, buyer.actor(), "Matrise: oppfyller ikke kravet.") is None
    start = utcnow().date() + timedelta(days=1)
    form = {"tittel": "Matriseavtale", "verdi": "100000", "start": start.isoformat(),
            "slutt": (start + timedelta(days=365)).isoformat(), "avtaleform": "ssa-l", "begrunnelse": "Matrise"}
    made = []
    for _ in range(3):
        made.append(lc.direct_call_off(session, buyer.actor(), buyer_orgnr=buyer.orgnr, buyer_name=buyer.org_name,
                                       shortlist=frozen, service_id=service_id, call_off=lc.read_call_off(form),
                                       requirements={}, user_id=buyer.user_id))
    signed, active = made[1], made[2]
    for contract in (signed, active):
        lc.ContractLife(contract).sign(session, buyer.actor(), upload_dir, signed_on=utcnow().date(),
                                       filename="signert.pdf", data=make_pdf("Signert matriseavtale"))
    lc.ContractLife(active).activate(session, buyer.actor())
    report = followup.file_deviation(session, buyer.actor(), signed, subject="Matriseavvik", description="Avvik",
                                     user_id=buyer.user_id)
    from tests.competition_support import ready_for_contract

    ready = ready_for_contract(session, upload_dir, secret, utcnow())
    session.commit()
    return {"frozen_shortlist": frozen.id, "contract": made[0].id, "contract_signed": signed.id,
            "competition_ready": ready.id,
            "contract_active": active.id, "deviation": report.id}


# --- objects to put into URLs ---------------------------------------------------------------------


def _supplier(session: Session, orgnr: str) -> Supplier:
    return session.exec(select(Supplier).where(Supplier.orgnr == orgnr)).scalars().one()


def _published_of(session: Session, supplier_id: int) -> Service:
    return session.exec(select(Service).where(Service.supplier_id == supplier_id, Service.status == "published")
                        .order_by(Service.id)).scalars().first()


def _copy_as(session: Session, actor: Actor, source: Service, status: str, name: str, **changes: Any) -> Service:
    from catalogue import listings

    content = listings.listing_content(source)
    content.update(name=name, **changes)
    service = Listing.create(session, actor, source.supplier_id, content).service
    if status in ("submitted", "published"):
        Listing(session, service).submit(actor, expected_lock=service.lock_version)
    if status == "published":
        Listing(session, service).publish(actor)
    return service


def _application(session: Session, dps: DPS, supplier: Supplier, category: Category, actor: Actor,
                 upload_dir: str) -> tuple[QualificationApplication, Document]:
    from catalogue import documents

    existing = session.exec(select(QualificationApplication).where(
        QualificationApplication.supplier_id == supplier.id, QualificationApplication.dps_id == dps.id)
        .order_by(QualificationApplication.id)).scalars().first()
    application = existing or QualificationApplication(
        dps_id=dps.id, supplier_id=supplier.id, status="submitted", declarations={},
        submitted_at=utcnow(), due_date=(utcnow() + timedelta(days=14)).date())
    session.add(application)
    session.flush()
    if existing is None:
        session.add(Qualification(application_id=application.id, dps_id=dps.id, supplier_id=supplier.id,
                                  category_id=category.id, status="pending"))
    doc = documents.store(session, actor, upload_dir, supplier_id=supplier.id, kind="tax_certificate",
                          filename="skatteattest.pdf", data=make_pdf(f"Skatteattest {supplier.name}"),
                          application_id=application.id)
    return application, doc


def make_objects(world: World) -> dict[str, Any]:
    """Real rows of supplier A and B (and a buyer), created the way the domain creates them."""
    from catalogue import articles, documents, shortlists
    from catalogue.market import compute

    app = world.app
    upload_dir = app.config["UPLOAD_DIR"]
    with Session(world.engine, expire_on_commit=False) as session:
        a, b = _supplier(session, ORGNR_A), _supplier(session, ORGNR_B)
        actor_a = Actor(name="Matrise A", acting_for=f"0192:{ORGNR_A}", role="supplier")
        actor_b = Actor(name="Matrise B", acting_for=f"0192:{ORGNR_B}", role="supplier")
        published_a, published_b = _published_of(session, a.id), _published_of(session, b.id)
        draft_a = _copy_as(session, actor_a, published_a, "draft", "Matriseutkast A")
        draft_b = _copy_as(session, actor_b, published_b, "draft", "Matriseutkast B")
        submitted_a = _copy_as(session, actor_a, published_a, "submitted", "Matriseinnsendt A")
        # Published under no DPS, in a category A is qualified in: its page offers "Tilby under ordningen" (issue 16).
        offerable_a = _copy_as(session, actor_a, published_a, "published", "Matrisetilbud A", dps_id=None)
        removed = session.exec(select(Service).where(Service.status == "removed")).scalars().first()
        dps = session.exec(select(DPS).where(DPS.slug == DPS_SLUG)).scalars().one()
        category = session.get(Category, published_a.category_id)
        app_a, private_a = _application(session, dps, a, category, actor_a, upload_dir)
        app_b, private_b = _application(session, dps, b, category, actor_b, upload_dir)
        public_doc = documents.store(session, actor_a, upload_dir, supplier_id=a.id, kind="terms",
                                     filename="vilkar.pdf", data=make_pdf("Standardvilkår"),
                                     service_id=published_a.id)
        published_a.documents = {**(published_a.documents or {}), "terms": public_doc.id}
        session.add(published_a)
        article = session.exec(select(articles.Article).order_by(articles.Article.id)).scalars().first()
        if article is None:  # until the demo loader seeds the guidance articles itself
            from seed.articles import load_articles

            load_articles(session)
            session.flush()
            article = session.exec(select(articles.Article).order_by(articles.Article.id)).scalars().first()
        # A second version (so there is an older one to restore) and a draft (so there is one to publish).
        version = articles.current(session, article)
        edited = articles.ArticleForm.from_version(version)
        edited.summary = (version.summary + " (revidert)")[:articles.SUMMARY_MAX]
        clean, errors = articles.validate(session, edited, creating=False)
        assert not errors, errors
        articles.save_version(session, Actor(name="Matrise"), article, clean, base_version=article.current_version)
        draft_form = articles.ArticleForm.from_version(version, slug="matrise-utkast")
        clean, errors = articles.validate(session, draft_form, creating=True)
        assert not errors, errors
        draft_article = articles.create(session, Actor(name="Matrise"), clean)
        session.commit()
        objects = {
            "supplier_a": a.id, "supplier_b": b.id, "supplier_slug": a.slug,
            "published_a": published_a.id, "published_b": published_b.id,
            "draft_a": draft_a.id, "draft_b": draft_b.id, "submitted_a": submitted_a.id,
            "offerable_a": offerable_a.id,
            "removed": removed.id if removed else None,
            "dps_slug": dps.slug, "category_slug": category.slug,
            "application_a": app_a.id, "application_b": app_b.id,
            "private_doc_a": private_a.id, "private_doc_b": private_b.id, "public_doc": public_doc.id,
            "article_slug": article.slug if article else None,
            "article_version": 1, "draft_article_slug": draft_article.slug,
        }
        from catalogue.listings import sections
        from catalogue.terms import TERMS

        objects["section"] = sections()[0]
        objects["term_key"] = next(t.key for t in TERMS if t.type != "nsm_matrix" and not t.has_rows)
        objects["row_term_key"] = next(t.key for t in TERMS if t.type == "rows")
        market = compute(session)
        objects["market_key"] = market.figures[0].key
        objects.update(competition_objects(session, upload_dir, app.config["SECRET_KEY"]))
        session.commit()
    # A buyer's saved search, through the domain with the buyer's own viewer.
    buyer = viewer_of(world.clients["buyer"]) if "buyer" in world.clients else None
    if buyer is not None and buyer.is_authenticated:
        with Session(world.engine, expire_on_commit=False) as session:
            name = session.get(Service, objects["published_a"]).name
            shortlist, errors = shortlists.save_search(session, buyer, "Matriseliste", [("q", name)])
            assert not errors, errors
            session.commit()
            objects["shortlist"] = shortlist.id
            objects.update(_contract_objects(session, buyer, objects["published_a"], app.config["UPLOAD_DIR"],
                                             app.config["SECRET_KEY"]))
    # A notification for supplier A's people (its inbox offers the "mark as read" form).
    from catalogue.notifications import notify
    from catalogue.notifications.models import Notification

    with Session(world.engine, expire_on_commit=False) as session:
        notify(session, "listing.approved", suppliers=[objects["supplier_a"]], context={"service": "Matrise"},
               url="/", key="matrix:notification")
        session.commit()
        from catalogue.notifications.models import NotificationEvent

        # This call's own notification to a person (other objects above notified others first).
        objects["notification_a"] = session.exec(
            select(Notification.id).join(NotificationEvent, NotificationEvent.id == Notification.event_id)
            .where(NotificationEvent.key == "matrix:notification", Notification.user_id.is_not(None))
            .order_by(Notification.id)).scalars().first()
        # An unverified address of supplier A's person (its page offers "send again" and "remove").
        from catalogue.models import Membership
        from catalogue.notifications.models import MailAddress

        member = session.exec(select(Membership.user_id).where(
            Membership.supplier_id == objects["supplier_a"])).scalars().first()
        address = MailAddress(owner=f"user:{member}", user_id=member, org=f"0192:{ORGNR_A}", email="matrise@example.no")
        session.add(address)
        # A mail given up on (the managers' "failed" page offers "try again").
        from catalogue.notifications.models import NotificationStatus

        first = session.get(Notification, objects["notification_a"])
        session.add(Notification(event_id=first.event_id, kind=first.kind, recipient="team", email="team@example.no",
                                 status=NotificationStatus.FAILED.value, attempts=8, last_error="550 no such user"))
        session.commit()
        objects["address_a"] = address.id
    # A register alert (issue 15): Enhetsregisteret reported supplier B bankrupt.
    from catalogue.models import utcnow
    from catalogue.registerwatch.models import RegisterAlert, RegisterFlag

    with Session(world.engine, expire_on_commit=False) as session:
        alert = RegisterAlert(supplier_id=objects["supplier_b"], flag=RegisterFlag.BANKRUPT, update_id=1,
                              registered_at=utcnow())
        session.add(alert)
        # A request for an updated self-declaration (issue 15) to supplier A.
        from datetime import date

        from catalogue.declarations.models import DeclarationRequest, RequestStatus

        # Overdue, so its page offers the suspension form.
        dps_id = session.exec(select(DPS.id)).scalars().first()
        request = DeclarationRequest(supplier_id=objects["supplier_a"], dps_id=dps_id, due_date=date(2025, 1, 7),
                                     status=RequestStatus.OVERDUE)
        session.add(request)
        session.commit()
        objects["register_alert"] = alert.id
        objects["declaration_request"] = request.id
    return objects

