"""A check step ("Sjekk før du sender") before every formal or irreversible action (issue 16).

The POST endpoints are listed from the URL map: each one is either marked ``check_first`` (a formal
action: it answers a post without the confirmation with the check page – carrying the form on,
writing nothing – and does the action once confirmed) or ``not_formal("why")``. One that is neither
fails the test, and so does a formal action below that has lost its check.
"""
from __future__ import annotations

import io
import re
from pathlib import Path

import pytest
from sqlmodel import Session, func, select

from marketplace import checkstep
from catalogue.models import AuditEvent
from tests.login import login
from tests.test_authz_matrix import HANDLED, OK, ROUTES, build_url
from tests.security_support import changed_tables, make_world

# The formal and irreversible actions. Taking one off this list needs a reason in review.
FORMAL = {
    # listings and qualification
    "supplier.submit_service", "supplier.confirm_service", "supplier.remove_service", "supplier.application", "manager.review",
    "manager.application", "manager.new_dps", "dpsadmin.manage", "declarations.supplier_declaration",
    "declarations.requests_page", "declarations.request_page", "register.alert",
    # guidance
    "guidance.publish", "guidance.unpublish", "guidance.restore_version",
    # frozen lists
    "buyer.freeze", "buyer.delete",
    # competitions
    "competitions.publish", "competitions.correct", "competitions.cancel", "competitions.answer",
    "competitions.tender", "competitions.withdraw", "competitions.open_tenders", "competitions.award",
    "competitions.conclude",
    # contracts and follow-up
    "contracts.sign", "contracts.activate", "contracts.end", "contracts.terminate", "contracts.file_deviation",
    "followup.turnover", "followup.remind",
}

# A form with several buttons is asked about only for the formal one: the field that says so.
TRIGGER = {"competitions.tender": {"handling": "lever"},
           "dpsadmin.manage": {"action": "close", "reason": "Ordningen erstattes."},
           "manager.review": {"decision": "approve"}}


def post_endpoints(app) -> set[str]:
    return {rule.endpoint for rule in app.url_map.iter_rules() if "POST" in (rule.methods or ())}


def test_every_post_endpoint_is_classified(app):
    problems = []
    for endpoint in sorted(post_endpoints(app)):
        view = app.view_functions[endpoint]
        checked, reason = getattr(view, "check_first", None), getattr(view, "not_formal", None)
        if checked and reason:
            problems.append(f"{endpoint}: both check_first and not_formal")
        elif not checked and not (reason and reason.strip()):
            problems.append(f"{endpoint}: neither check_first nor not_formal('why') – classify it")
        elif endpoint in FORMAL and not checked:
            problems.append(f"{endpoint}: a formal action without its check step")
    assert not problems, "\n".join(problems)
    assert FORMAL <= post_endpoints(app), FORMAL - post_endpoints(app)


def test_check_marks_only_post_views(app):
    for rule in app.url_map.iter_rules():
        if getattr(app.view_functions[rule.endpoint], "check_first", None):
            assert "POST" in rule.methods, rule


@pytest.fixture(scope="module")
def world(template_db, search_template, tmp_path_factory):
    made = make_world(template_db, tmp_path_factory.mktemp("checksteps"), search_template=search_template)
    yield made
    made.close()


# Asked about only when complete (an incomplete one gets its errors first): checked with a complete one there.
ASKED_ELSEWHERE = {"supplier.application": "tests/test_supplier_journey.py, tests/test_kept_uploads.py"}


@pytest.mark.parametrize("endpoint", sorted(FORMAL - set(ASKED_ELSEWHERE)))
def test_each_formal_action_asks_first_and_writes_nothing(world, endpoint):
    """Posted as someone allowed to do it, without the confirmation: the check page, nothing written."""
    case = ROUTES[endpoint][0]
    who = next(w for w, outcome in case.expect.items() if outcome in (OK, HANDLED) and w != "anonymous")
    url = build_url(world.app, endpoint, case, world.objects)
    before = world.counts()
    answer = world.client(who).post(url, data={"csrf_token": world.csrf_token(who), "merknad": "<b>x</b>",
                                               **TRIGGER.get(endpoint, {})})
    html = answer.get_data(as_text=True)
    assert answer.status_code == 200, (endpoint, answer.status_code)
    assert '<h1 tabindex="-1" autofocus>Sjekk før du sender</h1>' in html, endpoint
    assert '<input type="hidden" name="merknad" value="&lt;b&gt;x&lt;/b&gt;">' in html   # carried on, escaped
    assert '<input type="hidden" name="bekreftet" value="ja">' in html
    assert not changed_tables(before, world.counts()), endpoint                       # nothing written


def _events(app) -> int:
    with Session(app.extensions["db_engine"]) as s:
        return s.exec(select(func.count()).select_from(AuditEvent)).one()


def test_unconfirmed_post_shows_the_check_page_and_writes_nothing(app):
    client = app.test_client()
    login(client, "avtaleforvalter")
    page = client.get("/forvaltning/veiledning/skyreisen/rediger").get_data(as_text=True)
    token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
    before = _events(app)
    answer = client.post("/forvaltning/veiledning/skyreisen/avpubliser", data={"csrf_token": token, "note": "x"},
                         headers={"Referer": "http://localhost/forvaltning/veiledning"})
    html = answer.get_data(as_text=True)
    assert answer.status_code == 200 and "<h1 tabindex=\"-1\" autofocus>Sjekk før du sender</h1>" in html
    assert '<input type="hidden" name="note" value="x">' in html            # the form is carried on
    assert '<input type="hidden" name="bekreftet" value="ja">' in html
    assert 'href="/forvaltning/veiledning"' in html                        # and a way back
    assert _events(app) == before                                           # nothing written
    done = client.post("/forvaltning/veiledning/skyreisen/avpubliser", data={"csrf_token": token, "bekreftet": "ja"})
    assert done.status_code in (302, 303) and _events(app) == before + 1


def test_check_page_is_a_plain_form(app):
    from flask import render_template

    with app.test_request_context("/x", method="POST"):
        html = render_template("checkstep.html", title="T", explain="", button=None, carried=[("a", "1")],
                               lines=[("Begrunnelse", "fordi")], action="/x", back="/")
    form = re.search(r"<form [^>]*>", html.split('class="check-step"', 1)[1]).group(0)
    assert form == '<form method="post" action="/x" class="form-actions">'  # works without JavaScript
    assert "fordi" in html


def test_an_upload_is_kept_while_asking_and_used_when_confirmed(app):
    """The signed contract's PDF: kept as a pending upload on the check page, stored once confirmed."""
    from catalogue.contracts import lifecycle as lc
    from catalogue.contracts.models import Contract
    from tests import contract_support as cs
    from tests.pdf import make_pdf

    client = app.test_client()
    viewer = login(client, "kommune-innkjoper")
    with Session(app.extensions["db_engine"]) as db:
        service = cs.published(db)[0]
        contract = cs.make_contract(db, viewer, cs.frozen_list(db, viewer, [service]), service)
        db.commit()
        contract_id = contract.id
    page = f"/innkjop/avtaler/{contract_id}"
    csrf = re.search(r'name="csrf_token" value="([^"]+)"', client.get(page).get_data(as_text=True)).group(1)
    before = _events(app)
    asked = client.post(f"{page}/signer", data={"csrf_token": csrf, "signert-dato": lc.today().isoformat(),
                                                "signert-pdf": (io.BytesIO(make_pdf("Signert")), "avtale.pdf")},
                        content_type="multipart/form-data")
    html = asked.get_data(as_text=True)
    assert asked.status_code == 200 and "avtale.pdf" in html and _events(app) == before
    pending = re.search(r'name="ventende-vedlegg" value="([^"]+)"', html).group(1)
    done = client.post(f"{page}/signer", data={"csrf_token": csrf, "signert-dato": lc.today().isoformat(),
                                               "ventende-vedlegg": pending, "bekreftet": "ja"})
    assert done.status_code in (302, 303)
    with Session(app.extensions["db_engine"]) as db:
        signed = db.get(Contract, contract_id)
        assert signed.signed_document_id is not None
    assert client.get(f"{page}/signert.pdf").data.startswith(b"%PDF")
    # used once: the kept file is gone
    assert not list((Path(app.config["UPLOAD_DIR"]) / checkstep.ASKING_DIR).glob(pending.rpartition(":")[2] + ".*"))
