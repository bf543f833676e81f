"""Guards for views: every view declares who may use it.

``current_viewer()`` is set per request by the login machinery (``marketplace.views.login``); until a
person logs in it is the anonymous viewer.
"""
from __future__ import annotations

from functools import wraps
from typing import Callable

from flask import abort, g, redirect, request, url_for

from catalogue.viewer import ANONYMOUS_VIEWER, AUTHENTICATED_ROLES, Viewer


def current_viewer() -> Viewer:
    return g.get("viewer", ANONYMOUS_VIEWER)


def roles_required(*roles: str) -> Callable:
    """Allow the view only to viewers in *roles*; send anonymous people to log in first."""

    def decorate(view: Callable) -> Callable:
        @wraps(view)
        def guarded(*args, **kwargs):
            viewer = current_viewer()
            if not viewer.is_authenticated and g.get("login_unverified"):
                abort(503)  # logged in, but the login cannot be checked while the database is away
            if not viewer.is_authenticated:
                return redirect(url_for("auth.login", next=request.full_path.rstrip("?")))
            if viewer.role not in roles:
                abort(403)
            return view(*args, **kwargs)

        guarded.allowed_roles = roles  # read by the authorization-matrix test
        return guarded

    return decorate


def public(view: Callable) -> Callable:
    """Mark a view as open to everyone (the authorization matrix reads the mark)."""
    view.allowed_roles = ("*",)
    return view


def login_required(view: Callable) -> Callable:
    """Allow the view to anyone logged in, whatever their role (even none)."""
    return roles_required(*AUTHENTICATED_ROLES)(view)
