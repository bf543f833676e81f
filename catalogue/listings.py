"""The content of a service listing: its form fields, validation and merging of partial saves.

A listing's content is the dict of ``catalogue.services.content_of`` plus its documents.
What may happen to a listing, and the writing, is its life cycle: ``catalogue.listing``.
"""
from __future__ import annotations

from dataclasses import replace
from datetime import date
from types import SimpleNamespace
from typing import Any, Iterable, Mapping, Optional

from babel.support import LazyProxy
from sqlmodel import Session, select

from catalogue.documents import KINDS, SERVICE_KINDS, check_pdf
from catalogue.i18n import _l
from catalogue.models import DPS, Category, Service
from catalogue.qualification import FieldTerm, Standing, dps_covers, is_open, is_qualified, standing_of
from catalogue.services import content_of
from catalogue.terms import LONGTEXT, TERMS, TEXT

BASE_SECTION = "tjeneste"
DOCUMENTS_SECTION = "dokumenter"
MAX_FEATURES, FEATURE_LENGTH = 20, 200


class ListingField(FieldTerm):
    prefix = "service"


NAME = ListingField("name", BASE_SECTION, TEXT, "Navn på tjenesten", "Name of the service",
                    "Navnet kjøperne ser i søk og på tjenestesiden.", "The name buyers see in search and on the page.",
                    max_length=150)
SUMMARY = ListingField("summary", BASE_SECTION, LONGTEXT, "Kort beskrivelse", "Summary",
                       "Én eller to setninger som vises i søkeresultatene.", "One or two sentences shown in results.",
                       max_length=300)
DESCRIPTION = ListingField("description", BASE_SECTION, LONGTEXT, "Beskrivelse", "Description",
                           "Hva tjenesten er, hvem den passer for og hvordan den leveres.",
                           "What the service is, whom it suits and how it is delivered.", max_length=5000)
FEATURES = ListingField("features", BASE_SECTION, LONGTEXT, "Funksjoner", "Features",
                        f"Én funksjon per linje, høyst {MAX_FEATURES}.", f"One feature per line, at most {MAX_FEATURES}.",
                        max_length=MAX_FEATURES * (FEATURE_LENGTH + 1))
TEXT_FIELDS = (NAME, SUMMARY, DESCRIPTION)
CATEGORY_FIELD = "service-category"
DPS_FIELD = "service-dps"
LOCK_FIELD = "lock_version"
SUBMIT_FIELD = "send-til-godkjenning"  # the submit button; errors about the submission as a whole link to it


def document_field(kind: str) -> str:
    return f"service-doc-{kind}"


# ---------------------------------------------------------------------------
# content


def empty_content() -> dict[str, Any]:
    return {"name": "", "summary": "", "description": "", "features": [], "category_id": None, "dps_id": None,
            "terms": {}, "documents": {}}


def listing_content(service: Service) -> dict[str, Any]:
    """The versioned content of *service* with its documents."""
    return {**content_of(service), "documents": dict(service.documents or {})}


def sections() -> list[str]:
    """The sections of the listing form, in order: the service itself, then each terms group."""
    return [BASE_SECTION] + [group.key for group, _ in TERMS.grouped()]


def read_form(form) -> dict[str, Any]:
    """The raw submitted listing (strings and lists, as posted)."""
    raw = {f.key: f.read_form(form) for f in (*TEXT_FIELDS, FEATURES)}
    raw["category_id"] = form.get(CATEGORY_FIELD, "")
    raw["dps_id"] = form.get(DPS_FIELD, "")
    raw["terms"] = TERMS.read_form(form)
    return raw


def _blank(value: Any) -> bool:
    return value is None or (not isinstance(value, bool) and value in ("", [], {}))


def _as_int(value: Any) -> Optional[int]:
    if value in (None, ""):
        return None
    try:
        number = int(value)
    except (TypeError, ValueError):
        return -1
    # Beyond any id column: an unknown id, not a database overflow (500).
    return number if -2**31 < number < 2**31 else -1


def _clean_features(raw: Any, required: bool) -> tuple[list[str] | None, LazyProxy | None]:
    if isinstance(raw, (list, tuple)):
        raw = "\n".join(str(x) for x in raw)
    text, error = (FEATURES if required else replace(FEATURES, required=False)).clean(raw)
    if error:
        return None, error
    lines = [line.strip(" -•\t") for line in (text or "").split("\n")]
    lines = [line for line in lines if line]
    if len(lines) > MAX_FEATURES:
        return None, _l("Oppgi høyst %(maximum)s funksjoner (nå %(now)s).", maximum=MAX_FEATURES, now=len(lines))
    too_long = next((n for n, line in enumerate(lines, 1) if len(line) > FEATURE_LENGTH), None)
    if too_long:
        return None, _l("Funksjon nummer %(number)s er lengre enn %(maximum)s tegn.", number=too_long,
                        maximum=FEATURE_LENGTH)
    return lines, None


def _clean_category(session: Session, raw: Any) -> tuple[Optional[int], LazyProxy | None]:
    cat_id = _as_int(raw)
    if cat_id is None:
        return None, _l("Velg kategori for tjenesten.")
    cat = session.get(Category, cat_id) if cat_id > 0 else None
    if cat is None or cat.parent_id is None:
        return None, _l("Velg en underkategori fra listen.")
    return cat_id, None


def _clean_dps(session: Session, supplier_id: int, raw: Any, category_id: Optional[int], *, complete: bool,
               today: date | None) -> tuple[Optional[int], LazyProxy | None]:
    dps_id = _as_int(raw)
    if dps_id is None:
        return None, None
    dps = session.get(DPS, dps_id) if dps_id > 0 else None
    if dps is None:
        return None, _l("Ukjent innkjøpsordning.")
    if category_id is not None and not dps_covers(session, dps.id, category_id):
        return None, _l("Kategorien er ikke med i «%(name)s».", name=dps.name)
    if complete:
        if not is_open(dps, today):
            return None, _l("«%(name)s» er ikke gyldig nå.", name=dps.name)
        if category_id is not None and not is_qualified(session, supplier_id, dps.id, category_id):
            return None, _l("Dere er ikke kvalifisert i denne kategorien i «%(name)s». Søk kvalifisering først, "
                            "eller velg «Ingen».", name=dps.name)
    return dps_id, None


def validate(session: Session, supplier_id: int, raw: Mapping[str, Any], *, complete: bool,
             only: Iterable[str] | None = None, today: date | None = None) -> tuple[dict[str, Any], dict[str, Any]]:
    """Clean a posted listing. Returns ``(content, errors)``, errors keyed by field id.

    A draft may leave things out (only the name and the category are needed to save it);
    ``complete`` (submission, approval) needs every required field and term. ``only``
    limits the check to some sections (saving one section); the content then holds just
    those sections, to be merged into the stored content with ``merge``.
    """
    wanted = set(only) if only is not None else set(sections())
    errors: dict[str, Any] = {}
    content: dict[str, Any] = {}
    if BASE_SECTION in wanted:
        for f in TEXT_FIELDS:
            value, error = (f if complete or f is NAME else replace(f, required=False)).clean(raw.get(f.key))
            if error:
                errors[f.field_name] = error
            else:
                content[f.key] = value or ""
        features, error = _clean_features(raw.get("features"), complete)
        if error:
            errors[FEATURES.field_name] = error
        else:
            content["features"] = features
        category_id, error = _clean_category(session, raw.get("category_id"))
        if error:
            errors[CATEGORY_FIELD] = error
        content["category_id"] = category_id
        dps_id, error = _clean_dps(session, supplier_id, raw.get("dps_id"), category_id, complete=complete, today=today)
        if error:
            errors[DPS_FIELD] = error
        content["dps_id"] = dps_id
    raw_terms = raw.get("terms") or {}
    term_groups = wanted - {BASE_SECTION}
    if complete and term_groups >= {g.key for g in TERMS.groups}:
        terms, term_errors = TERMS.validate(raw_terms)
        errors.update({TERMS[key].field_name: msg for key, msg in term_errors.items()})
    else:
        terms = {}
        for term in TERMS:
            if term.group not in term_groups:
                continue
            value, error = (term if complete else replace(term, required=False)).clean(raw_terms.get(term.key))
            if error:
                errors[term.field_name] = error
            else:
                terms[term.key] = value
    if term_groups:
        content["terms"] = terms
    return content, errors


def merge(current: Mapping[str, Any], partial: Mapping[str, Any]) -> dict[str, Any]:
    """*current* with the validated parts of *partial* put in (blank terms dropped)."""
    merged = {**empty_content(), **current}
    for key, value in partial.items():
        if key == "terms":
            terms = {**(current.get("terms") or {}), **value}
            merged["terms"] = {k: v for k, v in terms.items() if not _blank(v)}
        elif key != "documents":
            merged[key] = value
    merged["documents"] = dict(current.get("documents") or {})
    return merged


def complete_errors(session: Session, supplier_id: int, content: Mapping[str, Any],
                    today: date | None = None) -> dict[str, Any]:
    """What keeps stored *content* from being submitted or approved (empty when nothing does)."""
    return validate(session, supplier_id, content, complete=True, today=today)[1]


def check_uploads(uploads: Mapping[str, tuple[str, bytes]]) -> dict[str, Any]:
    """Check uploaded documents by content before anything is written."""
    errors = {}
    for kind, (_name, data) in uploads.items():
        if kind not in SERVICE_KINDS:
            continue
        problem = check_pdf(data)
        if problem:
            errors[document_field(kind)] = problem
    return errors


# ---------------------------------------------------------------------------
# reading


def service_for_supplier(session: Session, service_id: int, supplier_id: Optional[int]) -> Service | None:
    """The service when it belongs to *supplier_id*; another supplier's service is 'not found'."""
    service = session.get(Service, service_id)
    if service is None or supplier_id is None or service.supplier_id != supplier_id:
        return None
    return service


def subcategory_options(session: Session) -> list[tuple[Category, list[Category]]]:
    cats = session.exec(select(Category).order_by(Category.position, Category.name_nb)).all()
    tops = [c for c in cats if c.parent_id is None]
    return [(top, [c for c in cats if c.parent_id == top.id]) for top in tops]


def dps_options(session: Session, supplier_id: Optional[int], chosen: Any = None) -> list[Standing]:
    """The DPSs the listing form offers: those the supplier is qualified in (in some category), those it
    awaits a decision in (shown, not to be chosen, with the reason) and the one already *chosen*."""
    if supplier_id is None:
        return []
    return [s for s in standing_of(session, supplier_id)
            if s.qualified or s.pending or str(s.dps.id) == str(chosen or "")]


def dps_to_offer_under(session: Session, service: Service, today: date | None = None) -> list[DPS]:
    """The valid DPSs that cover the service's category and in which its supplier is qualified in it."""
    return [dps for dps in session.exec(select(DPS).order_by(DPS.name)).all()
            if is_open(dps, today) and dps_covers(session, dps.id, service.category_id)
            and is_qualified(session, service.supplier_id, dps.id, service.category_id)]


REMOVAL_REASON = ListingField("removal_reason", BASE_SECTION, LONGTEXT, "Begrunnelse", "Reason",
                              "Vises på siden til den fjernede tjenesten.", "Shown on the removed service's page.",
                              max_length=500, required=False)


def document_kinds() -> list[tuple[str, LazyProxy]]:
    return [(kind, KINDS[kind]) for kind in SERVICE_KINDS]


# What the listing form's template needs by name (field ids, sections, the base fields).
LISTING_FORM = SimpleNamespace(BASE_SECTION=BASE_SECTION, DOCUMENTS_SECTION=DOCUMENTS_SECTION, NAME=NAME,
                               SUMMARY=SUMMARY, DESCRIPTION=DESCRIPTION, FEATURES=FEATURES,
                               CATEGORY_FIELD=CATEGORY_FIELD, DPS_FIELD=DPS_FIELD, SUBMIT_FIELD=SUBMIT_FIELD,
                               document_field=document_field, document_kinds=document_kinds)
