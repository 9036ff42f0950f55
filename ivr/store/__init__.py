"""Persistence for the helpline: one small interface over SQLite or PostgreSQL.

    settings_from(config) -> StoreSettings            IVR_DATABASE_URL, IVR_CALLER_NUMBERS,
                                                      IVR_NUMBER_SALT, IVR_RETENTION_DAYS
    open_store(url, instance, privacy, *, tolerate_outage=False) -> SqlStore
                                                      SQLite in instance/ivr.sqlite3 unless
                                                      the URL names PostgreSQL

    SqlStore
      calls        call_started  call_answered  call_language  call_path  call_outcome
                   call_ended  call_event  call  recent_calls  call_events
                   write_call_facts (a batch of the above, for the webhooks' recorder)
      voicemails   save_voicemail  voicemails  mark_voicemail
      agents       sync_agents  claim_agent  release_agent  release_claims  extend_claim
                   held_by  agents
      callbacks    add_callback  claim_due_callback  finish_callback  callback
                   pending_callbacks  recent_callbacks
      sessions     create_session  update_session  session  session_by_conference
                   sessions  bookings  claim_due_booking  finish_booking  add_leg  update_leg
      sign-ins     add_sign_in_attempt  sign_in_attempts  clear_sign_in_attempts
      upkeep       schema_version  upgrade  purge  close

Rules of this package:

- SQLAlchemy Core only (no ORM); the SQL is the same on SQLite and PostgreSQL, above all
  the claims: one conditional UPDATE decides who gets an agent, a callback or a booking.
- Every datetime in and out is timezone-aware; it is stored as UTC and read back as UTC.
  Naive datetimes are refused.
- Methods return frozen dataclasses from ``ivr.store.records``, never database rows.
- Writes that Twilio may repeat (a retried webhook) are idempotent.
- Caller numbers are personal data: call records, events, voicemails and legs keep them as
  ``Privacy`` says (masked, hashed or kept); callbacks and sessions keep the real number,
  which ``purge`` removes once the retention period has passed.
- No database error leaves the package raw; they all become::

      IvrError
       └── StoreError            the database refused or failed an operation
            ├── StoreUnavailable the database cannot be reached (down, locked, gone)
            └── SchemaOutdated   the schema is not this ivr's: run `ivr db upgrade`

  A caller of the store catches StoreError and carries on without it (an apology and the
  fallback number), because a store outage must not stop a menu from answering.
- The schema changes only by appending a step to ``ivr.store.migrations``.
"""

from __future__ import annotations

from ivr.store.batch import CallFacts
from ivr.store.errors import SchemaOutdated, StoreError, StoreUnavailable
from ivr.store.privacy import NumberMode, Privacy, StoreSettings, settings_from
from ivr.store.records import (
    AgentClaim,
    AgentKind,
    AgentSpec,
    AgentState,
    Callback,
    CallbackStatus,
    CallEvent,
    CallRecord,
    ClaimState,
    Leg,
    LegRole,
    Session,
    SessionStatus,
    Voicemail,
    VoicemailStatus,
)
from ivr.store.store import SqlStore, open_store

__all__ = [
    "AgentClaim", "AgentKind", "CallFacts", "AgentSpec", "AgentState", "CallEvent", "CallRecord",
    "Callback", "CallbackStatus", "ClaimState", "Leg", "LegRole", "NumberMode", "Privacy",
    "SchemaOutdated", "Session", "SessionStatus", "SqlStore", "StoreError", "StoreSettings",
    "StoreUnavailable", "Voicemail", "VoicemailStatus", "open_store", "settings_from",
]
