"""Every module of the domain that defines tables, imported once so ``SQLModel.metadata`` knows them all.

A new module with tables adds its import here. The whole application's tables (these and the
built-in test identity provider's) are ``marketplace.schema``: Alembic's environment imports that.
"""
import catalogue.articles  # noqa: F401
import catalogue.models  # noqa: F401
import catalogue.market_snapshot  # noqa: F401
import catalogue.notifications.models  # noqa: F401
import catalogue.shortlists  # noqa: F401
import catalogue.competitions.models  # noqa: F401
import catalogue.contracts.models  # noqa: F401
import catalogue.registerwatch.models  # noqa: F401
import catalogue.certificates  # noqa: F401
import catalogue.suspension  # noqa: F401
import catalogue.declarations.models  # noqa: F401
import catalogue.pending_uploads  # noqa: F401
