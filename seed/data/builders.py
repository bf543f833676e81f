"""Shared building logic of the demo and synthetic catalogues.

A supplier uses the same contract papers for all its services, so supplier-wide terms are
decided once in a :class:`SupplierProfile`; :func:`service_terms` then derives the terms of
one service from that profile and the service's category. Every decision draws from the
``random.Random`` it is given, so a fixed seed always gives the same catalogue.
"""
from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any, Sequence

from catalogue import nsm
from catalogue.models import utcnow
from catalogue.terms import TERMS
from seed.data import parts

# Stored times follow catalogue.models.utcnow (UTC, naive or aware as the models store them),
# so seed times compare with and are stored like every other time in the code base.
TZ = utcnow().tzinfo

# Publication dates are spread over the 18 months before this fixed moment, so the seed data
# are the same whenever they are loaded (never later than the real clock, should it lag).
ANCHOR = datetime(2026, 11, 1, 9, 0, tzinfo=TZ)
SPREAD_MINUTES = 18 * 30 * 24 * 60

ORGNR_WEIGHTS = (3, 2, 7, 6, 5, 4, 3, 2)


def orgnr_from_base(base: int) -> str | None:
    """The organisation number with the 8 leading digits *base*, or None when none is valid.

    Modulus 11 with weights 3 2 7 6 5 4 3 2: remainder 0 gives check digit 0; when the
    check digit would be 10 no valid number starts with these digits.
    """
    digits = f"{base:08d}"
    remainder = sum(w * int(d) for w, d in zip(ORGNR_WEIGHTS, digits)) % 11
    check = 0 if remainder == 0 else 11 - remainder
    return None if check == 10 else digits + str(check)


def weighted(rng: random.Random, options: Sequence[tuple[Any, float]]) -> Any:
    """One value from ``[(value, weight), ...]``."""
    values, weights = zip(*options)
    return rng.choices(values, weights=weights)[0]


def in_registry_order(term_key: str, values) -> list[str]:
    """*values* in the order the registry lists the choices (how TERMS stores multi-choices)."""
    wanted = set(values)
    return [c.value for c in TERMS[term_key].choices if c.value in wanted]


def validated(terms: dict[str, Any], what: str) -> dict[str, Any]:
    """The clean terms, or ValueError naming every term that does not validate: seed data must be valid."""
    clean, errors = TERMS.validate(terms)
    if errors:
        detail = "; ".join(f"{key}: {msg}" for key, msg in errors.items())
        raise ValueError(f"invalid terms for {what}: {detail}")
    return clean


def at(day: date, hour: int, minute: int = 0) -> datetime:
    """*day* at *hour*:*minute* UTC, in the code base's convention for stored times."""
    return datetime.combine(day, time(hour, minute), tzinfo=TZ)


def latest() -> datetime:
    """The latest moment seed data may carry: the anchor, or now if the clock is behind it."""
    return min(ANCHOR, utcnow())


def publication_dates(rng: random.Random) -> tuple[datetime, datetime, datetime]:
    """``(created, submitted, published)``: a plausible history within the last 18 months."""
    published = latest() - timedelta(minutes=rng.randint(0, SPREAD_MINUTES))
    submitted = published - timedelta(hours=rng.randint(2, 96))
    created = submitted - timedelta(days=rng.randint(1, 45), minutes=rng.randint(0, 600))
    return created, submitted, published


# ---------------------------------------------------------------------------
# supplier-wide terms


@dataclass(frozen=True)
class SupplierProfile:
    """The terms a supplier states the same way for all its services."""

    name: str
    flavour: str  # norsk / svensk / dansk / finsk / internasjonal
    governing_law: str
    venue: str
    terms_document: str
    terms_version: str
    dpa_document: str
    dpa_version: str
    liability_cap: str
    liability_note: str
    clause9_option: str
    clause9_notice_days: int
    clause17_law: str
    clause18_forum: str
    own_purpose: str
    third_party_beneficiary: bool
    base_locations: tuple[str, ...]
    eea_only: bool
    scc_modules: tuple[str, ...]
    api_notice_months: int
    exit_days: int
    certifications: tuple[str, ...]
    code_of_conduct: tuple[str, ...]
    support_hours: str
    support_languages: tuple[str, ...]
    optout: bool
    subprocessors: tuple[tuple[str, str, str], ...]
    contact: str
    other_terms: str


def make_profile(rng: random.Random, *, flavour: str, name: str, brand: str, city: str, domain: str,
                 overrides: dict[str, Any] | None = None) -> SupplierProfile:
    """Decide a supplier's contract papers, coherent with where it comes from (*flavour*)."""
    build = {"norsk": _norwegian, "internasjonal": _international}.get(flavour, _nordic)
    fields = build(rng, flavour=flavour, brand=brand, city=city)
    fields.update(
        name=name, flavour=flavour,
        terms_version=rng.choice(parts.TERMS_VERSIONS),
        dpa_version=rng.choice(parts.TERMS_VERSIONS),
        contact=_contact(rng, domain),
        other_terms=rng.choice(parts.OTHER_TERMS),
    )
    # Overrides (hand-picked terms of a demo supplier) come before the fields derived from them.
    fields.update(overrides or {})
    fields["subprocessors"] = tuple(s for s in fields["subprocessors"] if s[0] != name)
    if "liability_note" not in fields:
        note = rng.choice(parts.LIABILITY_NOTES[fields["liability_cap"]])
        fields["liability_note"] = note.format(amount=rng.choice(parts.FIXED_AMOUNTS))
    if "code_of_conduct" not in fields:
        fields["code_of_conduct"] = _code_of_conduct(rng, fields)
    return SupplierProfile(**fields)


def _norwegian(rng: random.Random, *, brand: str, city: str, **_) -> dict[str, Any]:
    venue = parts.VENUE_OF_CITY.get(city, "oslo-tingrett")
    venue = weighted(rng, [(venue, 65), ("oslo-tingrett", 20), ("voldgift-oslo", 15)])
    option = weighted(rng, [("saerskilt", 40), ("generell", 60)])
    locations = weighted(rng, [(("norge",), 60), (("norge", "eos"), 40)])
    pool = list(parts.NORWEGIAN_SUBPROCESSORS)
    if "eos" in locations:
        pool.append(rng.choice(parts.NORDIC_SUBPROCESSORS))
    return dict(
        governing_law="norge", venue=venue,
        terms_document=rng.choice(parts.NORWEGIAN_TERMS_DOCUMENTS).format(brand=brand),
        dpa_document=rng.choice(parts.NORWEGIAN_DPA_DOCUMENTS).format(brand=brand),
        liability_cap=weighted(rng, [("12-mnd-vederlag", 40), ("24-mnd-vederlag", 20), ("fast-belop", 25),
                                     ("direkte-tap", 15)]),
        clause9_option=option,
        clause9_notice_days=rng.choice((14, 21, 30, 30, 45, 60, 90) if option == "generell" else (30, 60, 90)),
        clause17_law="norge", clause18_forum=weighted(rng, [("oslo-tingrett", 80), (venue, 20)]),
        own_purpose=weighted(rng, [("nei", 95), ("begrenset", 5)]),
        third_party_beneficiary=rng.random() < 0.9,
        base_locations=locations, eea_only=True,
        scc_modules=weighted(rng, [(("2",), 70), (("2", "3"), 30)]),
        api_notice_months=rng.choice((3, 6, 6, 12, 12, 18, 24)),
        exit_days=rng.choice((30, 60, 90, 90, 180)),
        certifications=_norwegian_certifications(rng),
        support_hours=weighted(rng, [("kontortid", 35), ("utvidet", 30), ("24x7", 35)]),
        support_languages=weighted(rng, [(("nb", "en"), 70), (("nb",), 15), (("nb", "sv", "da", "en"), 15)]),
        optout=rng.random() < 0.5,
        subprocessors=tuple(rng.sample(pool, k=min(len(pool), rng.randint(3, 5)))),
    )


def _nordic(rng: random.Random, *, flavour: str, brand: str, **_) -> dict[str, Any]:
    law, venue = parts.FLAVOUR_LAW[flavour]
    language = {"svensk": "sv", "dansk": "da", "finsk": "sv"}[flavour]  # Swedish is official in Finland
    pool = list(parts.NORDIC_SUBPROCESSORS) + list(rng.sample(parts.NORWEGIAN_SUBPROCESSORS, 2))
    return dict(
        governing_law=law, venue=venue,
        terms_document=rng.choice(parts.NORDIC_TERMS_DOCUMENTS).format(brand=brand),
        dpa_document=rng.choice(parts.INTERNATIONAL_DPA_DOCUMENTS).format(brand=brand),
        liability_cap=weighted(rng, [("12-mnd-vederlag", 60), ("fast-belop", 25), ("24-mnd-vederlag", 15)]),
        clause9_option="generell", clause9_notice_days=rng.choice((14, 30, 30, 60)),
        clause17_law=law, clause18_forum=venue,
        own_purpose="nei", third_party_beneficiary=True,
        base_locations=weighted(rng, [(("eos",), 50), (("norge", "eos"), 50)]), eea_only=True,
        scc_modules=weighted(rng, [(("2",), 40), (("2", "3"), 60)]),
        api_notice_months=rng.choice((6, 12, 12)), exit_days=rng.choice((30, 60, 90)),
        certifications=_norwegian_certifications(rng),
        support_hours=weighted(rng, [("utvidet", 50), ("24x7", 50)]),
        support_languages=tuple(in_registry_order("support_languages", {language, "nb", "en"})),
        optout=rng.random() < 0.5,
        subprocessors=tuple(rng.sample(pool, k=rng.randint(3, 5))),
    )


def _international(rng: random.Random, *, brand: str, **_) -> dict[str, Any]:
    law = rng.choice(("irland", "luxembourg"))
    venue = "dublin" if law == "irland" else "luxembourg"
    locations = ("eos", "usa", "india") + (("storbritannia",) if rng.random() < 0.5 else ())
    optional = ["iso27017", "iso27018", "iso27701", "soc2", "c5", "csa-star", "iso9001"]
    return dict(
        governing_law=law, venue=venue,
        terms_document=rng.choice(parts.INTERNATIONAL_TERMS_DOCUMENTS).format(brand=brand),
        dpa_document=rng.choice(parts.INTERNATIONAL_DPA_DOCUMENTS).format(brand=brand),
        liability_cap="12-mnd-vederlag",
        clause9_option="generell", clause9_notice_days=rng.choice((14, 30)),
        clause17_law=law, clause18_forum=venue,
        own_purpose=weighted(rng, [("begrenset", 70), ("ja", 30)]),
        third_party_beneficiary=True,
        base_locations=tuple(in_registry_order("data_locations", locations)), eea_only=rng.random() < 0.8,
        scc_modules=weighted(rng, [(("2", "3"), 70), (("1", "2", "3", "4"), 30)]),
        api_notice_months=12, exit_days=rng.choice((30, 90)),
        certifications=("iso27001",) + tuple(rng.sample(optional, k=rng.randint(4, 6))),
        support_hours="24x7",
        support_languages=weighted(rng, [(("en",), 70), (("nb", "en"), 30)]),
        optout=True,
        subprocessors=tuple(rng.sample(parts.INTERNATIONAL_SUBPROCESSORS, k=rng.randint(3, 5))),
    )


def _norwegian_certifications(rng: random.Random) -> tuple[str, ...]:
    kind = weighted(rng, [("iso", 75), ("quality", 12), ("none", 8), ("broad", 5)])
    if kind == "none":
        return ("ingen",)
    if kind == "quality":
        return ("iso9001",)
    extras = ["iso27017", "iso27018", "iso27701", "iso9001"] + (["soc2", "csa-star"] if kind == "broad" else [])
    return ("iso27001",) + tuple(rng.sample(extras, k=rng.randint(0, 3)))


def _code_of_conduct(rng: random.Random, fields: dict[str, Any]) -> tuple[str, ...]:
    """Only suppliers with an ISO 27001 certified security system adhere to a code of conduct, and
    CISPE further requires an EEA-only option and no use of customer data for own purposes."""
    if fields["flavour"] == "internasjonal":
        return ("eu-cloud-coc",)
    if "iso27001" not in fields["certifications"]:
        return ("ingen",)
    cispe_ok = fields["eea_only"] and fields["own_purpose"] == "nei"
    choice = weighted(rng, [("ingen", 60), ("eu-cloud-coc", 25), ("cispe", 15 if cispe_ok else 0)])
    return (choice,)


def _contact(rng: random.Random, domain: str) -> str:
    box = rng.choice(("offentlig", "anbud", "avrop", "salg.offentlig", "kundeservice"))
    phone = f"+47 {rng.randint(21, 99)} {rng.randint(10, 99)} {rng.randint(10, 99)} {rng.randint(10, 99)}"
    return f"{box}@{domain}, telefon {phone}" if rng.random() < 0.4 else f"{box}@{domain}"


# ---------------------------------------------------------------------------
# per-service terms

SLA_OF_KIND = {
    "iaas": (99.9, 99.95, 99.95, 99.99), "paas": (99.9, 99.9, 99.95, 99.99), "saas": (99.5, 99.7, 99.8, 99.9),
    "security": (99.9, 99.95, 99.99), "consulting": (99.5, 99.5, 99.7),
}
METERING_OF_KIND = {
    "iaas": [("maling-og-tak", 55), ("maling", 40), ("ingen", 5)],
    "paas": [("maling-og-tak", 50), ("maling", 45), ("ingen", 5)],
    "security": [("maling", 55), ("maling-og-tak", 25), ("ingen", 20)],
    "saas": [("maling", 40), ("ingen", 45), ("maling-og-tak", 15)],
    "consulting": [("ingen", 70), ("maling", 30)],
}


def service_terms(rng: random.Random, profile: SupplierProfile, top_slug: str) -> dict[str, Any]:
    """Every term of one service in *top_slug*, in the registry's clean form."""
    kind = parts.KIND_OF_TOP[top_slug]
    subprocessors = rng.sample(profile.subprocessors, k=rng.randint(1, min(5, len(profile.subprocessors))))
    locations = in_registry_order(
        "data_locations", list(profile.base_locations) + [parts.LOCATION_OF_COUNTRY[s[1]] for s in subprocessors])
    third_country = any(loc not in ("norge", "eos") for loc in locations)
    metering = weighted(rng, METERING_OF_KIND[kind])
    if profile.flavour == "internasjonal" and kind in ("iaas", "paas"):
        metering = "maling-og-tak"  # the large providers all offer budgets and spending alerts
    terms = {
        "terms_document": profile.terms_document,
        "terms_version": profile.terms_version,
        "governing_law": profile.governing_law,
        "venue": profile.venue,
        "liability_cap": profile.liability_cap,
        "liability_note": profile.liability_note,
        "api_deprecation_notice_months": profile.api_notice_months,
        "data_export_formats": _export_formats(rng, top_slug),
        "exit_period_days": profile.exit_days,
        "nsm_principles": nsm_matrix(rng, kind),
        "reference_architecture_optout": profile.optout,
        "certifications": _service_certifications(rng, profile),
        "code_of_conduct": list(profile.code_of_conduct),
        "pentest_summary": _pentest(rng),
        "dpa_document": profile.dpa_document,
        "dpa_version": profile.dpa_version,
        "scc_modules": list(profile.scc_modules),
        "scc_clause9_option": profile.clause9_option,
        "scc_clause9_notice_days": profile.clause9_notice_days,
        "scc_clause17_law": profile.clause17_law,
        "scc_clause18_forum": profile.clause18_forum,
        "transfer_impact_assessment": third_country or rng.random() < 0.35,
        "third_party_beneficiary": profile.third_party_beneficiary,
        "data_locations": locations,
        "eea_only_option": profile.eea_only,
        "own_purpose_processing": profile.own_purpose,
        "subprocessors": [{"name": n, "country": c, "purpose": p} for n, c, p in subprocessors],
        "availability_sla": rng.choice(SLA_OF_KIND[kind]),
        "support_hours": "kontortid" if kind == "consulting" else profile.support_hours,
        "support_languages": list(profile.support_languages),
        "consumption_metering": metering,
        "other_terms": profile.other_terms,
        "public_sector_contact": profile.contact,
    }
    return {**price_terms(profile, top_slug, salt=repr(sorted(terms.items()))), **terms}


# Prices per kind of service: (pricing models with weights, unit price lines (what, NOK from–to, per),
# monthly "price from" range). Amounts are NOK excluding VAT, in the range the public price lists show.
PRICES_OF_KIND: dict[str, tuple[list[tuple[str, int]], list[tuple[str, float, float, str]], tuple[int, int]]] = {
    "iaas": ([("forbruk", 70), ("fast-og-forbruk", 30)],
             [("vCPU", 120, 260, "per vCPU per måned"), ("Minne", 30, 60, "per GB per måned"),
              ("Lagring", 0.2, 1.2, "per GB per måned"), ("Utgående trafikk", 0.3, 0.9, "per GB")], (150, 2500)),
    "paas": ([("forbruk", 55), ("fast-og-forbruk", 30), ("abonnement", 15)],
             [("Instans", 400, 2400, "per instans per måned"), ("Lagring", 0.5, 2.5, "per GB per måned"),
              ("Forespørsler", 2, 12, "per million")], (300, 6000)),
    "security": ([("abonnement", 50), ("per-bruker", 35), ("forbruk", 15)],
                 [("Bruker", 25, 140, "per bruker per måned"), ("Hendelsesdata", 1, 6, "per GB")], (2000, 30000)),
    "saas": ([("per-bruker", 60), ("abonnement", 40)],
             [("Bruker", 60, 450, "per bruker per måned"), ("Ekstra lagring", 1, 4, "per GB per måned")], (1000, 25000)),
    "consulting": ([("timepris", 100)],
                   [("Rådgiver", 1100, 1600, "per time"), ("Seniorrådgiver", 1500, 2100, "per time")], (15000, 60000)),
}


def price_terms(profile: SupplierProfile, top_slug: str, salt: str = "") -> dict[str, Any]:
    """The price group of one service. Drawn from a generator of its own (seeded by the service's other
    terms and its category), so adding prices changed no other term of the seeded data."""
    kind = parts.KIND_OF_TOP[top_slug]
    rng = random.Random(f"pris:{top_slug}:{salt}")  # deterministic demo data # nosec B311
    models, lines, (low, high) = PRICES_OF_KIND[kind]
    model = weighted(rng, models)
    unit_prices = []
    for what, cheapest, dearest, per in rng.sample(lines, k=rng.randint(1, len(lines))):
        price = rng.uniform(cheapest, dearest)
        unit_prices.append({"item": what, "price": round(price, 2 if price < 10 else 0), "unit": per})
    trial = kind in ("saas", "paas", "security") and rng.random() < 0.45
    return {
        "pricing_model": model,
        "price_from": float(round(rng.uniform(low, high), -1)),
        "unit_prices": unit_prices,
        "price_list_document": f"{profile.name} – prisliste {profile.terms_version}"[:160],
        "free_trial": trial,
        "free_trial_days": rng.choice((14, 30, 30, 60)) if trial else 0,
        "minimum_commitment": ("ingen" if model == "forbruk" else
                               weighted(rng, [("1-mnd", 40), ("12-mnd", 45), ("36-mnd", 15)])),
    }


def nsm_matrix(rng: random.Random, kind: str) -> dict[str, dict[str, str]]:
    """Who answers for each NSM principle: the kind's default, with some suppliers taking on more."""
    matrix = {}
    for principle, default in zip(nsm.PRINCIPLES, parts.NSM_DEFAULTS[kind]):
        responsibility = default
        if rng.random() < 0.12:
            responsibility = {"customer": "shared", "shared": "supplier"}.get(default, default)
        how = rng.choice(parts.NSM_HOW[principle.code][responsibility])
        matrix[principle.code] = {"responsibility": responsibility, "how": how}
    return matrix


def _export_formats(rng: random.Random, top_slug: str) -> list[str]:
    first, *others = parts.EXPORTS_OF_TOP[top_slug]
    return in_registry_order("data_export_formats", [first, *rng.sample(others, k=rng.randint(1, len(others)))])


# Fictional certification bodies for the demo's certificates.
CERTIFICATION_BODIES = ("Nordisk Sertifisering AS", "Fjordrevisjon Sertifisering AS", "Europeisk Revisjonsbyrå",
                        "Sikkerhetsattest Norden AS")


def _service_certifications(rng: random.Random, profile: SupplierProfile) -> list[dict[str, Any]]:
    """Certificate rows: ISO certificates run three years, SOC 2 and C5 reports one, CSA STAR two."""
    certs = [c for c in profile.certifications if c != "ingen"]
    if len(certs) > 2 and rng.random() < 0.15:
        certs.pop(rng.randrange(1, len(certs)))  # not every service is in scope of every certificate
    body = rng.choice(CERTIFICATION_BODIES)
    rows = []
    for standard in in_registry_order("certifications", certs):
        years = {"soc2": 1, "c5": 1, "csa-star": 2}.get(standard, 3)
        issued = date(2026 - years + 1, rng.randint(1, 11), rng.randint(1, 28))
        expires = issued.replace(year=issued.year + years) - timedelta(days=1)
        rows.append({"standard": standard, "issuer": body, "scope": "Drift og utvikling av tjenesten",
                     "issued": issued.isoformat(), "expires": expires.isoformat(), "document": None})
    return rows


def _pentest(rng: random.Random) -> str:
    year, month = (2025, rng.randint(1, 12)) if rng.random() < 0.5 else (2026, rng.randint(1, 9))
    return (f"Siste inntrengningstest ble gjennomført i {parts.MONTHS_NB[month - 1]} {year} av "
            f"{rng.choice(parts.PENTEST_FIRMS)}. {rng.choice(parts.PENTEST_FINDINGS)}")


# ---------------------------------------------------------------------------
# text that follows from the terms (so descriptions and features never contradict them)


def location_key(locations: Sequence[str]) -> str:
    places = set(locations)
    if places == {"norge"}:
        return "norge"
    if places == {"norge", "eos"}:
        return "norge-eos"
    if places <= {"norge", "eos"}:
        return "eos"
    return "global"


def terms_sentences(rng: random.Random, supplier: str, terms: dict[str, Any]) -> list[str]:
    """Two sentences on where data live and what support is given, as the terms state."""
    where = rng.choice(parts.LOCATION_SENTENCES[location_key(terms["data_locations"])]).format(supplier=supplier)
    names = [parts.LANGUAGE_NAMES[code] for code in terms["support_languages"]]
    languages = names[0] if len(names) == 1 else ", ".join(names[:-1]) + " og " + names[-1]
    return [where, parts.SUPPORT_SENTENCES[terms["support_hours"]].format(languages=languages)]


def terms_feature(terms: dict[str, Any]) -> str:
    return parts.LOCATION_FEATURES[location_key(terms["data_locations"])]
