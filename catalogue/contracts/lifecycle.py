"""The contract's life cycle, and the two ways a contract is made.

States: draft → signed (date, signed PDF) → active → ended, or terminated (with a reason)
from signed or active. ``ContractLife`` holds the questions and the transitions; each
transition writes its audit event through ``LifeCycle._move`` in the caller's transaction.

A contract is made either as a **direct call-off** from a frozen shortlist, when the
estimated value is below the direct-award threshold, or from an **awarded competition**
after its standstill period (``catalogue.competitions``). Either way it names the exact
archived version of the service (``ArchivedService``), never the live listing.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, Mapping, Optional, Protocol

from sqlmodel import Session, select
from zoneinfo import ZoneInfo

from catalogue import documents
from catalogue.audit import Actor, record
from catalogue.contracts.models import (Contract, ContractForm, ContractOrigin, ContractSettings, ContractStatus,
                                        DeviationReport, DeviationStatus)
from catalogue.lifecycle import DomainError, IllegalTransition, LifeCycle, N_
from catalogue.models import ArchivedService, Service, ServiceStatus, utcnow
from catalogue.terms import TERMS
from catalogue.text import reject_markup

OSLO = ZoneInfo("Europe/Oslo")

# The direct-award threshold for call-offs, NOK excluding VAT. Source: seed 000 (Oslo kommune,
# Rundskriv nr. 9/2023, samkjøpsavtale for IKT-konsulenttjenester): "For oppdrag med samlet verdi
# under 300 000 kroner (ekskl. mva) kan avrop gjøres direkte […]. For oppdrag med samlet verdi over
# 300 000 kroner (ekskl. mva) skal det gjennomføres minikonkurranse." A DPS may set its own
# threshold (``ContractSettings``); the rule itself is ``direct_award_allowed`` below.
DIRECT_AWARD_THRESHOLD_NOK = 300_000

MAX_VALUE_NOK = 10_000_000_000
MAX_OPTIONS = 3
MAX_YEARS = 10


def direct_award_allowed(value_nok: int, threshold_nok: int) -> bool:
    """A direct call-off is allowed only for a value *under* the threshold ("under 300 000")."""
    return value_nok < threshold_nok


def threshold_for(session: Session, dps_id: Optional[int]) -> int:
    """The direct-award threshold of *dps_id*, or the default."""
    if dps_id is not None:
        settings = session.get(ContractSettings, dps_id)
        if settings is not None:
            return settings.direct_award_threshold_nok
    return DIRECT_AWARD_THRESHOLD_NOK


def thresholds(session: Session) -> list[tuple[Any, int]]:
    """Every DPS with its direct-award threshold (its own, or the default)."""
    from catalogue.models import DPS

    return [(dps, threshold_for(session, dps.id)) for dps in session.exec(select(DPS).order_by(DPS.name)).all()]


def set_threshold(session: Session, actor: Actor, dps_id: int, threshold_nok: int) -> None:
    if threshold_nok < 0 or threshold_nok > MAX_VALUE_NOK:
        raise DomainError(N_("Terskelen må være et beløp mellom 0 og 10 milliarder kroner."), "terskel")
    settings = session.get(ContractSettings, dps_id) or ContractSettings(dps_id=dps_id)
    before = settings.direct_award_threshold_nok if settings.direct_award_threshold_nok else None
    settings.direct_award_threshold_nok = threshold_nok
    session.add(settings)
    record(session, actor, "contract.threshold_set", "dps", dps_id, before={"threshold": before},
           after={"threshold": threshold_nok})


def today() -> date:
    return utcnow().astimezone(OSLO).date()


# ---------------------------------------------------------------------------
# who may see and do what


class Viewer(Protocol):
    """What the contract rules need to know about the person (``catalogue.viewer.Viewer`` fits)."""

    is_manager: bool
    is_buyer: bool
    is_supplier: bool
    orgnr: str
    supplier_id: Optional[int]


def is_buyer_party(viewer: Viewer, contract: Contract) -> bool:
    return viewer.is_buyer and bool(viewer.orgnr) and viewer.orgnr == contract.buyer_orgnr


def is_supplier_party(viewer: Viewer, contract: Contract) -> bool:
    return viewer.is_supplier and viewer.supplier_id is not None and viewer.supplier_id == contract.supplier_id


def can_read(viewer: Viewer, contract: Contract) -> bool:
    """Only the buyer organisation, the supplier party and the contract manager see a contract."""
    return viewer.is_manager or is_buyer_party(viewer, contract) or is_supplier_party(viewer, contract)


# ---------------------------------------------------------------------------
# the life cycle


class ContractLife(LifeCycle[ContractStatus]):
    S = ContractStatus
    TRANSITIONS = {
        "sign": (frozenset({S.DRAFT}), S.SIGNED),
        "activate": (frozenset({S.SIGNED}), S.ACTIVE),
        "end": (frozenset({S.ACTIVE}), S.ENDED),
        "terminate": (frozenset({S.SIGNED, S.ACTIVE}), S.TERMINATED),
    }
    AUDIT_TYPE = "contract"
    # In force: the terms bind the parties, so drift and reminders matter.
    IN_FORCE = frozenset({S.SIGNED, S.ACTIVE})
    # Open data: a contract is published once it is signed.
    AWARDED = frozenset({S.SIGNED, S.ACTIVE, S.ENDED, S.TERMINATED})

    contract: Contract

    def __init__(self, contract: Contract):
        super().__init__(contract)
        self.contract = contract

    # -- questions ---------------------------------------------------------
    @property
    def can_sign(self) -> bool:
        return self.can("sign")

    @property
    def can_activate(self) -> bool:
        return self.can("activate")

    @property
    def can_end(self) -> bool:
        return self.can("end")

    @property
    def can_terminate(self) -> bool:
        return self.can("terminate")

    @property
    def in_force(self) -> bool:
        return self.status in self.IN_FORCE

    @property
    def is_awarded(self) -> bool:
        return self.status in self.AWARDED

    @property
    def can_report_deviation(self) -> bool:
        return self.in_force

    @property
    def status_label(self) -> str:
        return STATUS_LABELS[self.status]

    # -- transitions -------------------------------------------------------
    def _audit(self, session: Session, actor: Actor, transition: str, **kw: Any) -> None:
        self.contract.updated_at = utcnow()
        self._move(session, actor, transition, supplier_id=self.contract.supplier_id,
                   service_id=self.contract.service_id, **kw)

    def sign(self, session: Session, actor: Actor, upload_dir: str, *, signed_on: Any, filename: str | None,
             data: bytes) -> None:
        """Record the signature: the date and the signed PDF (checked like every upload)."""
        if not self.can_sign:
            raise IllegalTransition(N_("Avtalen er allerede signert."))
        when = parse_date(signed_on, "signert-dato", N_("Oppgi datoen avtalen ble signert."))
        if when > today():
            raise DomainError(N_("Signeringsdatoen kan ikke være frem i tid."), "signert-dato")
        problem = documents.check_pdf(data)
        if problem:
            raise from_msg(problem, "signert-pdf")
        doc = documents.store(session, actor, upload_dir, supplier_id=self.contract.supplier_id,
                              kind=SIGNED_KIND, filename=filename, data=data, service_id=self.contract.service_id)
        self.contract.signed_on = when
        self.contract.signed_document_id = doc.id
        self.contract.awarded_at = utcnow()
        self._audit(session, actor, "sign", after={"status": str(ContractStatus.SIGNED), "signed_on": when.isoformat(),
                                                   "document": doc.id, "sha256": doc.sha256})

    def activate(self, session: Session, actor: Actor) -> None:
        self._audit(session, actor, "activate")

    def end(self, session: Session, actor: Actor, *, on: date | None = None) -> None:
        """The contract ran its course: only on or after its end date (earlier is a termination)."""
        if self.can_end and (on or today()) < self.contract.end_date:
            raise DomainError(N_("Avtalen løper til %(date)s. Vil du avslutte den før, må du si den opp med en "
                                 "begrunnelse."), "", date=self.contract.end_date.strftime("%d.%m.%Y"))
        self._audit(session, actor, "end")
        self.contract.closed_at = utcnow()

    def terminate(self, session: Session, actor: Actor, *, reason: str) -> None:
        text = clean_text(reason, "begrunnelse-oppsigelse", 2000, N_("Skriv hvorfor avtalen sies opp."))
        if not self.can_terminate:
            raise IllegalTransition(N_("Avtalen kan ikke sies opp nå."))
        self.contract.termination_reason = text
        self.contract.closed_at = utcnow()
        self._audit(session, actor, "terminate", detail=text,
                    after={"status": str(ContractStatus.TERMINATED), "reason": text})


SIGNED_KIND = "signed_contract"

STATUS_LABELS = {
    ContractStatus.DRAFT: N_("Utkast"),
    ContractStatus.SIGNED: N_("Signert"),
    ContractStatus.ACTIVE: N_("I kraft"),
    ContractStatus.ENDED: N_("Utløpt"),
    ContractStatus.TERMINATED: N_("Sagt opp"),
}
FORM_LABELS = {
    ContractForm.SSA_SKY: N_("SSA-Sky (større skyleveranser)"),
    ContractForm.SSA_L: N_("SSA-L (standardiserte skytjenester)"),
    ContractForm.OTHER: N_("Annen avtaleform"),
}
ORIGIN_LABELS = {
    ContractOrigin.DIRECT: N_("Direkte avrop fra frosset kortliste"),
    ContractOrigin.COMPETITION: N_("Tildelt etter konkurranse"),
}


class DeviationLife(LifeCycle[DeviationStatus]):
    S = DeviationStatus
    TRANSITIONS = {
        "answer": (frozenset({S.OPEN}), S.ANSWERED),
        "close": (frozenset({S.OPEN, S.ANSWERED}), S.CLOSED),
    }
    AUDIT_TYPE = "deviation_report"

    @property
    def can_answer(self) -> bool:
        return self.can("answer")

    @property
    def status_label(self) -> str:
        return DEVIATION_LABELS[self.status]

    def answer(self, session: Session, actor: Actor, text: str, user_id: Optional[int]) -> None:
        report: DeviationReport = self.obj
        clean = clean_text(text, "svar", 4000, N_("Skriv et svar."))
        report.answer, report.answered_by, report.answered_at = clean, user_id, utcnow()
        self._move(session, actor, "answer", supplier_id=report.supplier_id, detail=clean)

    def close(self, session: Session, actor: Actor) -> None:
        self._move(session, actor, "close", supplier_id=self.obj.supplier_id)


DEVIATION_LABELS = {
    DeviationStatus.OPEN: N_("Åpen, venter på svar"),
    DeviationStatus.ANSWERED: N_("Besvart"),
    DeviationStatus.CLOSED: N_("Lukket"),
}


# ---------------------------------------------------------------------------
# input


class InvalidInput(DomainError):
    """Several fields are wrong: ``errors`` maps field id → DomainError (nothing was written)."""

    def __init__(self, errors: Mapping[str, DomainError]):
        first = next(iter(errors.values()))
        super().__init__(first.message, first.field, **first.params)
        self.errors = dict(errors)


def from_msg(msg: Any, field: str) -> DomainError:
    """A refusal whose text is already a translated text (``catalogue.i18n._l``), shown as it is."""
    error = DomainError(str(msg).replace("%", "%%"), field)
    error.msg = msg
    return error


def clean_text(raw: Any, field: str, limit: int, missing: str | None = None) -> str:
    text = (raw or "").replace("\r\n", "\n").strip() if isinstance(raw, str) else ""
    if not text and missing:
        raise DomainError(missing, field)
    if len(text) > limit:
        raise DomainError(N_("Teksten kan være høyst %(limit)s tegn (nå %(now)s)."), field, limit=limit, now=len(text))
    bad = reject_markup(text)
    if bad:
        raise from_msg(bad, field)
    return text


def parse_date(raw: Any, field: str, missing: str) -> date:
    if isinstance(raw, date):
        return raw
    text = (raw or "").strip() if isinstance(raw, str) else ""
    if not text:
        raise DomainError(missing, field)
    try:
        return date.fromisoformat(text)
    except ValueError:
        try:
            return datetime.strptime(text, "%d.%m.%Y").date()
        except ValueError:
            raise DomainError(N_("Skriv datoen som dd.mm.åååå."), field) from None


def parse_amount(raw: Any, field: str, missing: str) -> int:
    text = str(raw if raw is not None else "").replace("\u00a0", "").replace(" ", "").replace(",", ".").strip()
    if text.endswith(".-"):
        text = text[:-2]
    if not text:
        raise DomainError(missing, field)
    try:
        number = float(text)
    except ValueError:
        raise DomainError(N_("Skriv beløpet i hele kroner, for eksempel 250000."), field) from None
    if number != number or number < 0 or number > MAX_VALUE_NOK or not float(number).is_integer():
        raise DomainError(N_("Skriv beløpet i hele kroner, mellom 0 og 10 milliarder."), field)
    return int(number)


@dataclass
class Option:
    description: str
    months: int
    exercise_by: date

    def as_json(self) -> dict[str, Any]:
        return {"description": self.description, "months": self.months, "exercise_by": self.exercise_by.isoformat()}


@dataclass
class CallOff:
    """The buyer's answers on the call-off form, before any of it is written."""

    title: str
    value_nok: int
    start_date: date
    end_date: date
    form: ContractForm
    justification: str
    options: list[Option]
    contacts: dict[str, dict[str, str]]
    reference_architecture_optout: bool


CONTACT_FIELDS = (("name", 120), ("email", 200), ("phone", 40))


def read_call_off(form: Any, *, justification_required: bool = True) -> CallOff:
    """Validate the call-off form (werkzeug's MultiDict or a dict). Raises ``InvalidInput``."""
    errors: dict[str, DomainError] = {}

    def attempt(field: str, fn, *args):
        try:
            return fn(*args)
        except DomainError as exc:
            exc.field = exc.field or field
            errors[exc.field] = exc
            return None

    title = attempt("tittel", clean_text, form.get("tittel"), "tittel", 200, N_("Gi avtalen et navn."))
    value = attempt("verdi", parse_amount, form.get("verdi"), "verdi",
                    N_("Oppgi avtalens anslåtte verdi i kroner, eksklusive mva."))
    start = attempt("start", parse_date, form.get("start"), "start", N_("Oppgi startdato."))
    end = attempt("slutt", parse_date, form.get("slutt"), "slutt", N_("Oppgi sluttdato."))
    if start and end:
        if end < start:
            errors["slutt"] = DomainError(N_("Sluttdatoen kan ikke være før startdatoen."), "slutt")
        elif (end - start).days > MAX_YEARS * 366:
            errors["slutt"] = DomainError(N_("Avtaleperioden kan være høyst %(years)s år."), "slutt", years=MAX_YEARS)
    form_value = (form.get("avtaleform") or "").strip()
    if form_value not in {f.value for f in ContractForm}:
        errors["avtaleform"] = DomainError(N_("Velg avtaleform."), "avtaleform")
    justification = attempt("begrunnelse", clean_text, form.get("begrunnelse"), "begrunnelse", 4000,
                            N_("Begrunn valget av leverandør og tjeneste.") if justification_required else None)
    options = []
    for i in range(1, MAX_OPTIONS + 1):
        desc_raw, months_raw, by_raw = (form.get(f"opsjon-{i}-beskrivelse"), form.get(f"opsjon-{i}-maneder"),
                                        form.get(f"opsjon-{i}-frist"))
        if not any((v or "").strip() for v in (desc_raw, months_raw, by_raw) if isinstance(v, str)):
            continue
        desc = attempt(f"opsjon-{i}-beskrivelse", clean_text, desc_raw, f"opsjon-{i}-beskrivelse", 200,
                       N_("Beskriv opsjonen."))
        months = attempt(f"opsjon-{i}-maneder", parse_amount, months_raw, f"opsjon-{i}-maneder",
                         N_("Oppgi hvor mange måneder opsjonen forlenger avtalen."))
        if months is not None and not 1 <= months <= 120:
            errors[f"opsjon-{i}-maneder"] = DomainError(N_("En opsjon kan forlenge med 1 til 120 måneder."),
                                                       f"opsjon-{i}-maneder")
        by = attempt(f"opsjon-{i}-frist", parse_date, by_raw, f"opsjon-{i}-frist",
                     N_("Oppgi fristen for å utløse opsjonen."))
        if by and end and by > end:
            errors[f"opsjon-{i}-frist"] = DomainError(N_("Fristen for å utløse en opsjon må være før avtalen utløper."),
                                                     f"opsjon-{i}-frist")
        if desc and months and by:
            options.append(Option(desc, months, by))
    contacts: dict[str, dict[str, str]] = {}
    for party in ("kunde", "leverandor"):
        contacts[party] = {}
        for key, limit in CONTACT_FIELDS:
            field = f"kontakt-{party}-{key}"
            contacts[party][key] = attempt(field, clean_text, form.get(field), field, limit) or ""
    optout = (form.get("avbestill-referansearkitektur") or "") in ("ja", "on", "1")
    if errors:
        raise InvalidInput(errors)
    return CallOff(title=title, value_nok=value, start_date=start, end_date=end, form=ContractForm(form_value),
                   justification=justification or "", options=options, contacts=contacts,
                   reference_architecture_optout=optout)


# ---------------------------------------------------------------------------
# making a contract


def verdicts_for(terms: Mapping[str, Any], requirements: Mapping[str, list[str]]) -> dict[str, bool | None]:
    """The requirement verdicts of one version (as the comparison computes them)."""
    return {key: TERMS[key].meets(terms.get(key), wanted) for key, wanted in requirements.items() if key in TERMS}


def _new_contract(session: Session, actor: Actor, *, origin: ContractOrigin, buyer_orgnr: str, buyer_name: str,
                  snapshot: ArchivedService, supplier_id: int, call_off: CallOff,
                  requirements: Mapping[str, list[str]], user_id: Optional[int], **links: Any) -> Contract:
    content = snapshot.content or {}
    terms = content.get("terms") or {}
    if call_off.reference_architecture_optout and terms.get("reference_architecture_optout") is False:
        raise InvalidInput({"avbestill-referansearkitektur": DomainError(
            N_("Denne versjonen av tjenesten lar ikke kunden avbestille referansearkitekturen."),
            "avbestill-referansearkitektur")})
    contract = Contract(
        origin=origin, status=ContractStatus.DRAFT, title=call_off.title, buyer_orgnr=buyer_orgnr,
        buyer_name=buyer_name, supplier_id=supplier_id, service_id=snapshot.service_id, version=snapshot.version,
        archived_id=snapshot.id, category_id=content.get("category_id"), dps_id=content.get("dps_id"),
        value_nok=call_off.value_nok, start_date=call_off.start_date, end_date=call_off.end_date,
        options=[o.as_json() for o in call_off.options], form=call_off.form, contacts=call_off.contacts,
        justification=call_off.justification, requirements=dict(requirements),
        verdicts=verdicts_for(terms, requirements),
        reference_architecture_optout=call_off.reference_architecture_optout, created_by=user_id, **links)
    session.add(contract)
    session.flush()
    record(session, actor, "contract.created", "contract", contract.id, supplier_id=supplier_id,
           service_id=snapshot.service_id,
           after={"status": str(contract.status), "origin": str(origin), "version": snapshot.version,
                  "value_nok": contract.value_nok, "requirements": contract.requirements,
                  "verdicts": contract.verdicts, **{k: v for k, v in links.items() if v is not None}},
           detail=call_off.justification)
    return contract


def direct_call_off(session: Session, actor: Actor, *, buyer_orgnr: str, buyer_name: str, shortlist: Any,
                    service_id: int, call_off: CallOff, requirements: Mapping[str, list[str]],
                    user_id: Optional[int]) -> Contract:
    """A draft contract for one service of a frozen shortlist, in the version the list holds.

    Refused when the list is not frozen, the service is not on it, or the estimated value is
    not under the direct-award threshold of the service's DPS (then a competition is needed).
    """
    from catalogue.shortlists import ShortlistItem

    if not shortlist.is_frozen:
        raise DomainError(N_("Et direkte avrop må gjøres fra en frosset kortliste."))
    item = session.exec(select(ShortlistItem).where(ShortlistItem.shortlist_id == shortlist.id,
                                                    ShortlistItem.service_id == service_id)).first()
    if item is None:
        raise DomainError(N_("Tjenesten er ikke med i den frosne listen."))
    snapshot = session.get(ArchivedService, item.archived_id)
    threshold = threshold_for(session, (snapshot.content or {}).get("dps_id"))
    if not direct_award_allowed(call_off.value_nok, threshold):
        raise InvalidInput({"verdi": DomainError(
            N_("Direkte avrop er bare tillatt under %(threshold)s kroner eksklusive mva. Over terskelen må du "
               "gjennomføre en konkurranse."), "verdi", threshold=f"{threshold:,}".replace(",", " "))})
    service = session.get(Service, service_id)
    return _new_contract(session, actor, origin=ContractOrigin.DIRECT, buyer_orgnr=buyer_orgnr, buyer_name=buyer_name,
                         snapshot=snapshot, supplier_id=service.supplier_id, call_off=call_off,
                         requirements=requirements, user_id=user_id, shortlist_id=shortlist.id)


def competition_requirements(competition: Any) -> dict[str, list[str]]:
    """The competition's requirements that name a registry term, as ``{term key: wanted values}``."""
    return {r["term"]: list(r.get("values") or []) for r in (competition.requirements or [])
            if r.get("term") in TERMS and r.get("values")}


def contract_of_competition(session: Session, competition_id: int) -> Optional[Contract]:
    return session.exec(select(Contract).where(Contract.competition_id == competition_id)).first()


def competition_of_buyer(session: Session, competition_id: int, orgnr: str) -> Any:
    """The competition if *orgnr* ran it, else None (the web layer answers 404)."""
    from catalogue.competitions.models import Competition

    competition = session.get(Competition, competition_id) if competition_id <= 2**31 - 1 else None
    return competition if competition is not None and orgnr and competition.buyer_org == f"0192:{orgnr}" else None


def competitions_ready(session: Session, orgnr: str) -> list[Any]:
    """The organisation's awarded competitions whose standstill is over and that have no contract yet."""
    from catalogue.competitions.lifecycle import CompetitionLife
    from catalogue.competitions.models import Competition

    if not orgnr:
        return []
    made = set(session.exec(select(Contract.competition_id).where(Contract.competition_id.is_not(None))).all())
    found = session.exec(select(Competition).where(Competition.buyer_org == f"0192:{orgnr}")
                         .order_by(Competition.id.desc())).all()
    return [c for c in found if CompetitionLife(c).can_make_contract and c.id not in made]


def offered_services(session: Session, competition: Any) -> list[Service]:
    """The winner's published services a contract after *competition* may name (its category, or a sub-category)."""
    from catalogue.competitions.lifecycle import CompetitionLife
    from catalogue.models import Category

    tender = CompetitionLife(competition).awarded_tender(session)
    if tender is None:
        return []
    children = set(session.exec(select(Category.id).where(Category.parent_id == competition.category_id)).all())
    services = session.exec(select(Service).where(Service.supplier_id == tender.supplier_id,
                                                  Service.status == ServiceStatus.PUBLISHED).order_by(Service.name)).all()
    return [s for s in services if s.category_id == competition.category_id or s.category_id in children]


def from_competition(session: Session, actor: Actor, *, competition: Any, buyer_orgnr: str, service_id: Any,
                     call_off: CallOff, user_id: Optional[int]) -> Contract:
    """A draft contract with the winner of *competition*, once its standstill is over.

    The buyer names the winner's service (in the competition's category); the contract holds the
    version published now, with the competition's term requirements and their verdicts.
    """
    from catalogue.competitions.lifecycle import CompetitionLife

    life_of = CompetitionLife(competition)
    if competition.buyer_org != f"0192:{buyer_orgnr}":
        raise DomainError(N_("Bare oppdragsgiveren kan inngå avtale etter konkurransen."))
    if not life_of.can_make_contract:
        raise IllegalTransition(N_("Avtalen kan først inngås når tildelingen står og karensperioden er over."))
    if contract_of_competition(session, competition.id) is not None:
        raise IllegalTransition(N_("Det er allerede laget en avtale etter denne konkurransen."))
    offered = {s.id: s for s in offered_services(session, competition)}
    try:
        service = offered.get(int(service_id))
    except (TypeError, ValueError):
        service = None
    if service is None:
        raise InvalidInput({"tjeneste": DomainError(N_("Velg en av leverandørens tjenester i kategorien."),
                                                    "tjeneste")})
    snapshot = session.exec(select(ArchivedService).where(ArchivedService.service_id == service.id,
                                                          ArchivedService.version == service.version)).one()
    return _new_contract(session, actor, origin=ContractOrigin.COMPETITION, buyer_orgnr=buyer_orgnr,
                         buyer_name=competition.buyer_name, snapshot=snapshot, supplier_id=service.supplier_id,
                         call_off=call_off, requirements=competition_requirements(competition), user_id=user_id,
                         competition_id=competition.id)


def life(contract: Contract) -> ContractLife:
    return ContractLife(contract)
