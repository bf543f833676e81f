"""The demo catalogue's services, by sub-category, and the few that are not simply published.

The texts live in three modules by area (``catalogue_infra``, ``catalogue_platform``,
``catalogue_software``); this module joins them and names the services that stay unpublished
(to exercise moderation) or are removed after publication (their pages answer 410 Gone).
"""
from __future__ import annotations

from catalogue.models import ServiceStatus
from seed.data import catalogue_infra, catalogue_platform, catalogue_software

SUBCATEGORIES: dict[str, dict] = {
    **catalogue_infra.SUBCATEGORIES,
    **catalogue_platform.SUBCATEGORIES,
    **catalogue_software.SUBCATEGORIES,
}

# Services left unpublished: name -> status (a draft, or submitted for moderation).
UNPUBLISHED: dict[str, ServiceStatus] = {
    "Fjordsky Dataplattform": ServiceStatus.DRAFT,
    "Revontuli Språkmodell": ServiceStatus.DRAFT,
    "Nordlys Arktisk Arkiv": ServiceStatus.SUBMITTED,
    "Kodeverket Flyt": ServiceStatus.SUBMITTED,
}

# Services published and later removed: name -> (removal reason, days after publication).
REMOVED: dict[str, tuple[str, int]] = {
    "Vestavind Backup": (
        "Leverandøren har avviklet tjenesten. Eksisterende kunder er flyttet til en ny løsning etter avtale.", 120),
    "Skärgårdsmoln App Engine": (
        "Tjenesten er trukket fra det norske markedet, og nye avtaler inngås ikke.", 200),
}
