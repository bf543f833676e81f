"""Seed data: the CIPS taxonomy, the demo catalogue and the synthetic benchmark catalogue."""
from pathlib import Path

DATA = Path(__file__).resolve().parent
