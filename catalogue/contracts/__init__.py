"""Call-offs (avrop) and contracts: the supplier's terms carried into the contract (SSA Bilag 10).

Small modules, one concern each:

* ``models`` – the tables (contract, deviation report, turnover report, per-DPS settings);
* ``lifecycle`` – the contract's and the deviation report's life cycles, and the ways a
  contract is made (direct call-off from a frozen shortlist, or from an awarded competition);
* ``bilag10`` – the terms appendix generated from the exact archived version, as an ODT
  document and as data for the print-ready page;
* ``drift`` – risk flags from the registry's ``worse`` declarations, and the watch that
  tells owners when a service they contracted or froze publishes new terms;
* ``followup`` – deviation reports, quarterly turnover, the register and reminders;
* ``ocds`` – open data: awarded contracts as Open Contracting Data Standard 1.1 releases.
"""
