"""NSM's basic principles for ICT security (Grunnprinsipper for IKT-sikkerhet 2.x).

The reference architecture (referansearkitektur) in a service's terms states, for each
principle below, who is responsible and how it is met.
"""
from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Principle:
    code: str
    nb: str
    en: str

    @property
    def area(self) -> str:
        return self.code.split(".")[0]


AREAS = {
    "1": ("Identifisere og kartlegge", "Identify and map"),
    "2": ("Beskytte og opprettholde", "Protect and maintain"),
    "3": ("Oppdage", "Detect"),
    "4": ("Håndtere og gjenopprette", "Respond and recover"),
}

PRINCIPLES: tuple[Principle, ...] = (
    Principle("1.1", "Kartlegg styringsstrukturer, leveranser og understøttende systemer",
              "Map governance structures, deliveries and supporting systems"),
    Principle("1.2", "Kartlegg enheter og programvare", "Map devices and software"),
    Principle("1.3", "Kartlegg brukere og behov for tilgang", "Map users and access needs"),
    Principle("2.1", "Ivareta sikkerhet i anskaffelses- og utviklingsprosesser",
              "Maintain security in procurement and development"),
    Principle("2.2", "Etabler en sikker IKT-arkitektur", "Establish a secure ICT architecture"),
    Principle("2.3", "Ivareta en sikker konfigurasjon", "Maintain a secure configuration"),
    Principle("2.4", "Beskytt virksomhetens nettverk", "Protect the organisation's networks"),
    Principle("2.5", "Kontroller dataflyt", "Control data flow"),
    Principle("2.6", "Ha kontroll på identiteter og tilganger", "Control identities and access"),
    Principle("2.7", "Beskytt data i ro og i transitt", "Protect data at rest and in transit"),
    Principle("2.8", "Beskytt e-post og nettleser", "Protect e-mail and browsers"),
    Principle("2.9", "Etabler evne til gjenoppretting av data", "Establish the ability to recover data"),
    Principle("2.10", "Integrer sikkerhet i prosess for endringshåndtering",
              "Integrate security in change management"),
    Principle("3.1", "Oppdag og fjern kjente sårbarheter og trusler",
              "Detect and remove known vulnerabilities and threats"),
    Principle("3.2", "Etabler sikkerhetsovervåkning", "Establish security monitoring"),
    Principle("3.3", "Analyser data fra sikkerhetsovervåkning", "Analyse security monitoring data"),
    Principle("3.4", "Gjennomfør inntrengningstester", "Perform penetration tests"),
    Principle("4.1", "Forbered virksomheten på håndtering av hendelser", "Prepare for incident handling"),
    Principle("4.2", "Vurder og klassifiser hendelser", "Assess and classify incidents"),
    Principle("4.3", "Kontroller og håndter hendelser", "Control and handle incidents"),
    Principle("4.4", "Evaluer og lær av hendelser", "Evaluate and learn from incidents"),
)

BY_CODE = {p.code: p for p in PRINCIPLES}

# Who is responsible for a principle in the delivered service.
RESPONSIBILITIES = (
    ("supplier", "Leverandør", "Supplier"),
    ("customer", "Kunde", "Customer"),
    ("shared", "Delt", "Shared"),
)
