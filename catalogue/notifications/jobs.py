"""Scheduled notification jobs of issue 12 (registered with ``@scheduled``)."""
from __future__ import annotations
