"""Competitions in a DPS category (konkurranse i ordningen): draft, publish to every qualified
supplier, questions and answers, sealed tenders, opening, evaluation, award, standstill, record.

Modules: ``models`` (tables), ``rules`` (the legal rules, in one place), ``lifecycle`` (the
life-cycle objects), ``drafting``, ``questions``, ``tendering``, ``sealing``, ``evaluation``,
``record`` and ``notices`` (the notifications sent).
"""
