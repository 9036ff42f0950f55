"""Call detail records, call events and voicemails.

Twilio repeats webhooks (a retry after a timeout, a status callback sent twice), so every
write here may run twice: ``call_started`` keeps the first record, an event carrying
Twilio's idempotency token is kept once, a voicemail is kept once per recording, and the
updates set a value rather than add to one. Numbers go in as the privacy setting says.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from datetime import datetime
from typing import Any

from sqlalchemy import case, func, insert, literal, select, update

from ivr.store.base import AnyRow, StoreBase
from ivr.store.records import CallEvent, CallRecord, Voicemail, VoicemailStatus
from ivr.store.schema import call_events, calls, voicemails

PATH_SEPARATOR = ">"
PATH_MAX = 1000  # characters; a call that loops for an hour stops growing its path here
PATH_FULL = "…"


class CallLog(StoreBase):
    """What happened on each call."""

    def call_started(self, call_sid: str, line: str | None, caller: str | None,
                     region: str | None, at: datetime) -> bool:
        """Open the call's record; tell whether it is new (False: a repeated webhook)."""
        return self._insert_new(insert(calls).values(
            call_sid=call_sid, line=line, caller=self.privacy.stored(caller),
            caller_region=region, started_at=at)) is not None

    def call_answered(self, call_sid: str, at: datetime) -> bool:
        """Note when the call was answered, keeping the first time given."""
        return self._set_call(call_sid, answered_at=func.coalesce(calls.c.answered_at, at))

    def call_language(self, call_sid: str, language: str) -> bool:
        """Note the language the caller chose."""
        return self._set_call(call_sid, language=language)

    def call_path(self, call_sid: str, node: str) -> bool:
        """Append a visited node to the call's path, which stops growing at PATH_MAX."""
        path, addition = calls.c.path, PATH_SEPARATOR + node
        full = PATH_SEPARATOR + PATH_FULL
        grown = case(
            (path.is_(None), literal(node)),
            (path.endswith(full), path),
            (func.length(path) + len(addition) <= PATH_MAX, path + addition),
            else_=path + full)
        return self._set_call(call_sid, path=grown)

    def call_outcome(self, call_sid: str, outcome: str) -> bool:
        """Note how the call ended up (the last outcome given wins)."""
        return self._set_call(call_sid, outcome=outcome)

    def call_ended(self, call_sid: str, at: datetime, duration_s: int | None,
                   status: str) -> bool:
        """Close the call's record with Twilio's final status and duration."""
        return self._set_call(call_sid, ended_at=at, duration_s=duration_s, status=status)

    def call_event(self, call_sid: str, at: datetime, kind: str, node: str | None = None,
                   detail: Mapping[str, Any] | None = None, key: str | None = None) -> bool:
        """Log an event; with ``key`` (Twilio's idempotency token) a retry is logged once."""
        text = None if detail is None else json.dumps(self.privacy.scrubbed(detail),
                                                      ensure_ascii=False, default=str)
        return self._insert_new(insert(call_events).values(
            call_sid=call_sid, at=at, kind=kind, node=node, detail=text, key=key)) is not None

    def call(self, call_sid: str) -> CallRecord | None:
        """Return one call's record."""
        with self._read() as connection:
            row = connection.execute(select(calls).where(calls.c.call_sid == call_sid)).first()
        return None if row is None else _call_record(row)

    def recent_calls(self, limit: int = 50) -> list[CallRecord]:
        """Return the latest calls, newest first."""
        query = select(calls).order_by(calls.c.started_at.desc(), calls.c.call_sid).limit(limit)
        with self._read() as connection:
            return [_call_record(row) for row in connection.execute(query)]

    def call_events(self, call_sid: str) -> list[CallEvent]:
        """Return a call's events in the order they were logged."""
        query = select(call_events).where(call_events.c.call_sid == call_sid).order_by(
            call_events.c.id)
        with self._read() as connection:
            return [_call_event(row) for row in connection.execute(query)]

    def save_voicemail(self, call_sid: str, caller: str | None, recording_url: str,
                       duration_s: int | None, language: str | None, node: str | None,
                       created_at: datetime) -> int:
        """Keep a voicemail's metadata once per recording; return its id."""
        added = self._insert_new(insert(voicemails).values(
            call_sid=call_sid, caller=self.privacy.stored(caller), recording_url=recording_url,
            duration_s=duration_s, language=language, node=node, created_at=created_at,
            status=VoicemailStatus.NEW.value))
        if added is None:
            added = self._scalar(select(voicemails.c.id).where(
                voicemails.c.recording_url == recording_url))
        return int(added)

    def voicemails(self, status: VoicemailStatus | str | None = None) -> list[Voicemail]:
        """Return voicemails, oldest first, optionally only those with one status."""
        query = select(voicemails).order_by(voicemails.c.created_at, voicemails.c.id)
        if status is not None:
            query = query.where(voicemails.c.status == VoicemailStatus(status).value)
        with self._read() as connection:
            return [_voicemail(row) for row in connection.execute(query)]

    def mark_voicemail(self, voicemail_id: int, status: VoicemailStatus | str) -> bool:
        """Mark a voicemail heard (or new again)."""
        return bool(self._changed(update(voicemails).where(
            voicemails.c.id == voicemail_id).values(status=VoicemailStatus(status).value)))

    def _set_call(self, call_sid: str, **values: Any) -> bool:
        """Update one call's record; tell whether the call is known."""
        return bool(self._changed(update(calls).where(calls.c.call_sid == call_sid).values(
            **values)))


def _call_record(row: AnyRow) -> CallRecord:
    """Build a call's record from its row."""
    values = dict(row._mapping)
    path = values.pop("path")
    return CallRecord(**values, path=tuple(path.split(PATH_SEPARATOR)) if path else ())


def _call_event(row: AnyRow) -> CallEvent:
    """Build an event from its row."""
    values = dict(row._mapping)
    values.pop("key")
    detail = values.pop("detail")
    return CallEvent(**values, detail=None if detail is None else json.loads(detail))


def _voicemail(row: AnyRow) -> Voicemail:
    """Build a voicemail from its row."""
    values = dict(row._mapping)
    return Voicemail(**{**values, "status": VoicemailStatus(values["status"])})
