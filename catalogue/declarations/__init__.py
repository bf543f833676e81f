"""The supplier's self-declaration (egenerklæring), structured like the ESPD and stored once.

``criteria``  the declaration, criterion by criterion (exclusion grounds, then selection criteria)
``models``    the stored declarations (one current per supplier, earlier ones kept) and the requests
``requests``  the contract manager's request for an updated declaration, its deadline and life cycle
"""
