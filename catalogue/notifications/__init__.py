"""Notifications: e-mail addresses, preferences, the transactional outbox and its dispatcher.

Other features call, inside their transaction and before commit::

    from catalogue.notifications import notify
    notify(session, "competition.invited", suppliers=[...], context={...}, url="/path", key="competition:12:invited")

and register their kinds in ``catalogue.notifications.kinds``; periodic jobs use
``catalogue.notifications.schedule.scheduled``.
"""
from catalogue.notifications.kinds import KINDS, Kind, register
from catalogue.notifications.outbox import notify

__all__ = ["KINDS", "Kind", "notify", "register"]
