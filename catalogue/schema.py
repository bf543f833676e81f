"""Every module that defines tables, imported once so ``SQLModel.metadata`` knows them all.

Alembic's environment and the tests import this module. A new module with tables adds
its import here.
"""
import catalogue.models  # noqa: F401
