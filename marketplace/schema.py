"""Every table of the application: the domain's (``catalogue.schema``) and the built-in test identity provider's.

Alembic's environment (``marketplace/migrations/env.py``) and the migration tests import this.
"""
import auth.testid.models  # noqa: F401  (the built-in test identity provider)
import catalogue.schema  # noqa: F401
