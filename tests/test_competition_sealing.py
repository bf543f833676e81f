"""Sealed tenders: before the opening nobody – buyer, contract manager, another supplier, anyone –
reads any tender content through the application, on any route.

The routes come from the URL map (every GET route of the authorization matrix, each of its
cases, and again with the competition argument pointed at the open and at the closed-but-not-
opened competition); the visitors are the matrix's real logins. The tenders carry marker texts
(``SEAL_MARKERS``) in their content and in an attached file; no response may hold one. The only
exception is a supplier's own unsent *draft*, shown back to that supplier on its tender page.
At rest the markers are in no table and in no stored file.
"""
from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import inspect, text

from tests.competition_support import SEAL_MARKERS
from tests.security_support import ROLES, make_world
from tests.test_authz_matrix import ENDPOINTS, ROUTES, Case, build_url, methods_of

OWN_DRAFT = {("supplier_b", "competitions.tender", SEAL_MARKERS[1])}
SEALED_COMPETITIONS = ("competition", "competition_closed")


@pytest.fixture(scope="module")
def world(template_db, search_template, tmp_path_factory):
    w = make_world(template_db, tmp_path_factory.mktemp("sealing"), search_template=search_template)
    yield w
    w.close()


def _cases(endpoint: str) -> list[Case]:
    cases = list(ROUTES[endpoint])
    for case in ROUTES[endpoint]:
        if "competition_id" in case.args:
            for target in SEALED_COMPETITIONS:
                cases.append(Case(expect=case.expect, args={**case.args, "competition_id": f"@{target}"},
                                  query=case.query, label=f"{case.label} on {target}"))
    return cases


def test_every_get_route_is_covered():
    missing = [e for e in ENDPOINTS if e not in ROUTES]
    assert not missing, missing


@pytest.mark.parametrize("endpoint", [e for e in ENDPOINTS if e in ROUTES])
def test_no_route_shows_sealed_tender_content_to_anyone(world, endpoint):
    if "GET" not in methods_of(world.app, endpoint):
        pytest.skip("no GET")
    leaks = []
    for case in _cases(endpoint):
        url = build_url(world.app, endpoint, case, world.objects)
        for who in ROLES:
            response = world.client(who).get(url)
            body = response.get_data()
            for marker in SEAL_MARKERS:
                if marker.encode() in body and (who, endpoint, marker) not in OWN_DRAFT:
                    leaks.append(f"GET {url} as {who}: {marker} ({response.status_code})")
    assert not leaks, "\n".join(leaks)


def test_the_owner_sees_its_own_draft_but_never_its_submitted_tender(world):
    url = build_url(world.app, "competitions.tender", Case(expect={}, args={"competition_id": "@competition"}),
                    world.objects)
    assert SEAL_MARKERS[1] in world.client("supplier_b").get(url).get_data(as_text=True)
    assert SEAL_MARKERS[0] not in world.client("supplier_a").get(url).get_data(as_text=True)


def test_markers_are_in_no_table_and_no_stored_file(world):
    engine = world.engine
    found = []
    with engine.connect() as conn:
        for table in inspect(engine).get_table_names():
            for row in conn.execute(text(f'SELECT * FROM "{table}"')):
                joined = " ".join(str(v) for v in row)
                found += [f"{table}: {m}" for m in SEAL_MARKERS if m in joined]
    assert not found, found
    files = [p for p in Path(world.app.config["UPLOAD_DIR"]).rglob("*") if p.is_file()]
    assert files
    for path in files:
        data = path.read_bytes()
        assert not any(m.encode() in data for m in SEAL_MARKERS), path
