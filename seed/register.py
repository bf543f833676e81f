"""The demo suppliers as Enhetsregisteret records (they are fictional, so no real register knows them).

The offline register includes them when configured to (``BRREG_DEMO_SUPPLIERS``, on outside
production), or their people could not log in and register.
"""
from __future__ import annotations

from typing import Any

from seed.data.suppliers import SUPPLIERS


def demo_records() -> dict[str, dict[str, Any]]:
    """The demo catalogue's suppliers in the register's JSON shape, by organisation number."""
    return {
        s["orgnr"]: {
            "organisasjonsnummer": s["orgnr"],
            "navn": s["name"],
            "organisasjonsform": {"kode": s.get("org_form", "AS"), "beskrivelse": ""},
            "forretningsadresse": {"adresse": [s.get("address", "")], "postnummer": s.get("postal_code", ""),
                                   "poststed": s.get("city", ""), "land": "Norge", "landkode": "NO"},
            "antallAnsatte": s.get("employees"),
        }
        for s in SUPPLIERS
    }
