"""Foundation: configuration, organisation numbers, constraints, migrations, public pages."""
from __future__ import annotations

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, SQLModel, select

import marketplace.schema  # noqa: F401  (every table on SQLModel.metadata)
from catalogue.db import make_engine
from marketplace.migrate import upgrade
from catalogue.models import Category, Membership, Service, Supplier, User
from catalogue.suppliers import InvalidOrgnr, clean_orgnr, is_valid_orgnr
from catalogue.terms import TERMS
from marketplace import create_app
from marketplace.config import DEFAULT_SECRET_KEY, ConfigError, load_config
from tests.databases import drop_database, new_database
from tests.i18n_support import in_both_languages


# --- configuration ----------------------------------------------------------

def test_production_refuses_default_secret(tmp_path):
    with pytest.raises(ConfigError):
        load_config({"MARKETPLACE_ENV": "production"}, instance_path=tmp_path)
    with pytest.raises(ConfigError):
        load_config({"MARKETPLACE_ENV": "production", "SECRET_KEY": DEFAULT_SECRET_KEY}, instance_path=tmp_path)


def test_production_refuses_test_identity_provider(tmp_path):
    with pytest.raises(ConfigError):
        load_config({"MARKETPLACE_ENV": "production", "SECRET_KEY": "x" * 40, "TEST_IDP_ENABLED": "1"},
                    instance_path=tmp_path)


PRODUCTION = {"MARKETPLACE_ENV": "production", "SECRET_KEY": "x" * 40, "PID_HMAC_KEY": "y" * 40,
              "DATABASE_URL": "postgresql://db/mp", "PUBLIC_BASE_URL": "https://markedsplassen.example",
              "OIDC_ISSUER": "https://idporten.no", "OIDC_CLIENT_ID": "mp", "OIDC_CLIENT_SECRET": "s" * 32,
              "REDIS_URL": "redis://cache:6379/0", "SMTP_URL": "smtp://mail:25", "TRUSTED_PROXIES": "1"}


@pytest.mark.parametrize("name", sorted(set(PRODUCTION) - {"MARKETPLACE_ENV"}))
def test_production_refuses_to_start_without_a_required_setting(tmp_path, name):
    env = {k: v for k, v in PRODUCTION.items() if k != name}
    with pytest.raises(ConfigError, match=name):
        load_config(env, instance_path=tmp_path)


def test_production_refuses_unsafe_values(tmp_path):
    for bad in ({"DATABASE_URL": "sqlite:///x.db"}, {"PUBLIC_BASE_URL": "http://mp.example"},
                {"PID_HMAC_KEY": "x" * 40}, {"TRUSTED_PROXIES": "0"}):
        with pytest.raises(ConfigError):
            load_config({**PRODUCTION, **bad}, instance_path=tmp_path)


def test_production_config_is_hardened(tmp_path):
    cfg = load_config({**PRODUCTION, "PORT": "8080"}, instance_path=tmp_path)
    assert cfg["SESSION_COOKIE_SECURE"] and not cfg["TEST_IDP_ENABLED"]
    assert cfg["DATABASE_URL"] == "postgresql://db/mp" and cfg["PORT"] == 8080


def test_embedded_defaults_live_under_instance(tmp_path):
    cfg = load_config({}, instance_path=tmp_path)
    assert cfg["DATABASE_URL"] == f"sqlite:///{tmp_path / 'marketplace.db'}"
    assert cfg["INDEX_DIR"] == str(tmp_path / "index")
    assert cfg["OIDC_ISSUER"] == "http://127.0.0.1:5000/testid"


# --- organisation numbers ---------------------------------------------------

@pytest.mark.parametrize("value, expected", [
    ("123456785", "123456785"), ("988077917", "988077917"), ("988 077 917", "988077917"),
    ("NO 988 077 917 MVA", "988077917"),
])
def test_valid_orgnr(value, expected):
    assert clean_orgnr(value) == expected


@pytest.mark.parametrize("value", ["", "12345678", "1234567890", "123456789", "988077918", "98807791A", "abcdefghi"])
def test_invalid_orgnr(shared_app, value):
    assert not is_valid_orgnr(value)
    with pytest.raises(InvalidOrgnr) as err:
        clean_orgnr(value)
    nb, en = in_both_languages(shared_app, err.value.message)
    assert nb and en and nb != en


def test_remainder_one_is_invalid():
    # 8 digits whose weighted sum has remainder 1 cannot get a check digit: every ending is invalid.
    base = next(b for b in (f"{n:08d}" for n in range(10_000_000, 10_001_000))
                if sum(int(d) * w for d, w in zip(b, (3, 2, 7, 6, 5, 4, 3, 2))) % 11 == 1)
    assert not any(is_valid_orgnr(base + str(d)) for d in range(10))


# --- schema -----------------------------------------------------------------

def test_migrations_reach_head_and_match_the_models(tmp_path):
    url = new_database(tmp_path)
    try:
        upgrade(url)
        engine = make_engine(url)
        with engine.connect() as conn:
            diff = compare_metadata(MigrationContext.configure(conn, opts={"compare_type": False}), SQLModel.metadata)
        engine.dispose()
        assert diff == [], f"models and migrations differ: {diff}"
    finally:
        drop_database(url)


def test_orgnr_is_unique(app):
    engine = app.extensions["db_engine"]
    with Session(engine) as s:
        existing = s.exec(select(Supplier)).first()
        s.add(Supplier(orgnr=existing.orgnr, name="Kopi AS", slug="kopi-as"))
        with pytest.raises(IntegrityError):
            s.commit()


def test_orgnr_must_have_nine_digits_in_the_database(app):
    with Session(app.extensions["db_engine"]) as s:
        s.add(Supplier(orgnr="1234", name="Kort AS", slug="kort-as"))
        with pytest.raises(IntegrityError):
            s.commit()


def test_user_key_and_membership_are_unique(app):
    with Session(app.extensions["db_engine"]) as s:
        user = User(pid_hash="a" * 64, name="Test")
        s.add(user)
        s.commit()
        s.add(User(pid_hash="a" * 64, name="Twin"))
        with pytest.raises(IntegrityError):
            s.commit()
        s.rollback()
        supplier = s.exec(select(Supplier)).first()
        s.add(Membership(user_id=user.id, supplier_id=supplier.id))
        s.commit()
        s.add(Membership(user_id=user.id, supplier_id=supplier.id))
        with pytest.raises(IntegrityError):
            s.commit()


def test_category_slugs_are_unique(app):
    with Session(app.extensions["db_engine"]) as s:
        s.add(Category(slug="lagring", name_nb="Dobbel", name_en="Double"))
        with pytest.raises(IntegrityError):
            s.commit()


# --- public pages -----------------------------------------------------------

def _published(app):
    with Session(app.extensions["db_engine"]) as s:
        return s.exec(select(Service).where(Service.status == "published").order_by(Service.id)).all()


def test_front_page_lists_categories_with_counts(shared_client):
    r = shared_client.get("/")
    assert r.status_code == 200
    html = r.get_data(as_text=True)
    assert '<html lang="nb">' in html
    assert 'href="#innhold"' in html and '<main id="innhold"' in html
    assert "Databaser" in html and "Lagring" in html
    assert "publiserte tjenester" in html


def test_every_category_page(shared_app, shared_client):
    with Session(shared_app.extensions["db_engine"]) as s:
        cats = s.exec(select(Category)).all()
    assert len(cats) >= 12
    for cat in cats:
        r = shared_client.get(f"/kategorier/{cat.slug}")
        assert r.status_code == 200, cat.slug
        assert cat.name_nb in r.get_data(as_text=True)


def test_every_service_page_shows_all_public_terms(shared_app, shared_client):
    services = _published(shared_app)
    assert len(services) >= 150
    for svc in services:
        r = shared_client.get(f"/tjeneste/{svc.id}")
        assert r.status_code == 200, svc.id
        html = r.get_data(as_text=True)
        assert svc.name.replace("&", "&amp;") in html
        for group, terms in TERMS.grouped(include_buyer_only=False):
            assert group.nb in html
            for term in terms:
                assert f'id="vilkar-{term.key}"' in html, (svc.id, term.key)
        # Buyer-only terms stay hidden from anonymous visitors.
        for term in TERMS:
            if term.buyer_only:
                assert f'id="vilkar-{term.key}"' not in html


def test_supplier_pages(shared_app, shared_client):
    with Session(shared_app.extensions["db_engine"]) as s:
        suppliers = s.exec(select(Supplier)).all()
    assert len(suppliers) >= 30
    r = shared_client.get("/leverandorer")
    assert r.status_code == 200
    for sup in suppliers:
        r = shared_client.get(f"/leverandorer/{sup.slug}")
        assert r.status_code == 200
        assert sup.name.replace("&", "&amp;") in r.get_data(as_text=True)


def test_not_found_pages(shared_client):
    for url in ("/tjeneste/999999", "/kategorier/finnes-ikke", "/leverandorer/finnes-ikke", "/finnes/ikke"):
        r = shared_client.get(url)
        assert r.status_code == 404, url
        assert "Fant ikke siden" in r.get_data(as_text=True)


def test_removed_service_is_gone_with_date(shared_app, shared_client):
    with Session(shared_app.extensions["db_engine"]) as s:
        removed = s.exec(select(Service).where(Service.status == "removed")).first()
    assert removed is not None
    r = shared_client.get(f"/tjeneste/{removed.id}")
    assert r.status_code == 410
    html = r.get_data(as_text=True)
    assert "fjernet" in html and str(removed.removed_at.year) in html


def test_drafts_are_not_public(shared_app, shared_client):
    with Session(shared_app.extensions["db_engine"]) as s:
        draft = s.exec(select(Service).where(Service.status.in_(["draft", "submitted"]))).first()
    assert draft is not None
    assert shared_client.get(f"/tjeneste/{draft.id}").status_code == 404


def test_security_headers_and_no_inline_code(shared_client):
    r = shared_client.get("/")
    csp = r.headers["Content-Security-Policy"]
    assert "unsafe-inline" not in csp and "unsafe-eval" not in csp and "frame-ancestors 'none'" in csp
    assert r.headers["X-Content-Type-Options"] == "nosniff"
    assert "HX-Request" in r.headers.get("Vary", "")
    html = r.get_data(as_text=True)
    assert "<script>" not in html and " style=" not in html and "<style" not in html
