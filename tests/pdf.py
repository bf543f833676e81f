"""Small, valid PDF files for tests: the same writer the demo catalogue uses (catalogue.pdf)."""
from __future__ import annotations

from catalogue.pdf import make_pdf

__all__ = ["make_pdf"]
