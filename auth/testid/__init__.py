"""The built-in test identity provider (development and tests only), like ID-porten's test login.

Served by the marketplace itself under ``/testid`` with issuer ``{PUBLIC_BASE_URL}/testid``,
so logging in needs no network. ``marketplace.views.testid.init_app`` refuses to register it in
production.

The Flask side (its pages and ``init_app``) is ``marketplace.views.testid``; here are its
tables (``models``), synthetic persons (``persons``), keys and the Authlib server (``server``).
"""
from __future__ import annotations

# The provider's own login cookie (its ``sid``), scoped to /testid.
SSO_COOKIE = "testid_sid"
