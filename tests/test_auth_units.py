"""Login building blocks that need no database: next targets, levels, identity numbers, reportees, hashing."""
from __future__ import annotations

import pytest

from auth.login import Identity, pid_hash, reportees_from_claims, seal, unseal
from auth.oidc import LoginError, acr_meets, required_level, safe_next
from auth.testid.persons import is_synthetic_pid, manager_pids, persons
from tests.login import PERSON_KEYS


@pytest.mark.parametrize("target", ["/", "/tjenester?q=sky", "/leverandor/tjenester/12/rediger#x", "/a//b"])
def test_local_next_is_kept(target):
    assert safe_next(target) == target


def test_empty_next_goes_home():
    assert safe_next("") == "/" and safe_next(None) == "/"


@pytest.mark.parametrize("target", [
    "https://evil.example/", "//evil.example/", "/\\evil.example", "\\\\evil.example", "javascript:alert(1)",
    "evil.example", "/ok\r\nLocation: https://evil.example", "http:/evil.example", "/" + "a" * 2001,
])
def test_external_or_odd_next_is_refused(target):
    with pytest.raises(LoginError) as error:
        safe_next(target)
    assert error.value.code == "next" and error.value.status == 400


def test_required_level_is_the_lowest_accepted():
    assert required_level("idporten-loa-substantial") == "idporten-loa-substantial"
    assert required_level("idporten-loa-high idporten-loa-substantial") == "idporten-loa-substantial"
    assert required_level("idporten-loa-high") == "idporten-loa-high"
    assert required_level("high substantial") == "substantial"  # Ansattporten
    with pytest.raises(ValueError):
        required_level("level4")


@pytest.mark.parametrize("acr, required, ok", [
    ("idporten-loa-high", "idporten-loa-substantial", True),
    ("idporten-loa-substantial", "idporten-loa-substantial", True),
    ("idporten-loa-low", "idporten-loa-substantial", False),
    ("idporten-loa-substantial", "idporten-loa-high", False),
    (None, "idporten-loa-substantial", False),
    ("Level4", "idporten-loa-substantial", False),
    ("high", "substantial", True),                    # Ansattporten's names
    ("substantial", "idporten-loa-high", False),
])
def test_acr_levels(acr, required, ok):
    assert acr_meets(acr, required) is ok


def test_test_persons_are_the_documented_ones_with_synthetic_numbers():
    assert tuple(persons()) == PERSON_KEYS
    for person in persons().values():
        assert is_synthetic_pid(person.pid), person.key
        assert int(person.pid[2:4]) > 80  # Tenor style: month + 80
    assert manager_pids() == [persons()["avtaleforvalter"].pid]
    fjordsky = persons()["leverandor-fjordsky"]
    assert [o.orgnr for o in fjordsky.organisations] == ["964330123", "999906087"]


@pytest.mark.parametrize("value", [
    "14838421387",   # wrong second check digit
    "14838421396",   # wrong first check digit
    "14038421386",   # a normal month: could be a real person
    "1483842138",    # ten digits
    "1483842138a",
    "40938421386",   # day 40 is no date
])
def test_non_synthetic_numbers_are_refused(value):
    assert not is_synthetic_pid(value)


def test_pid_hash_is_keyed_and_never_the_number():
    pid = persons()["kommune-innkjoper"].pid
    first = pid_hash(pid, "key-1")
    assert len(first) == 64 and pid not in first
    assert first == pid_hash(pid, "key-1") != pid_hash(pid, "key-2")


def test_sealed_id_token_hides_its_content():
    token = "eyJhbGciOiJSUzI1NiJ9.eyJwaWQiOiIxNDgzODQyMTM4NiJ9.sig"
    sealed = seal(token, "secret")
    assert token not in sealed and "14838421386" not in sealed
    assert unseal(sealed, "secret") == token
    assert unseal(sealed, "other secret") == ""
    assert seal("", "secret") == "" and unseal("", "secret") == ""


def test_reportees_are_read_from_authorization_details():
    claims = {"authorization_details": [
        {"type": "ansattporten:altinn:service", "reportees": [
            {"ID": "0192:964330123", "Name": "Fjordsky AS", "Rights": ["Read", "Write"]},
            {"ID": "0192:964330123", "Name": "Fjordsky AS (twice)"},        # duplicate
            {"ID": "0192:123456789", "Name": "Bad check digit"},            # invalid orgnr
            {"ID": "0088:5790000435975", "Name": "Another scheme"},          # not an organisation number
            "not a dict",
            {"ID": "0192:999906087", "Name": "Havbris Teknologi AS", "Rights": "Read"},
        ]},
        {"type": "other", "reportees": [{"ID": "0192:935308291", "Name": "Nordlys Datasenter AS"}]},
    ]}
    found = reportees_from_claims(claims)
    assert [(r.orgnr, r.name) for r in found] == [
        ("964330123", "Fjordsky AS"), ("999906087", "Havbris Teknologi AS"), ("935308291", "Nordlys Datasenter AS")]
    assert found[0].rights == ("Read", "Write") and found[1].rights == ()
    assert found[0].as_json() == {"ID": "0192:964330123", "Name": "Fjordsky AS", "Rights": ["Read", "Write"]}


@pytest.mark.parametrize("details", [None, [], {"reportees": []}, [{"type": "x"}], "garbage"])
def test_no_reportees(details):
    assert reportees_from_claims({"authorization_details": details}) == []


def test_identity_from_claims():
    identity = Identity.from_claims({"pid": "14838421386", "iss": "https://test.idporten.no/", "sid": "s-1",
                                     "given_name": "Ingrid", "family_name": "Haugland"}, "tok")
    assert (identity.name, identity.issuer, identity.sid, identity.reportees) == (
        "Ingrid Haugland", "https://test.idporten.no", "s-1", ())
