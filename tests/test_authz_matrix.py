"""The authorization matrix: every route × every kind of visitor against a declared expectation.

The routes come from ``app.url_map``; the expectations from ``ROUTES`` below (endpoint →
cases, each case the URL arguments and what each visitor must get). A route without an
entry fails ``test_every_route_has_a_declared_rule`` – a new view cannot slip in unjudged.
The visitors are real logins (``tests.login``): anonymous, buyer, another public body's
buyer, supplier A (Fjordsky AS), supplier B (Nordlys Datasenter AS) and the contract
manager; the URL arguments are real rows (supplier A's draft, B's application, …).

Outcomes: ``OK`` (2xx/3xx, not sent to log in), ``HANDLED`` (allowed through: any answer
below 500 that is not a refusal – for POSTs with an empty form), ``LOGIN`` (redirect to
/login), or an exact status such as 403 / 404 (another supplier's object answers 404 so
its existence is not given away). A refused request must also write nothing.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Mapping

import pytest

from tests.security_support import ROLES, World, changed_tables, make_world

OK = "ok"
HANDLED = "handled"
LOGIN = "login"

ROLE_OF = {"anonymous": "anonymous", "buyer": "buyer", "buyer_b": "buyer", "supplier_a": "supplier",
           "supplier_b": "supplier", "manager": "manager"}
WRITE_METHODS = {"POST", "PUT", "PATCH", "DELETE"}


@dataclass(frozen=True)
class Case:
    """One way of calling a route: its URL arguments (object keys or literals) and the outcomes."""

    expect: Mapping[str, Any]
    args: Mapping[str, Any] = field(default_factory=dict)
    query: Mapping[str, Any] = field(default_factory=dict)
    label: str = ""


def everyone(outcome=OK, **kw) -> Case:
    return Case(expect={who: outcome for who in ROLES}, **kw)


def only(*roles: str, allowed=OK, other=403, override: Mapping[str, Any] | None = None, **kw) -> Case:
    """Signed-in *roles* get *allowed*, other roles *other*, anonymous visitors are sent to log in."""
    expect = {}
    for who in ROLES:
        if who == "anonymous":
            expect[who] = LOGIN
        elif ROLE_OF[who] in roles:
            expect[who] = allowed
        else:
            expect[who] = other
    expect.update(override or {})
    return Case(expect=expect, **kw)


def own_supplier(allowed=OK, **kw) -> Case:
    """Supplier A's own object: A gets *allowed*, supplier B 404, everyone else refused by role."""
    return only("supplier", allowed=allowed, override={"supplier_b": 404}, **kw)


def own_buyer(allowed=HANDLED, **kw) -> Case:
    """The buyer's own competition: its buyer gets *allowed*, another public body's buyer 404."""
    return only("buyer", allowed=allowed, override={"buyer_b": 404}, **kw)


def party_case(**kw) -> Case:
    """A contract: only the buyer organisation, the supplier party (A) and the contract manager see it."""
    return Case(expect={"anonymous": LOGIN, "buyer": OK, "buyer_b": 404, "supplier_a": OK, "supplier_b": 404,
                        "manager": OK}, **kw)


def manager_only(allowed=OK, **kw) -> Case:
    return only("manager", allowed=allowed, **kw)


# Object keys (see tests.security_support.make_objects) are written as "@key".
ROUTES: dict[str, list[Case]] = {
    # --- public pages -------------------------------------------------------------------------
    "public.index": [everyone()],
    "public.category": [everyone(args={"slug": "@category_slug"}),
                        everyone(404, args={"slug": "finnes-ikke"}, label="unknown")],
    "public.service": [everyone(args={"service_id": "@published_a"}),
                       everyone(404, args={"service_id": "@draft_a"}, label="draft is not public, even to its owner")],
    "public.suppliers": [everyone()],
    "public.supplier": [everyone(args={"slug": "@supplier_slug"})],
    "search.search": [everyone(query={"q": "lagring"})],
    "compare.compare_page": [everyone(query={"id": ["@published_a", "@published_b"]})],
    "compare.export": [everyone(args={"fmt": "csv"}, query={"id": ["@published_a", "@published_b"]})],
    "compare.tray": [everyone(HANDLED)],
    "dps.index": [everyone()],
    # --- statutory and help pages (issue 16) ---------------------------------------------------
    "info.accessibility": [everyone()],
    "info.privacy": [everyone()],
    "info.cookie_page": [everyone()],
    "info.contact": [everyone()],
    "info.about": [everyone()],
    "info.api_docs": [everyone()],
    "info.favicon": [everyone()],
    "info.become_supplier": [everyone()],
    "dps.dps": [everyone(args={"slug": "@dps_slug"})],
    "dps.document": [
        everyone(args={"document_id": "@public_doc"}, label="terms of a published service"),
        Case(args={"document_id": "@private_doc_a"}, label="supplier A's tax certificate",
             expect={"anonymous": 404, "buyer": 404, "buyer_b": 404, "supplier_a": OK, "supplier_b": 404,
                     "manager": OK}),
    ],
    "guidance.index": [everyone()],
    "guidance.glossary": [everyone()],
    "guidance.article": [everyone(args={"slug": "@article_slug"})],
    "market.overview": [everyone()],
    "health.live": [everyone()],
    # Not ready in the test world (no background processes run there): 503 for everyone alike.
    "health.ready": [everyone(503)],
    "health.scrape": [everyone()],  # the test client is 127.0.0.1, the allowed monitoring address
    "market.download": [everyone(args={"key": "@market_key"})],
    # --- open JSON API ------------------------------------------------------------------------
    "api.services": [everyone(query={"q": "lagring"})],
    "api.service": [everyone(args={"service_id": "@published_a"}),
                    everyone(404, args={"service_id": "@draft_a"}, label="draft")],
    "api.categories": [everyone()],
    "api.openapi": [everyone()],
    "api.not_found": [everyone(404, args={"rest": "finnes-ikke"})],
    # --- login (the marketplace as OIDC client) --------------------------------------------------
    "auth.login": [everyone()],
    "auth.callback": [everyone(400, label="without code and state")],
    "auth.logout": [everyone(OK)],
    "auth.frontchannel": [everyone(HANDLED, label="without iss and sid")],
    "auth.account": [only("buyer", "supplier", "manager")],
    "auth.switch_organisation": [only("buyer", "supplier", "manager", allowed=HANDLED)],
    # --- the built-in test identity provider (development and tests only) ---------------------
    "testid.home": [everyone()],
    "testid.discovery": [everyone()],
    "testid.jwks": [everyone()],
    "testid.authorize": [everyone(HANDLED, label="without an authorization request")],
    "testid.token": [everyone((400, 401), label="without client credentials")],
    "testid.end_session": [everyone(HANDLED)],
    "testid.logout": [everyone(HANDLED)],
    # --- supplier area ------------------------------------------------------------------------
    "supplier.dashboard": [only("supplier")],
    "supplier.register": [only("supplier", allowed=HANDLED)],
    "company.details": [only("supplier", allowed=HANDLED)],
    "supplier.join": [only("supplier", allowed=HANDLED)],
    "supplier.new_service": [only("supplier", allowed=HANDLED)],
    "supplier.service": [own_supplier(args={"service_id": "@draft_a"}),
                         own_supplier(args={"service_id": "@submitted_a"}, label="submitted, can be withdrawn"),
                         own_supplier(args={"service_id": "@published_a"}, label="published, can be confirmed"),
                         own_supplier(args={"service_id": "@offerable_a"}, label="published, may go under the DPS")],
    "supplier.preview": [own_supplier(args={"service_id": "@submitted_a"}, label="submitted, read without withdrawing"),
                         own_supplier(args={"service_id": "@draft_a"})],
    "supplier.offer_under_dps": [own_supplier(HANDLED, args={"service_id": "@offerable_a"})],
    "supplier.edit_service": [own_supplier(HANDLED, args={"service_id": "@draft_a"})],
    "supplier.save_section": [own_supplier(HANDLED, args={"service_id": "@draft_a", "section": "@section"})],
    "supplier.submit_service": [own_supplier(HANDLED, args={"service_id": "@draft_a"})],
    "supplier.withdraw_service": [own_supplier(HANDLED, args={"service_id": "@submitted_a"})],
    "supplier.confirm_service": [own_supplier(HANDLED, args={"service_id": "@published_a"})],
    "supplier.remove_service": [own_supplier(HANDLED, args={"service_id": "@published_a"})],
    "supplier.versions": [own_supplier(args={"service_id": "@published_a"})],
    "supplier.validate_field": [only("supplier", allowed=HANDLED, args={"key": "@term_key"})],
    "supplier.add_row": [only("supplier", args={"term_key": "@row_term_key"})],
    "supplier.application": [only("supplier", allowed=HANDLED, args={"slug": "@dps_slug"})],
    "supplier.application_status": [own_supplier(args={"application_id": "@application_a"})],
    # --- contract manager -----------------------------------------------------------------------
    "manager.dashboard": [manager_only()],
    "manager.new_dps": [manager_only(HANDLED)],
    "manager.applications": [manager_only()],
    "manager.application": [manager_only(HANDLED, args={"application_id": "@application_a"})],
    "manager.services": [manager_only()],
    "manager.review": [manager_only(HANDLED, args={"service_id": "@submitted_a"})],
    "manager.versions": [manager_only(args={"service_id": "@published_a"})],
    "manager.log": [manager_only()],
    "register.alerts": [manager_only()],
    "dpsadmin.manage": [manager_only(HANDLED, args={"slug": "@dps_slug"})],
    "dpsadmin.add_document": [manager_only(HANDLED, args={"slug": "@dps_slug"})],
    "dpsadmin.history": [everyone(args={"slug": "@dps_slug"}, query={"dato": "2025-06-30"})],
    "declarations.requests_page": [manager_only(HANDLED)],
    "declarations.request_page": [manager_only(HANDLED, args={"request_id": "@declaration_request"})],
    "declarations.supplier_declaration": [only("supplier", allowed=HANDLED)],
    "register.alert": [manager_only(HANDLED, args={"alert_id": "@register_alert"})],
    "manager.log_csv": [manager_only()],
    "guidance.manage": [manager_only()],
    "guidance.create": [manager_only(HANDLED)],
    "guidance.edit": [manager_only(HANDLED, args={"slug": "@article_slug"})],
    "guidance.publish": [manager_only(HANDLED, args={"slug": "@article_slug"})],
    "guidance.unpublish": [manager_only(HANDLED, args={"slug": "@article_slug"})],
    "guidance.versions": [manager_only(args={"slug": "@article_slug"})],
    "guidance.show_version": [manager_only(args={"slug": "@article_slug", "number": "@article_version"})],
    "guidance.restore_version": [manager_only(HANDLED, args={"slug": "@article_slug", "number": "@article_version"})],
    # --- buyers: saved searches and frozen shortlists ----------------------------------------------
    "buyer.shortlists": [only("buyer")],
    "buyer.changes": [only("buyer", "manager", allowed=404, label="a saved (not frozen) list holds no versions",
                           args={"shortlist_id": "@shortlist", "service_id": "@published_a"})],
    # --- notifications (issue 12) ---------------------------------------------------------------
    "notifications.index": [only("buyer", "supplier", "manager")],
    "notifications.read": [only("supplier", other=404, override={"supplier_b": 404},
                                args={"notification_id": "@notification_a"})],
    "notifications.read_all": [only("buyer", "supplier", "manager")],
    "notifications.failed": [manager_only()],
    "notifications.requeue": [manager_only(409, args={"notification_id": "@notification_a"},
                                           label="an inbox-only notification was never mailed")],
    "mailsettings.addresses": [only("buyer", "supplier", "manager")],
    "mailsettings.save": [only("buyer", "supplier", "manager", allowed=HANDLED, args={"form": "personal"}),
                          only("supplier", allowed=HANDLED, other=404, args={"form": "functional"}, label="members only"),
                          manager_only(HANDLED, other=404, args={"form": "team"}, label="managers only"),
                          only("buyer", "supplier", "manager", allowed=404, args={"form": "ukjent"}, label="unknown")],
    "mailsettings.resend": [only("supplier", allowed=HANDLED, other=404, override={"supplier_b": 404},
                                 args={"address_id": "@address_a"})],
    "mailsettings.remove": [only("supplier", allowed=HANDLED, other=404, override={"supplier_b": 404},
                                 args={"address_id": "@address_a"})],
    "mailsettings.preferences": [only("buyer", "supplier", "manager")],
    "mailsettings.save_preferences": [only("buyer", "supplier", "manager", allowed=HANDLED)],
    "mailsettings.verify": [everyone(args={"token": "ugyldig"}, label="the page asks for a click")],
    "mailsettings.verify_post": [everyone(400, args={"token": "ugyldig"}, label="forged")],
    "mailsettings.unsubscribe": [everyone(args={"token": "ugyldig"}, label="the page asks for a click")],
    "mailsettings.unsubscribe_post": [everyone(400, args={"token": "ugyldig"}, label="forged")],
    "devmail.mails": [everyone(label="development only; 404 in production")],
    "buyer.save_form": [only("buyer", query={"q": "lagring"})],
    "buyer.save": [only("buyer", allowed=HANDLED)],
    "buyer.shortlist": [only("buyer", "manager", override={"buyer_b": 404}, args={"shortlist_id": "@shortlist"}),
                        only("buyer", "manager", override={"buyer_b": 404}, args={"shortlist_id": "@frozen_shortlist"},
                             label="frozen, with a service set aside")],
    "buyer.export": [only("buyer", "manager", override={"buyer_b": 404},
                          args={"shortlist_id": "@shortlist", "fmt": "csv"})],
    "buyer.set_aside": [only("buyer", allowed=HANDLED, override={"buyer_b": 404},
                             args={"shortlist_id": "@frozen_shortlist", "service_id": "@published_a"}),
                        only("buyer", allowed=404, args={"shortlist_id": "@shortlist", "service_id": "@published_a"},
                             label="a saved (not frozen) list holds no services to set aside")],
    "buyer.undo_set_aside": [only("buyer", allowed=HANDLED, override={"buyer_b": 404},
                                  args={"shortlist_id": "@frozen_shortlist", "service_id": "@published_a"})],
    "buyer.freeze": [only("buyer", allowed=HANDLED, override={"buyer_b": 404}, args={"shortlist_id": "@shortlist"})],
    "buyer.delete": [only("buyer", allowed=HANDLED, override={"buyer_b": 404}, args={"shortlist_id": "@shortlist"})],
    # --- competitions in a DPS category (issue 13) --------------------------------------------------
    "competitions.index": [everyone()],
    "competitions.oversight": [manager_only()],
    "competitions.new": [only("buyer", allowed=HANDLED)],
    "competitions.edit": [own_buyer(args={"competition_id": "@competition_draft"})],
    "competitions.upload": [own_buyer(args={"competition_id": "@competition_draft"})],
    "competitions.publish": [own_buyer(args={"competition_id": "@competition_draft"})],
    "competitions.correct": [own_buyer(args={"competition_id": "@competition"})],
    "competitions.cancel": [own_buyer(args={"competition_id": "@competition"})],
    "competitions.notice": [
        everyone(args={"competition_id": "@competition"}, label="published: a public notice"),
        everyone(args={"competition_id": "@competition_closed"}, label="deadline passed, not opened"),
        everyone(args={"competition_id": "@competition_awarded"}, label="awarded, standstill over"),
        Case(args={"competition_id": "@competition_draft"}, label="a draft exists only for its buyer",
             expect={"anonymous": 404, "buyer": OK, "buyer_b": 404, "supplier_a": 404, "supplier_b": 404,
                     "manager": 404}),
    ],
    "competitions.document": [only("buyer", "supplier", "manager", override={"buyer_b": 404},
                                   args={"competition_id": "@competition", "document_id": "@competition_doc"},
                                   label="the buyer, the invited suppliers and the manager")],
    "competitions.qa": [only("buyer", "supplier", "manager", override={"buyer_b": 404},
                             args={"competition_id": "@competition"})],
    "competitions.ask": [only("supplier", allowed=HANDLED, args={"competition_id": "@competition"})],
    "competitions.answer": [own_buyer(args={"competition_id": "@competition", "question_id": "@question"})],
    "competitions.tender": [only("supplier", allowed=HANDLED, args={"competition_id": "@competition"},
                                 label="both suppliers are invited")],
    "competitions.withdraw": [only("supplier", allowed=HANDLED, args={"competition_id": "@competition"})],
    "competitions.open_tenders": [own_buyer(args={"competition_id": "@competition_closed"})],
    "competitions.evaluation_page": [
        only("buyer", "manager", override={"buyer_b": 404}, args={"competition_id": "@competition_opened"}),
        only("buyer", "manager", allowed=404, args={"competition_id": "@competition_closed"},
             label="sealed: no evaluation before the opening"),
    ],
    "competitions.assess": [own_buyer(args={"competition_id": "@competition_opened", "tender_id": "@tender_opened_a"})],
    "competitions.award": [own_buyer(args={"competition_id": "@competition_opened"})],
    "competitions.conclude": [own_buyer(args={"competition_id": "@competition_awarded"})],
    "competitions.tender_document": [only("buyer", "manager", override={"buyer_b": 404}, args={
        "competition_id": "@competition_opened", "tender_id": "@tender_opened_a", "document_id": "@tender_doc_a"})],
    "competitions.record_page": [only("buyer", "manager", override={"buyer_b": 404},
                                      args={"competition_id": "@competition_opened"})],
    "competitions.record_export": [only("buyer", "manager", override={"buyer_b": 404},
                                        args={"competition_id": "@competition_opened"})],
    # --- contracts (issue 14) ----------------------------------------------------------------------
    "contracts.register": [only("buyer", "supplier", "manager")],
    "contracts.from_competition": [only("buyer", allowed=HANDLED, override={"buyer_b": 404},
                                        args={"competition_id": "@competition_ready"})],
    "contracts.new": [only("buyer", allowed=HANDLED, override={"buyer_b": 404},
                           args={"shortlist_id": "@frozen_shortlist", "service_id": "@published_a"})],
    "contracts.contract": [party_case(args={"contract_id": "@contract_signed"}),
                           party_case(args={"contract_id": "@contract"}, label="draft"),
                           party_case(args={"contract_id": "@contract_active"}, label="in force")],
    **{endpoint: [party_case(args={"contract_id": "@contract_signed"})]
       for endpoint in ("contracts.bilag", "contracts.bilag_odt", "contracts.signed_pdf")},
    **{endpoint: [only("buyer", allowed=HANDLED, override={"buyer_b": 404}, args={"contract_id": "@contract"})]
       for endpoint in ("contracts.sign", "contracts.activate", "contracts.end", "contracts.terminate",
                        "contracts.file_deviation")},
    "contracts.answer_deviation": [own_supplier(HANDLED, args={"contract_id": "@contract_signed",
                                                                "report_id": "@deviation"})],
    "followup.turnover": [only("supplier", allowed=HANDLED)],
    "followup.overview": [manager_only()],
    "followup.remind": [manager_only(HANDLED)],
    "followup.threshold": [manager_only(HANDLED)],
    "followup.awarded": [everyone()],
    "api.contracts": [everyone()],
    "api.contracts_ocds": [everyone()],
}

# Served by Flask itself: public files, no view of ours.
NOT_VIEWS = {"static"}


def resolve(value: Any, objects: Mapping[str, Any]) -> Any:
    if isinstance(value, list):
        return [resolve(v, objects) for v in value]
    if isinstance(value, str) and value.startswith("@"):
        found = objects[value[1:]]
        assert found is not None, f"no demo object for {value}"
        return found
    return value


def build_url(app, endpoint: str, case: Case, objects: Mapping[str, Any]) -> str:
    values = {k: resolve(v, objects) for k, v in case.args.items()}
    values.update({k: resolve(v, objects) for k, v in case.query.items()})
    with app.test_request_context():
        from flask import url_for

        return url_for(endpoint, **values)


def methods_of(app, endpoint: str) -> list[str]:
    found = set()
    for rule in app.url_map.iter_rules(endpoint=endpoint):
        found |= set(rule.methods or ()) - {"HEAD", "OPTIONS"}
    return sorted(found)


def is_login_redirect(response) -> bool:
    return response.status_code in (301, 302, 303, 307) and \
        response.headers.get("Location", "").split("?")[0].endswith("/login")


def judge(response, outcome) -> str | None:
    """None when *response* is what *outcome* declares, else a description of the mismatch."""
    status = response.status_code
    if status >= 500 and status != outcome:  # a declared 5xx (the readiness check's 503) is the answer
        return f"server error {status}"
    if outcome == LOGIN:
        return None if is_login_redirect(response) else f"expected a redirect to log in, got {status}"
    if outcome == OK:
        if is_login_redirect(response):
            return "sent to log in"
        return None if 200 <= status < 400 else f"expected success, got {status}"
    if outcome == HANDLED:
        if is_login_redirect(response):
            return "sent to log in"
        return None if status not in (401, 403, 405) else f"refused with {status}"
    wanted = outcome if isinstance(outcome, tuple) else (outcome,)
    return None if status in wanted else f"expected {outcome}, got {status}"


def refused(outcome) -> bool:
    return outcome == LOGIN or outcome in (401, 403, 404)


def check_route(world: World, endpoint: str, method: str, data: Mapping[str, Any] | None = None) -> list[str]:
    """Every case of *endpoint* × every identity; refusals must write nothing."""
    problems = []
    tokens = {who: world.csrf_token(who) for who in world.clients} if method in WRITE_METHODS else {}
    for case in ROUTES[endpoint]:
        url = build_url(world.app, endpoint, case, world.objects)
        # Refused identities first: an allowed write must not change what they are judged on.
        order = sorted(case.expect, key=lambda who: not refused(case.expect[who]))
        for who in order:
            outcome = case.expect[who]
            before = world.counts() if method in WRITE_METHODS else None
            headers = {"X-CSRFToken": tokens[who]} if method in WRITE_METHODS else {}
            response = world.client(who).open(url, method=method, headers=headers, data=data or {})
            problem = judge(response, outcome)
            where = f"{method} {url} [{case.label or endpoint}] as {who}"
            if problem:
                problems.append(f"{where}: {problem}")
            if before is not None and refused(outcome) and not problem:
                changed = changed_tables(before, world.counts())
                if changed:
                    problems.append(f"{where}: refused but wrote {changed}")
    return problems


# --- the tests ---------------------------------------------------------------------------------


def _endpoints(app) -> list[str]:
    return sorted({rule.endpoint for rule in app.url_map.iter_rules()} - NOT_VIEWS)


@pytest.fixture(scope="module")
def matrix_world(template_db, search_template, tmp_path_factory):
    world = make_world(template_db, tmp_path_factory.mktemp("matrix"), search_template=search_template)
    yield world
    world.close()


def _url_map_endpoints() -> list[str]:
    # The URL map of an app built the same way as every test app (no database needed).
    import tempfile

    from marketplace import create_app

    folder = tempfile.mkdtemp(prefix="authz-urlmap-")
    app = create_app({"DATABASE_URL": f"sqlite:///{folder}/empty.db", "INSTANCE_PATH": folder,
                      "SECRET_KEY": "urlmap", "TESTING": True})
    try:
        return _endpoints(app)
    finally:
        app.extensions["db_engine"].dispose()


ENDPOINTS = _url_map_endpoints()


def test_every_route_has_a_declared_rule():
    missing = [e for e in ENDPOINTS if e not in ROUTES]
    assert not missing, f"routes without a declared authorization rule in tests/test_authz_matrix.py: {missing}"
    stale = [e for e in ROUTES if e not in ENDPOINTS]
    assert not stale, f"declared rules for routes that no longer exist: {stale}"


def test_every_view_declares_who_may_use_it(shared_app):
    unmarked = [e for e in _endpoints(shared_app)
                if not getattr(shared_app.view_functions[e], "allowed_roles", None)]
    assert not unmarked, f"views without @public or @roles_required: {unmarked}"


def test_declared_rules_agree_with_the_guards(shared_app):
    """A view's ``allowed_roles`` and the declared matrix tell the same story."""
    problems = []
    for endpoint in ENDPOINTS:
        allowed = set(getattr(shared_app.view_functions.get(endpoint), "allowed_roles", ()) or ())
        for case in ROUTES.get(endpoint, []):
            anonymous = case.expect["anonymous"]
            if "*" in allowed:
                if anonymous == LOGIN:
                    problems.append(f"{endpoint}: public view, but the matrix sends anonymous visitors to log in")
                continue
            if anonymous != LOGIN:
                problems.append(f"{endpoint}: guarded view ({sorted(allowed)}), matrix expects {anonymous!r} "
                                f"for anonymous visitors")
            for who, outcome in case.expect.items():
                if who == "anonymous":
                    continue
                if ROLE_OF[who] in allowed and outcome == 403:
                    problems.append(f"{endpoint}: the guard lets {ROLE_OF[who]} in, the matrix expects 403 for {who}")
                if ROLE_OF[who] not in allowed and outcome != 403:
                    problems.append(f"{endpoint}: the guard refuses {ROLE_OF[who]}, the matrix expects "
                                    f"{outcome!r} for {who}")
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("endpoint", [e for e in ENDPOINTS if e in ROUTES])
def test_route_as_every_visitor(endpoint, matrix_world, template_db, search_template, tmp_path):
    methods = methods_of(matrix_world.app, endpoint)
    problems = []
    if "GET" in methods:
        problems += check_route(matrix_world, endpoint, "GET")
    writes = [m for m in methods if m in WRITE_METHODS]
    if writes:
        # Allowed writes change things: they get a world of their own.
        world = make_world(template_db, tmp_path)
        try:
            for method in writes:
                problems += check_route(world, endpoint, method)
        finally:
            world.close()
    assert not problems, "\n".join(problems)


def test_ids_beyond_any_column_are_not_found(matrix_world):
    """A URL id no database column can hold answers 404 (never a database overflow) for everyone."""
    from werkzeug.routing import IntegerConverter

    huge = 10**22
    problems = []
    for rule in matrix_world.app.url_map.iter_rules():
        ints = [name for name, conv in rule._converters.items() if isinstance(conv, IntegerConverter)]
        if not ints or "GET" not in rule.methods or rule.endpoint not in ROUTES:
            continue
        case = ROUTES[rule.endpoint][0]
        args = {k: (huge if k in ints else resolve(v, matrix_world.objects)) for k, v in case.args.items()}
        with matrix_world.app.test_request_context():
            from flask import url_for

            url = url_for(rule.endpoint, **args)
        for who in ROLES:
            response = matrix_world.client(who).get(url)
            if response.status_code >= 500 or response.status_code == 200:
                problems.append(f"GET {url} as {who}: {response.status_code}")
    assert not problems, "\n".join(problems)


def test_documents_are_served_as_stored_attachments(matrix_world):
    """Uploads leave only through the document route: as attachments, with the stored type, never sniffed."""
    from sqlmodel import Session

    from catalogue.models import Document

    with Session(matrix_world.engine) as session:
        private = session.get(Document, matrix_world.objects["private_doc_a"])
        public = session.get(Document, matrix_world.objects["public_doc"])
    for doc, who, cache in ((private, "supplier_a", "no-store"), (public, "anonymous", "public")):
        response = matrix_world.client(who).get(f"/dokumenter/{doc.id}")
        assert response.status_code == 200
        assert response.mimetype == doc.content_type
        assert response.headers["Content-Disposition"].startswith("attachment")
        assert doc.filename in response.headers["Content-Disposition"]
        assert response.headers["X-Content-Type-Options"] == "nosniff"
        assert cache in response.headers.get("Cache-Control", "")
        assert response.data.startswith(b"%PDF-")
    # Nothing under static/ holds an upload.
    assert not list(Path(matrix_world.app.static_folder).rglob("*.pdf"))
