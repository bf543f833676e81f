"""Drafting a competition: the form, its validation, the requirements and their impact.

The requirements are either drawn from the terms registry – read with the comparison
page's own requirement reader and tested with ``Term.meets`` – or free text. While drafting,
each registry requirement shows how many of the suppliers qualified in the category list a
published service that meets it, and which would be excluded; the figures at publication go
into the record.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime, time, timezone
from typing import Any, Mapping, Optional

from sqlmodel import Session, select

from catalogue import compare, qualification
from catalogue.audit import Actor, record
from catalogue.competitions import rules
from catalogue.competitions.models import Competition
from catalogue.lifecycle import N_, DomainError
from catalogue.models import DPS, Category, Service, ServiceStatus, Supplier
from catalogue.terms import TERMS
from catalogue.text import reject_markup

MAX_QUALITY = 4
MAX_FREE_REQUIREMENTS = 20
PRICE_KEY = "pris"
MARKUP = N_("Teksten kan ikke inneholde HTML, skript eller kontrolltegn.")


@dataclass
class DraftInput:
    """What the buyer typed, kept as typed so a refused form comes back filled in."""

    title: str = ""
    need: str = ""
    estimated_value: str = ""
    contract_period: str = ""
    price_form: str = ""
    tender_date: str = ""
    tender_time: str = "12:00"
    question_date: str = ""
    question_time: str = "12:00"
    standstill_days: str = str(rules.DEFAULT_STANDSTILL_DAYS)
    standstill_reason: str = ""
    price_weight: str = "60"
    quality: list[tuple[str, str]] = field(default_factory=list)   # (name, weight)
    term_requirements: dict[str, list[str]] = field(default_factory=dict)
    free_requirements: str = ""

    @classmethod
    def from_competition(cls, comp: Competition) -> "DraftInput":
        crit = comp.criteria or []
        price = next((c for c in crit if c["kind"] == "price"), {"weight": 60})
        tender_local = rules.local(comp.tender_deadline) if comp.tender_deadline else None
        question_local = rules.local(comp.question_deadline) if comp.question_deadline else None
        reqs = comp.requirements or []
        return cls(
            title=comp.title, need=comp.need,
            estimated_value=str(comp.estimated_value) if comp.estimated_value is not None else "",
            contract_period=comp.contract_period, price_form=comp.price_form,
            tender_date=f"{tender_local:%Y-%m-%d}" if tender_local else "",
            tender_time=f"{tender_local:%H:%M}" if tender_local else "12:00",
            question_date=f"{question_local:%Y-%m-%d}" if question_local else "",
            question_time=f"{question_local:%H:%M}" if question_local else "12:00",
            standstill_days=str(comp.standstill_days), standstill_reason=comp.standstill_reason,
            price_weight=str(price["weight"]),
            quality=[(c["name"], str(c["weight"])) for c in crit if c["kind"] == "quality"],
            term_requirements={r["term"]: list(r["values"]) for r in reqs if r.get("term")},
            free_requirements="\n".join(r["text"] for r in reqs if not r.get("term")))


def read_form(form) -> DraftInput:
    quality = []
    for i in range(1, MAX_QUALITY + 1):
        name = (form.get(f"kvalitet-{i}-navn") or "").strip()
        weight = (form.get(f"kvalitet-{i}-vekt") or "").strip()
        if name or weight:
            quality.append((name, weight))
    wanted, _errors = compare.read_requirements(form)
    return DraftInput(
        title=(form.get("tittel") or "").strip(), need=(form.get("behov") or "").strip(),
        estimated_value=(form.get("verdi") or "").strip(), contract_period=(form.get("periode") or "").strip(),
        price_form=(form.get("prisskjema") or "").strip(),
        tender_date=(form.get("tilbudsfrist-dato") or "").strip(),
        tender_time=(form.get("tilbudsfrist-tid") or "").strip(),
        question_date=(form.get("sporsmalsfrist-dato") or "").strip(),
        question_time=(form.get("sporsmalsfrist-tid") or "").strip(),
        standstill_days=(form.get("karens-dager") or "").strip(),
        standstill_reason=(form.get("karens-begrunnelse") or "").strip(),
        price_weight=(form.get("pris-vekt") or "").strip(), quality=quality,
        term_requirements=wanted, free_requirements=form.get("fritekstkrav") or "")


def requirement_errors(form) -> dict[str, str]:
    """Bad registry requirements (the comparison page's own messages), keyed by field id."""
    _wanted, errors = compare.read_requirements(form)
    return {compare.REQ_PREFIX + key: str(msg) for key, msg in errors.items()}


# ---------------------------------------------------------------------------
# parsing


def parse_local(day: str, clock: str) -> Optional[datetime]:
    """A date (YYYY-MM-DD or DD.MM.YYYY) and a time (HH:MM) in Norwegian time, as UTC."""
    parsed = qualification.parse_date(day)
    m = re.fullmatch(r"(\d{1,2})[:.](\d{2})", clock or "")
    if parsed is None or m is None:
        return None
    hour, minute = int(m.group(1)), int(m.group(2))
    if hour > 23 or minute > 59:
        return None
    return datetime.combine(parsed, time(hour, minute), tzinfo=rules.OSLO).astimezone(timezone.utc)


def _int(raw: str, low: int, high: int) -> Optional[int]:
    raw = (raw or "").replace(" ", "").replace("\u00a0", "")
    if not re.fullmatch(r"-?\d{1,12}", raw):
        return None
    value = int(raw)
    return value if low <= value <= high else None


def _text(value: str, limit: int, field_id: str, errors: dict[str, str], required: bool = True) -> str:
    if not value:
        if required:
            errors[field_id] = N_("Fyll ut feltet.")
        return ""
    if len(value) > limit:
        errors[field_id] = N_("Teksten er for lang.")
        return ""
    if reject_markup(value):
        errors[field_id] = MARKUP
        return ""
    return value


def validate(data: DraftInput) -> tuple[dict[str, Any], dict[str, str]]:
    """``(values for the Competition, {field id: msgid})``. A draft may lack deadlines."""
    errors: dict[str, str] = {}
    clean: dict[str, Any] = {
        "title": _text(data.title, 200, "tittel", errors),
        "need": _text(data.need, 10000, "behov", errors),
        "contract_period": _text(data.contract_period, 300, "periode", errors, required=False),
        "price_form": _text(data.price_form, 5000, "prisskjema", errors),
    }
    if data.estimated_value:
        value = _int(data.estimated_value, 0, 10**11)
        if value is None:
            errors["verdi"] = N_("Oppgi verdien i hele kroner.")
        clean["estimated_value"] = value
    else:
        clean["estimated_value"] = None
    for key, day, clock, fid in (("tender_deadline", data.tender_date, data.tender_time, "tilbudsfrist-dato"),
                                 ("question_deadline", data.question_date, data.question_time,
                                  "sporsmalsfrist-dato")):
        if day or (clock and clock != "12:00"):
            moment = parse_local(day, clock)
            if moment is None:
                errors[fid] = N_("Oppgi en gyldig dato og et klokkeslett (tt:mm).")
            clean[key] = moment
        else:
            clean[key] = None
    days = _int(data.standstill_days, 0, rules.MAX_STANDSTILL_DAYS)
    if days is None:
        errors["karens-dager"] = N_("Oppgi antall dager (0–60).")
        days = rules.DEFAULT_STANDSTILL_DAYS
    clean["standstill_days"] = days
    clean["standstill_reason"] = _text(data.standstill_reason, 2000, "karens-begrunnelse", errors, required=False)
    clean["criteria"] = _criteria(data, errors)
    clean["requirements"] = _requirements(data, errors)
    return clean, errors


def _criteria(data: DraftInput, errors: dict[str, str]) -> list[dict]:
    price = _int(data.price_weight, 1, 100)
    if price is None:
        errors["pris-vekt"] = N_("Oppgi vekten for pris som et helt tall mellom 1 og 100.")
    criteria = [{"key": PRICE_KEY, "kind": "price", "name": "Pris", "weight": price or 0}]
    for i, (name, weight) in enumerate(data.quality, start=1):
        value = _int(weight, 1, 100)
        if not name:
            errors[f"kvalitet-{i}-navn"] = N_("Gi kriteriet et navn.")
        elif len(name) > 200 or reject_markup(name):
            errors[f"kvalitet-{i}-navn"] = N_("Navnet er for langt eller inneholder ugyldige tegn.")
        if value is None:
            errors[f"kvalitet-{i}-vekt"] = N_("Oppgi vekten som et helt tall mellom 1 og 100.")
        criteria.append({"key": f"k{i}", "kind": "quality", "name": name[:200], "weight": value or 0})
    return criteria


def _requirements(data: DraftInput, errors: dict[str, str]) -> list[dict]:
    out = [{"key": f"t-{key}", "term": key, "values": list(values), "text": ""}
           for key, values in data.term_requirements.items()]
    lines = [line.strip() for line in (data.free_requirements or "").splitlines() if line.strip()]
    if len(lines) > MAX_FREE_REQUIREMENTS:
        errors["fritekstkrav"] = N_("Høyst 20 krav i fritekst.")
        lines = []
    for i, line in enumerate(lines, start=1):
        if len(line) > 500 or reject_markup(line):
            errors["fritekstkrav"] = N_("Hvert krav kan være høyst 500 tegn, uten HTML.")
            return out
        out.append({"key": f"f{i}", "term": None, "values": [], "text": line})
    return out


def check_complete(comp: Competition) -> None:
    """What a draft needs before it can be published (the legal rules are checked by ``rules``)."""
    if not comp.title or not comp.need or not comp.price_form:
        raise DomainError(N_("Fyll ut tittel, behov og prisskjema før kunngjøring."))


# ---------------------------------------------------------------------------
# saving


def create(session: Session, actor: Actor, dps: DPS, category: Category, buyer_name: str,
           clean: Mapping[str, Any], now: datetime) -> Competition:
    if not qualification.dps_covers(session, dps.id, category.id):
        raise DomainError(N_("Kategorien hører ikke til ordningen."), field="kategori")
    comp = Competition(dps_id=dps.id, category_id=category.id, buyer_org=actor.acting_for, buyer_name=buyer_name,
                       created_by=actor.user_id, created_at=now, updated_at=now, **clean)
    session.add(comp)
    session.flush()
    record(session, actor, "competition.created", "competition", comp.id, after=_snapshot(comp))
    return comp


def save(session: Session, actor: Actor, comp: Competition, clean: Mapping[str, Any], now: datetime) -> None:
    from catalogue.competitions.lifecycle import CompetitionLife

    if not CompetitionLife(comp, now).can_edit:
        raise DomainError(N_("Bare et utkast kan endres slik. Bruk «Rett eller forleng»."))
    before = _snapshot(comp)
    for key, value in clean.items():
        setattr(comp, key, value)
    comp.updated_at = now
    session.add(comp)
    record(session, actor, "competition.saved", "competition", comp.id, before=before, after=_snapshot(comp))


def _snapshot(comp: Competition) -> dict[str, Any]:
    return {"title": comp.title, "criteria": comp.criteria, "requirements": comp.requirements,
            "tender_deadline": comp.tender_deadline.isoformat() if comp.tender_deadline else None,
            "standstill_days": comp.standstill_days}


# ---------------------------------------------------------------------------
# requirement impact


def impact(session: Session, comp: Competition, now: datetime) -> dict[str, Any]:
    """Per registry requirement: the qualified suppliers that list a service meeting it, and the rest."""
    supplier_ids = qualification.qualified_supplier_ids(session, comp.dps_id, comp.category_id)
    names = dict(session.exec(select(Supplier.id, Supplier.name).where(Supplier.id.in_(supplier_ids))).all()) \
        if supplier_ids else {}
    sub_ids = [comp.category_id] + list(session.exec(select(Category.id).where(
        Category.parent_id == comp.category_id)).all())
    services = session.exec(select(Service.supplier_id, Service.terms).where(
        Service.supplier_id.in_(supplier_ids), Service.status == ServiceStatus.PUBLISHED,
        Service.category_id.in_(sub_ids))).all() if supplier_ids else []
    rows = []
    for req in comp.requirements or []:
        if not req.get("term") or req["term"] not in TERMS:
            continue
        term = TERMS[req["term"]]
        meeting = {sid for sid, terms in services if term.meets((terms or {}).get(term.key), req["values"])}
        rows.append({"key": req["key"], "meeting": sorted(names[s] for s in meeting if s in names),
                     "excluded": sorted(names[s] for s in supplier_ids if s not in meeting)})
    return {"qualified": len(supplier_ids), "requirements": rows,
            "at": now.isoformat()}


def describe(req: Mapping[str, Any], lang: str = "nb") -> str:
    """A requirement as a person reads it."""
    if req.get("term") and req["term"] in TERMS:
        return compare.describe_requirement(TERMS[req["term"]], req["values"], lang)
    return req.get("text", "")


