"""A check step ("Sjekk før du sender") before every formal or irreversible action (issue 16).

The formal actions are listed from the URL map: every view marked ``check_first`` answers a post
without the confirmation with the check page – carrying the form on, writing nothing – and does
the action once confirmed. The actions that must be marked are named here, so one cannot lose it.
"""
from __future__ import annotations

import re

from sqlmodel import Session, func, select

from catalogue.models import AuditEvent
from tests.login import login

MUST_CHECK = {"manager.review", "manager.application", "buyer.freeze", "buyer.delete", "supplier.submit_service",
              "supplier.confirm_service",
              "guidance.publish", "guidance.unpublish", "guidance.restore_version"}


def marked(app) -> set[str]:
    return {endpoint for endpoint, view in app.view_functions.items() if getattr(view, "check_first", None)}


def test_every_formal_action_in_the_url_map_has_a_check_step(app):
    found = marked(app)
    assert MUST_CHECK <= found, MUST_CHECK - found
    for rule in app.url_map.iter_rules():
        if rule.endpoint in found:
            assert "POST" in rule.methods, rule


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
