"""The Enhetsregisteret client: against a small local HTTP server speaking the register's API, and offline."""
from __future__ import annotations

import json
import socket
import threading
import time
from pathlib import Path
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from catalogue.enhetsregisteret import RegistryUnavailable, lookup
from catalogue.suppliers import InvalidOrgnr
from marketplace.registry import register_lookup
from tests.i18n_support import in_both_languages

KOMMUNE = {
    "organisasjonsnummer": "976240391", "navn": "Fjellvik kommune",
    "organisasjonsform": {"kode": "KOMM", "beskrivelse": "Kommune"},
    "forretningsadresse": {"adresse": ["Rådhusplassen 1", "Inngang B"], "postnummer": "6800", "poststed": "Førde",
                           "land": "Norge", "landkode": "NO"},
    "institusjonellSektorkode": {"kode": "6500", "beskrivelse": "Kommuneforvaltningen"},
}
SELSKAP = {
    "organisasjonsnummer": "999906087", "navn": "Havbris Teknologi AS",
    "organisasjonsform": {"kode": "AS", "beskrivelse": "Aksjeselskap"},
    "postadresse": {"adresse": ["Postboks 12"], "postnummer": "4001", "poststed": "Stavanger", "landkode": "NO"},
}
# A state-owned body registered with a form not on the list, but in the government sector.
STATLIG = {
    "organisasjonsnummer": "988077917", "navn": "Statlig Eksempel",
    "organisasjonsform": {"kode": "ANNA", "beskrivelse": "Annen juridisk person"},
    "institusjonellSektorkode": {"kode": "6100", "beskrivelse": "Statsforvaltningen"},
}
DELETED = "123456785"      # answers 410 Gone
BROKEN = "922152799"       # answers 500
GARBLED = "935308291"      # answers 200 with something that is not JSON
SLOW = "964330123"         # answers after the client has given up


class RegisterHandler(BaseHTTPRequestHandler):
    """Brønnøysundregistrene's ``/enhetsregisteret/api/enheter/{orgnr}``, from fixtures."""

    seen: list[tuple[str, str]] = []

    def do_GET(self):  # noqa: N802 - the stdlib's name
        self.seen.append((self.path, self.headers.get("Accept", "")))
        prefix = "/enhetsregisteret/api/enheter/"
        orgnr = self.path[len(prefix):] if self.path.startswith(prefix) else ""
        known = {d["organisasjonsnummer"]: d for d in (KOMMUNE, SELSKAP, STATLIG)}
        if orgnr == SLOW:
            time.sleep(0.6)
            return self._send(200, json.dumps(SELSKAP).encode())
        if orgnr == DELETED:
            return self._send(410, b'{"status": 410}')
        if orgnr == BROKEN:
            return self._send(500, b"Internal Server Error", "text/plain")
        if orgnr == GARBLED:
            return self._send(200, b"<html>maintenance</html>", "text/html")
        if orgnr in known:
            return self._send(200, json.dumps(known[orgnr]).encode())
        return self._send(404, b'{"status": 404}')

    def _send(self, status: int, body: bytes, content_type: str = "application/json"):
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        try:
            self.wfile.write(body)
        except (BrokenPipeError, ConnectionResetError):  # the slow case: the client left
            pass

    def log_message(self, *args):
        return None


@pytest.fixture(scope="module")
def register():
    server = ThreadingHTTPServer(("127.0.0.1", 0), RegisterHandler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


def test_public_body_from_the_api(register):
    RegisterHandler.seen.clear()
    entity = lookup("976 240 391", register)
    assert entity.name == "Fjellvik kommune" and entity.org_form == "KOMM" and entity.org_form_name == "Kommune"
    assert entity.is_public_body
    assert (entity.address, entity.postal_code, entity.city, entity.country) == (
        "Rådhusplassen 1, Inngang B", "6800", "Førde", "NO")
    assert RegisterHandler.seen == [("/enhetsregisteret/api/enheter/976240391", "application/json")]


def test_company_from_the_api_uses_the_postal_address_when_no_business_address(register):
    entity = lookup("999906087", register + "/")
    assert entity.name == "Havbris Teknologi AS" and not entity.is_public_body
    assert (entity.address, entity.city) == ("Postboks 12", "Stavanger")


def test_government_sector_code_makes_a_public_body(register):
    assert lookup("988077917", register).is_public_body


def test_unknown_and_deleted_are_none(register):
    assert lookup("916290721", register) is None   # 404
    assert lookup(DELETED, register) is None       # 410


@pytest.mark.parametrize("orgnr", [BROKEN, GARBLED])
def test_server_errors_and_garbage_are_unavailable(shared_app, register, orgnr):
    with pytest.raises(RegistryUnavailable) as error:
        lookup(orgnr, register)
    nb, en = in_both_languages(shared_app, error.value.message)
    assert nb and en and nb != en


def test_timeout_is_unavailable(register):
    started = time.perf_counter()
    with pytest.raises(RegistryUnavailable):
        lookup(SLOW, register, timeout=0.2)
    assert time.perf_counter() - started < 0.55


def test_nobody_listening_is_unavailable():
    with socket.socket() as probe:  # a port that was free a moment ago, now closed
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    with pytest.raises(RegistryUnavailable):
        lookup("976240391", f"http://127.0.0.1:{port}", timeout=1)


def test_malformed_number_is_refused_without_asking(register):
    RegisterHandler.seen.clear()
    with pytest.raises(InvalidOrgnr):
        lookup("123456789", register)
    assert RegisterHandler.seen == []


# --- offline (the default: BRREG_BASE_URL empty) -----------------------------------------

OFFLINE = {"BRREG_BASE_URL": "", "BRREG_FIXTURE": str(Path(__file__).resolve().parent.parent / "seed" / "data"
                                                        / "enhetsregisteret.json"), "BRREG_DEMO_SUPPLIERS": True}


def offline(orgnr: str):
    """The offline register as development configures it (marketplace.registry chooses the records)."""
    return register_lookup(OFFLINE)(orgnr)


@pytest.mark.parametrize("orgnr, name, form, public", [
    ("976240391", "Fjellvik kommune", "KOMM", True),
    ("922152799", "Direktoratet for eksempeldata", "ORGL", True),
    ("925792403", "Skyforvaltningen (demo)", "ORGL", True),
    ("999906087", "Havbris Teknologi AS", "AS", False),
    ("964330123", "Fjordsky AS", "AS", False),
    ("935308291", "Nordlys Datasenter AS", "AS", False),
])
def test_offline_fixture(orgnr, name, form, public):
    entity = offline(orgnr)
    assert (entity.name, entity.org_form, entity.is_public_body) == (name, form, public)


def test_offline_knows_every_demo_supplier():
    from seed.data.suppliers import SUPPLIERS

    for supplier in SUPPLIERS:
        entity = offline(supplier["orgnr"])
        assert entity is not None, supplier["orgnr"]
        assert entity.org_form_name, supplier["orgnr"]


def test_offline_deleted_and_unknown():
    assert offline("912345009") is None   # in the fixture, with a deletion date
    assert offline("988077917") is None   # valid, but neither in the fixture nor a demo supplier
