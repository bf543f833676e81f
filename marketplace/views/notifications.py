"""The in-app inbox (``/varsler``): every notification for the person, with read/unread."""
from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, request, url_for
from flask_babel import gettext

from auth.guards import current_viewer, login_required, roles_required
from catalogue.viewer import MANAGER
from catalogue.notifications import inbox, kinds
from marketplace.checkstep import not_formal
from marketplace.db import get_session
from marketplace.htmx import render_page

bp = Blueprint("notifications", __name__, url_prefix="/varsler")


def subject_of(kind_name: str, context) -> str:
    """The subject of a notification in the current language (also used by the dispatcher)."""
    kind = kinds.KINDS.get(kind_name)
    return inbox.format_subject(gettext(kind.subject), context) if kind else kind_name


def init_app(app) -> None:
    @app.context_processor
    def _unread():
        def unread_notifications() -> int:
            viewer = current_viewer()
            return inbox.unread_count(get_session(), viewer.user_id) if viewer.is_authenticated else 0

        return {"unread_notifications": unread_notifications, "notification_subject": subject_of}


@bp.get("")
@login_required
def index():
    number = request.args.get("side", 1, type=int) or 1
    rows, total = inbox.page(get_session(), current_viewer().user_id, number)
    if number > 1 and not rows:
        abort(404)
    return render_page("notifications/inbox.html", "inbox", rows=rows, total=total, number=number,
                       has_next=number * inbox.PAGE_SIZE < total)


@bp.post("/<int:notification_id>/lest")
@login_required
@not_formal("marks a notification read")
def read(notification_id: int):
    session = get_session()
    changed = inbox.mark_read(session, current_viewer().user_id, notification_id)
    session.commit()
    if not changed and not _owned(notification_id):
        abort(404)
    return redirect(url_for(".index"), code=303)


@bp.post("/lest")
@login_required
@not_formal("marks the notifications read")
def read_all():
    session = get_session()
    inbox.mark_read(session, current_viewer().user_id)
    session.commit()
    return redirect(url_for(".index"), code=303)


def _owned(notification_id: int) -> bool:
    from catalogue.notifications.models import Notification

    row = get_session().get(Notification, notification_id)
    return row is not None and row.user_id == current_viewer().user_id


@bp.get("/feilet")
@roles_required(MANAGER)
def failed():
    from catalogue.notifications.dispatch import failed as failed_rows
    from catalogue.notifications.lifecycle import NotificationLife

    rows = [(n, e, NotificationLife(n)) for n, e in failed_rows(get_session())]
    return render_page("notifications/failed.html", None, rows=rows)


@bp.post("/<int:notification_id>/send-igjen")
@roles_required(MANAGER)
@not_formal("queues a failed mail again")
def requeue(notification_id: int):
    from catalogue.models import utcnow
    from catalogue.notifications.lifecycle import NotificationLife
    from catalogue.notifications.models import Notification

    session = get_session()
    row = session.get(Notification, notification_id)
    if row is None:
        abort(404)
    life = NotificationLife(row)
    if not life.can_requeue:
        abort(409)
    life.requeue(session, current_viewer().actor(), utcnow())
    session.commit()
    flash(gettext("E-posten sendes på nytt."), "success")
    return redirect(url_for(".failed"), code=303)
