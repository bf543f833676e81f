"""Which Enhetsregisteret the marketplace asks: the real one, or the offline records configuration names.

``BRREG_BASE_URL`` set: the register's open API. Empty (development, tests): the recorded
fixture ``BRREG_FIXTURE`` and, when ``BRREG_DEMO_SUPPLIERS`` is on, the demo suppliers
(``seed.register``) – chosen here, so the domain (``catalogue.enhetsregisteret``) never
imports demo data.
"""
from __future__ import annotations

from functools import lru_cache, partial
from typing import Any, Callable, Mapping, Optional

from catalogue import enhetsregisteret


@lru_cache(maxsize=4)
def offline_records(fixture: str, demo_suppliers: bool) -> dict[str, dict[str, Any]]:
    records: dict[str, dict[str, Any]] = {}
    if demo_suppliers:
        from seed.register import demo_records

        records.update(demo_records())
    records.update(enhetsregisteret.read_records(fixture))  # the recorded fixture wins
    return records


def register_lookup(config: Mapping[str, Any]) -> Callable[[str], Optional[enhetsregisteret.Entity]]:
    """``lookup(orgnr)`` against the register *config* names."""
    base_url = config.get("BRREG_BASE_URL", "")
    offline = None if base_url else offline_records(config["BRREG_FIXTURE"], bool(config["BRREG_DEMO_SUPPLIERS"]))
    return partial(enhetsregisteret.lookup, base_url=base_url, offline=offline)


def offline_lookup(config: Mapping[str, Any]) -> Callable[[str], Optional[enhetsregisteret.Entity]]:
    """``lookup(orgnr)`` in the offline records only (pages that must never wait for the network)."""
    return partial(enhetsregisteret.lookup, base_url="",
                   offline=offline_records(config["BRREG_FIXTURE"], bool(config["BRREG_DEMO_SUPPLIERS"])))
