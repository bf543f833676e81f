"""The built-in provider's synthetic test persons (``persons.json``) and synthetic identity numbers."""
from __future__ import annotations

import json
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from catalogue.i18n import pick

DATA = Path(__file__).resolve().parent / "persons.json"

_WEIGHTS_K1 = (3, 7, 6, 1, 8, 9, 4, 5, 2)
_WEIGHTS_K2 = (5, 4, 3, 2, 7, 6, 5, 4, 3, 2)


def _check_digit(digits: str, weights: tuple[int, ...]) -> int | None:
    rest = 11 - sum(int(d) * w for d, w in zip(digits, weights)) % 11
    return 0 if rest == 11 else None if rest == 10 else rest


def is_synthetic_pid(value: str) -> bool:
    """A synthetic Norwegian identity number: valid check digits and a month marking test data.

    Tenor (Skatteetaten) adds 80 to the month, NAV's synthetic numbers add 40. Real numbers
    are refused, so no real person's number is ever typed into the test provider.
    """
    if len(value) != 11 or not value.isdigit():
        return False
    day, month = int(value[0:2]), int(value[2:4])
    if day > 40:  # a D-number adds 40 to the day
        day -= 40
    if month > 80:
        month -= 80
    elif month > 40:
        month -= 40
    else:
        return False
    if not (1 <= day <= 31 and 1 <= month <= 12):
        return False
    k1 = _check_digit(value[:9], _WEIGHTS_K1)
    if k1 is None or k1 != int(value[9]):
        return False
    k2 = _check_digit(value[:10], _WEIGHTS_K2)
    return k2 is not None and k2 == int(value[10])


@dataclass(frozen=True)
class Organisation:
    orgnr: str
    name: str
    rights: tuple[str, ...]


@dataclass(frozen=True)
class SyntheticPerson:
    key: str
    pid: str
    name: str
    description_nb: str
    description_en: str
    organisations: tuple[Organisation, ...]
    manager: bool = False

    def description(self) -> str:
        return pick(self.description_nb, self.description_en)

    def organisation(self, orgnr: str) -> Organisation | None:
        return next((org for org in self.organisations if org.orgnr == orgnr), None)


@lru_cache(maxsize=1)
def persons() -> dict[str, SyntheticPerson]:
    """The test persons by key, in file order."""
    with open(DATA, encoding="utf-8") as handle:
        raw = json.load(handle)["persons"]
    found: dict[str, SyntheticPerson] = {}
    for entry in raw:
        person = SyntheticPerson(
            key=entry["key"], pid=entry["pid"], name=entry["name"], description_nb=entry["description_nb"],
            description_en=entry["description_en"], manager=bool(entry.get("manager", False)),
            organisations=tuple(Organisation(o["orgnr"], o["name"], tuple(o.get("rights", [])))
                                for o in entry["organisations"]),
        )
        found[person.key] = person
    return found


def manager_pids() -> list[str]:
    """The test persons who are contract managers (the default in development and tests)."""
    return [p.pid for p in persons().values() if p.manager]
