"""Service listings written by suppliers: drafts, submission, versions of live services, removal.

A listing's content is the dict of ``catalogue.services.content_of`` plus its documents.
Before first publication the draft lives in the ``Service`` row itself; once a service is
live, edits go to a ``ServiceRevision`` and the live version stays as it is until the
contract manager approves the revision (``catalogue.moderation``).

Every save carries the ``lock_version`` the editor started from and is written with
``UPDATE … WHERE lock_version = :old``: when two people save the same service, the second
is told of the conflict and nothing of theirs is written.
"""
from __future__ import annotations

from dataclasses import replace
from datetime import date
from typing import Any, Iterable, Mapping, Optional

from sqlalchemy import update
from sqlmodel import Session, select

from catalogue.audit import Actor, record
from catalogue.documents import KINDS, SERVICE_KINDS, check_pdf, store
from catalogue.models import DPS, Category, Service, ServiceRevision, utcnow
from catalogue.notifications import hooks
from catalogue.qualification import FieldTerm, dps_covers, is_open, is_qualified
from catalogue.services import content_of
from catalogue.services import remove as remove_service
from catalogue.terms import LONGTEXT, TERMS, TEXT
from catalogue.text import Msg

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


class Conflict(Exception):
    """Somebody else saved first: nothing was written."""


class NotEditable(Exception):
    def __init__(self, message: Msg):
        super().__init__(message.nb)
        self.message = message


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


def _clean_features(raw: Any, required: bool) -> tuple[list[str] | None, Msg | None]:
    if isinstance(raw, (list, tuple)):
        raw = "\n".join(str(x) for x in raw)
    text, error = (FEATURES if required else replace(FEATURES, required=False)).clean(raw)
    if error:
        return None, error
    lines = [line.strip(" -•\t") for line in (text or "").split("\n")]
    lines = [line for line in lines if line]
    if len(lines) > MAX_FEATURES:
        return None, Msg(f"Oppgi høyst {MAX_FEATURES} funksjoner (nå {len(lines)}).",
                         f"List at most {MAX_FEATURES} features (now {len(lines)}).")
    too_long = next((n for n, line in enumerate(lines, 1) if len(line) > FEATURE_LENGTH), None)
    if too_long:
        return None, Msg(f"Funksjon nummer {too_long} er lengre enn {FEATURE_LENGTH} tegn.",
                         f"Feature number {too_long} is longer than {FEATURE_LENGTH} characters.")
    return lines, None


def _clean_category(session: Session, raw: Any) -> tuple[Optional[int], Msg | None]:
    cat_id = _as_int(raw)
    if cat_id is None:
        return None, Msg("Velg kategori for tjenesten.", "Choose a category for the service.")
    cat = session.get(Category, cat_id) if cat_id > 0 else None
    if cat is None or cat.parent_id is None:
        return None, Msg("Velg en underkategori fra listen.", "Choose a sub-category from the list.")
    return cat_id, None


def _clean_dps(session: Session, supplier_id: int, raw: Any, category_id: Optional[int], *, complete: bool,
               today: date | None) -> tuple[Optional[int], Msg | None]:
    dps_id = _as_int(raw)
    if dps_id is None:
        return None, None
    dps = session.get(DPS, dps_id) if dps_id > 0 else None
    if dps is None:
        return None, Msg("Ukjent innkjøpsordning.", "Unknown purchasing system.")
    if category_id is not None and not dps_covers(session, dps.id, category_id):
        return None, Msg(f"Kategorien er ikke med i «{dps.name}».", f"The category is not part of “{dps.name}”.")
    if complete:
        if not is_open(dps, today):
            return None, Msg(f"«{dps.name}» er ikke gyldig nå.", f"“{dps.name}” is not valid now.")
        if category_id is not None and not is_qualified(session, supplier_id, dps.id, category_id):
            return None, Msg(f"Dere er ikke kvalifisert i denne kategorien i «{dps.name}». Søk kvalifisering først, "
                             f"eller velg «Ingen».",
                             f"You are not qualified in this category in “{dps.name}”. Apply first, or choose “None”.")
    return dps_id, None


def validate(session: Session, supplier_id: int, raw: Mapping[str, Any], *, complete: bool,
             only: Iterable[str] | None = None, today: date | None = None) -> tuple[dict[str, Any], dict[str, Msg]]:
    """Clean a posted listing. Returns ``(content, errors)``, errors keyed by field id.

    A draft may leave things out (only the name and the category are needed to save it);
    ``complete`` (submission, approval) needs every required field and term. ``only``
    limits the check to some sections (saving one section); the content then holds just
    those sections, to be merged into the stored content with ``merge``.
    """
    wanted = set(only) if only is not None else set(sections())
    errors: dict[str, Msg] = {}
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
                    today: date | None = None) -> dict[str, Msg]:
    """What keeps stored *content* from being submitted or approved (empty when nothing does)."""
    return validate(session, supplier_id, content, complete=True, today=today)[1]


def check_uploads(uploads: Mapping[str, tuple[str, bytes]]) -> dict[str, Msg]:
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


def open_revision(session: Session, service_id: int) -> ServiceRevision | None:
    """The edit of a live service that is being written or awaits review, if any."""
    return session.exec(select(ServiceRevision).where(
        ServiceRevision.service_id == service_id, ServiceRevision.status.in_(["draft", "submitted"]))
        .order_by(ServiceRevision.id.desc())).first()


def last_rejected_revision(session: Session, service: Service) -> ServiceRevision | None:
    return session.exec(select(ServiceRevision).where(
        ServiceRevision.service_id == service.id, ServiceRevision.status == "rejected",
        ServiceRevision.base_version == service.version).order_by(ServiceRevision.id.desc())).first()


def editable_content(session: Session, service: Service) -> dict[str, Any]:
    """What the edit form starts from: the draft, the open revision, a rejected edit to fix, or the live version."""
    if service.status == "published":
        revision = open_revision(session, service.id) or last_rejected_revision(session, service)
        if revision is not None:
            return {**empty_content(), **revision.content}
    return listing_content(service)


def services_of(session: Session, supplier_id: int) -> list[tuple[Service, Optional[ServiceRevision]]]:
    services = session.exec(select(Service).where(Service.supplier_id == supplier_id)
                            .order_by(Service.status, Service.name)).all()
    revisions = {r.service_id: r for r in session.exec(
        select(ServiceRevision).join(Service, Service.id == ServiceRevision.service_id)
        .where(Service.supplier_id == supplier_id, ServiceRevision.status.in_(["draft", "submitted"]))).all()}
    return [(s, revisions.get(s.id)) for s in services]


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


def dps_options(session: Session) -> list[DPS]:
    return list(session.exec(select(DPS).order_by(DPS.name)).all())


# ---------------------------------------------------------------------------
# writing


def _lock(value: Any) -> int:
    try:
        number = int(value)
    except (TypeError, ValueError):
        raise Conflict() from None
    if not -2**31 < number < 2**31:  # no row holds it; comparing it in SQL would overflow
        raise Conflict()
    return number


def bump_lock(session: Session, service: Service, expected_lock: Any, **values: Any) -> None:
    """``UPDATE service SET … , lock_version = old + 1 WHERE id = … AND lock_version = old``.

    Raises ``Conflict`` when the row has moved on since *expected_lock* was read.
    """
    old = _lock(expected_lock)
    result = session.exec(update(Service).where(Service.id == service.id, Service.lock_version == old)
                          .values(lock_version=old + 1, **values).execution_options(synchronize_session=False))
    if result.rowcount != 1:
        raise Conflict()
    session.refresh(service)


def _store_uploads(session: Session, actor: Actor, service: Service, uploads: Mapping[str, tuple[str, bytes]],
                   upload_dir: str) -> dict[str, int]:
    stored = {}
    for kind, (name, data) in uploads.items():
        if kind in SERVICE_KINDS and data:
            stored[kind] = store(session, actor, upload_dir, supplier_id=service.supplier_id, kind=kind,
                                 filename=name, data=data, service_id=service.id).id
    return stored


def changed_keys(old: Mapping[str, Any], new: Mapping[str, Any]) -> list[str]:
    """Top-level content keys (and ``terms.<key>``, ``documents.<kind>``) whose value differs."""
    keys = []
    for key in sorted(set(old) | set(new)):
        if key in ("terms", "documents"):
            a, b = old.get(key) or {}, new.get(key) or {}
            keys += [f"{key}.{k}" for k in sorted(set(a) | set(b)) if a.get(k) != b.get(k)]
        elif old.get(key) != new.get(key):
            keys.append(key)
    return keys


def _summary(content: Mapping[str, Any], keys: Iterable[str]) -> dict[str, Any]:
    """The values of *keys* in *content*, for an audit event's before/after."""
    out: dict[str, Any] = {}
    for key in keys:
        group, _, sub = key.partition(".")
        if sub:
            out.setdefault(group, {})[sub] = (content.get(group) or {}).get(sub)
        else:
            out[key] = content.get(key)
    return out


def create(session: Session, actor: Actor, supplier_id: int, content: Mapping[str, Any], *,
           uploads: Mapping[str, tuple[str, bytes]] | None = None, upload_dir: str = "") -> Service:
    """A new draft listing of *supplier_id*."""
    content = merge(empty_content(), content)
    service = Service(supplier_id=supplier_id, category_id=content["category_id"], dps_id=content["dps_id"],
                      status="draft", version=0, lock_version=1, name=content["name"], summary=content["summary"],
                      description=content["description"], features=content["features"], terms=content["terms"],
                      documents={})
    session.add(service)
    session.flush()
    if uploads:
        service.documents = _store_uploads(session, actor, service, uploads, upload_dir)
        session.add(service)
    record(session, actor, "service.created", "service", service.id, supplier_id=supplier_id, service_id=service.id,
           after={"status": "draft", **listing_content(service)})
    return service


def save(session: Session, actor: Actor, service: Service, partial: Mapping[str, Any], *, expected_lock: Any,
         uploads: Mapping[str, tuple[str, bytes]] | None = None, upload_dir: str = "") -> ServiceRevision | None:
    """Save an edit: into the draft itself, or – for a live service – into its revision.

    Returns the revision when the service is live. Raises ``Conflict`` (someone saved
    since *expected_lock*) or ``NotEditable`` (submitted or removed); nothing is written then.
    """
    if service.status in ("submitted", "removed"):
        raise NotEditable(_not_editable(service.status))
    revision = open_revision(session, service.id) if service.status == "published" else None
    if revision is not None and revision.status == "submitted":
        raise NotEditable(_not_editable("submitted"))
    before = editable_content(session, service)
    after = merge(before, partial)
    if service.status == "draft":
        bump_lock(session, service, expected_lock, updated_at=utcnow(),
                  **{k: after[k] for k in ("name", "summary", "description", "features", "category_id", "dps_id",
                                           "terms")})
        if uploads:
            service.documents = {**(service.documents or {}), **_store_uploads(session, actor, service, uploads,
                                                                               upload_dir)}
            session.add(service)
        after = listing_content(service)
        keys = changed_keys(before, after)
        record(session, actor, "service.saved", "service", service.id, supplier_id=service.supplier_id,
               service_id=service.id, before=_summary(before, keys), after=_summary(after, keys))
        return None
    # A live service: the edit becomes (or updates) its next version, reviewed before it goes live.
    bump_lock(session, service, expected_lock)
    if uploads:
        after["documents"] = {**after["documents"], **_store_uploads(session, actor, service, uploads, upload_dir)}
    now = utcnow()
    if revision is None:
        revision = ServiceRevision(service_id=service.id, base_version=service.version, status="draft",
                                   content=after, created_by=actor.user_id, lock_version=1)
    else:
        revision.content = after
        revision.lock_version += 1
        revision.updated_at = now
    session.add(revision)
    session.flush()
    live = listing_content(service)
    keys = changed_keys(live, after)
    record(session, actor, "service.revision_saved", "service_revision", revision.id, supplier_id=service.supplier_id,
           service_id=service.id, before=_summary(live, keys), after=_summary(after, keys),
           detail=f"Endring av versjon {service.version}")
    return revision


def _no_changes() -> Msg:
    return Msg("Det er ingen endringer fra den publiserte versjonen å sende til godkjenning.",
               "There are no changes from the published version to submit.")


def _not_editable(status: str) -> Msg:
    if status == "submitted":
        return Msg("Tjenesten er sendt til godkjenning og kan ikke endres nå. Trekk den tilbake for å endre den.",
                   "The service awaits approval and cannot be changed now. Withdraw it to change it.")
    return Msg("Tjenesten er fjernet og kan ikke endres.", "The service is removed and cannot be changed.")


def submit(session: Session, actor: Actor, service: Service, *, expected_lock: Any = None,
           today: date | None = None) -> dict[str, Msg]:
    """Send the draft (or the open revision) for approval. Returns errors, writing nothing, when incomplete."""
    revision = open_revision(session, service.id) if service.status == "published" else None
    if service.status == "published" and (revision is None or revision.status != "draft"):
        return {SUBMIT_FIELD: _no_changes()}
    if service.status not in ("draft", "published"):
        return {SUBMIT_FIELD: _not_editable(service.status)}
    content = revision.content if revision is not None else listing_content(service)
    if revision is not None and not changed_keys(listing_content(service), content):
        return {SUBMIT_FIELD: _no_changes()}
    errors = complete_errors(session, service.supplier_id, content, today)
    if errors:
        return errors
    if expected_lock is not None:
        bump_lock(session, service, expected_lock)
    now = utcnow()
    if revision is not None:
        revision.status, revision.submitted_at, revision.updated_at = "submitted", now, now
        session.add(revision)
        record(session, actor, "service.revision_submitted", "service_revision", revision.id,
               supplier_id=service.supplier_id, service_id=service.id, before={"status": "draft"},
               after={"status": "submitted", "base_version": revision.base_version})
    else:
        service.status, service.submitted_at, service.updated_at = "submitted", now, now
        session.add(service)
        record(session, actor, "service.submitted", "service", service.id, supplier_id=service.supplier_id,
               service_id=service.id, before={"status": "draft"}, after={"status": "submitted"})
    hooks.listing_submitted(session, service, revision)
    return {}


def withdraw(session: Session, actor: Actor, service: Service, *, expected_lock: Any) -> bool:
    """Take a submission back to draft so it can be changed. False when nothing was submitted."""
    revision = open_revision(session, service.id) if service.status == "published" else None
    if service.status == "submitted":
        bump_lock(session, service, expected_lock, status="draft", updated_at=utcnow())
        record(session, actor, "service.withdrawn", "service", service.id, supplier_id=service.supplier_id,
               service_id=service.id, before={"status": "submitted"}, after={"status": "draft"})
        return True
    if revision is not None and revision.status == "submitted":
        bump_lock(session, service, expected_lock)
        revision.status, revision.updated_at = "draft", utcnow()
        session.add(revision)
        record(session, actor, "service.revision_withdrawn", "service_revision", revision.id,
               supplier_id=service.supplier_id, service_id=service.id, before={"status": "submitted"},
               after={"status": "draft"})
        return True
    return False


def remove(session: Session, actor: Actor, service: Service, *, expected_lock: Any, reason: str = "") -> None:
    """Remove the listing: its page answers 410 Gone from now on; open edits are closed."""
    if service.status == "removed":
        raise NotEditable(_not_editable("removed"))
    bump_lock(session, service, expected_lock)
    revision = open_revision(session, service.id)
    if revision is not None:
        revision.status, revision.reason, revision.decided_at = "rejected", "Tjenesten ble fjernet.", utcnow()
        session.add(revision)
    remove_service(session, service, actor, reason=reason)


REMOVAL_REASON = ListingField("removal_reason", BASE_SECTION, LONGTEXT, "Begrunnelse", "Reason",
                              "Vises på siden til den fjernede tjenesten.", "Shown on the removed service's page.",
                              max_length=500, required=False)


def document_kinds() -> list[tuple[str, Msg]]:
    return [(kind, KINDS[kind]) for kind in SERVICE_KINDS]
