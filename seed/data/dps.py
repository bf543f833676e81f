"""The demo dynamic purchasing system (DPS) and the suppliers' qualification applications."""
from __future__ import annotations

from datetime import date

DPS = dict(
    slug="dps-skytjenester",
    name="Dynamisk innkjøpsordning for skytjenester (demo)",
    description=(
        "Demoeksempel på en dynamisk innkjøpsordning for standardiserte skytjenester til statlige og kommunale "
        "virksomheter. Ordningen er åpen for nye leverandører i hele perioden. Kvalifiserte leverandører "
        "inviteres til alle konkurranser i kategoriene de er kvalifisert i, og hver konkurranse har en "
        "tilbudsfrist på minst ti dager."),
    valid_from=date(2025, 1, 1),
    valid_to=date(2029, 12, 31),
    # Top-level categories: a qualification in one covers all its sub-categories.
    categories=("beregning", "containere", "lagring", "sikkerhetskopi", "databaser", "sikkerhetsovervakning",
                "programvare"),
)

# One application per supplier. ``submitted=None`` means "still under evaluation": its dates are
# set relative to the day the demo is loaded, so it is never overdue. ``rejected`` names the
# categories refused, with the reason given to the supplier.
APPLICATIONS: list[dict] = [
    dict(supplier="fjordsky", signer="Ingrid Haugen, daglig leder", submitted=date(2025, 1, 13),
         categories=("beregning", "containere", "lagring", "sikkerhetskopi", "databaser")),
    dict(supplier="nordlys", signer="Mats Johansen, daglig leder", submitted=date(2025, 1, 20),
         categories=("beregning", "lagring", "sikkerhetskopi")),
    dict(supplier="bolgen", signer="Hilde Sørensen, kommersiell direktør", submitted=date(2025, 1, 27),
         categories=("beregning", "containere", "lagring", "sikkerhetskopi")),
    dict(supplier="kystdata", signer="Ola Brekke, daglig leder", submitted=date(2025, 2, 3),
         categories=("lagring", "sikkerhetskopi")),
    dict(supplier="vaktbikkje", signer="Sara Lunde, administrerende direktør", submitted=date(2025, 2, 10),
         categories=("sikkerhetsovervakning",)),
    dict(supplier="fjellbase", signer="Jonas Berg, daglig leder", submitted=date(2025, 2, 24),
         categories=("databaser",)),
    dict(supplier="kommunesky", signer="Marte Kvam, salgssjef offentlig sektor", submitted=date(2025, 3, 3),
         categories=("programvare",)),
    dict(supplier="polarkube", signer="Eirik Nilsen, daglig leder", submitted=date(2025, 3, 17),
         categories=("containere",)),
    dict(supplier="lagerhus", signer="Nina Dahl, daglig leder", submitted=date(2025, 4, 7),
         categories=("lagring", "sikkerhetskopi")),
    dict(supplier="omsorgsdata", signer="Per Aasen, daglig leder", submitted=date(2025, 4, 22),
         categories=("programvare",)),
    dict(supplier="vardedrift", signer="Kristin Moe, direktør forretningsutvikling", submitted=date(2025, 5, 12),
         categories=("sikkerhetsovervakning", "sikkerhetskopi")),
    dict(supplier="lonnskraft", signer="Anders Holm, daglig leder", submitted=date(2025, 8, 18),
         categories=("programvare",)),
    dict(supplier="midnattsol", signer="Tone Eide, daglig leder", submitted=date(2025, 9, 1),
         categories=("beregning", "sikkerhetskopi"),
         rejected={"sikkerhetskopi": (
             "Leverandøren har ikke dokumentert at sikkerhetskopier lagres i et geografisk adskilt datasenter, "
             "som er et minstekrav i kategorien. Leverandøren kan søke på nytt når dette er på plass.")}),
    dict(supplier="samhandlingsverket", signer="Lars Vik, daglig leder", submitted=None,
         categories=("programvare",)),
]
