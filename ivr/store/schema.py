"""The tables: version 1 as migration 1 created it, and the current shape the code uses.

``tables_v1`` is history: migration 1 runs exactly it, so never edit it. A later change is
a new step appended in ``ivr.store.migrations`` *and* the same change applied to
``metadata`` at the bottom of this module (``append_column``, a new ``Table``); the tests
compare ``metadata`` with a database migrated from empty, so the two cannot drift apart.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import (
    Boolean,
    Column,
    DateTime,
    Dialect,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    TypeDecorator,
    UniqueConstraint,
    text,
    true,
)

NAMING = {  # deterministic constraint names, so later migrations can refer to them
    "ix": "ix_%(table_name)s_%(column_0_N_name)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}
SID = 64  # Twilio sids are 34 characters; claim holders such as "stt-CA…" a few more
NUMBER = 80  # E.164, a masked number, or a 64-digit HMAC
LANGUAGE = 16
STT_LANGUAGE = 48  # an interpreting language's id, such as "pidgin_english_nigeria"
STATE = 16
OUTCOME = 200
ZERO = text("0")


class UtcDateTime(TypeDecorator[datetime]):
    """An aware datetime stored as UTC; read back aware even from SQLite, which has no zones."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        """Refuse naive times and convert aware ones to UTC."""
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError(f"naive datetime {value.isoformat()}: the store needs aware times")
        return value.astimezone(UTC)

    def process_result_value(self, value: Any, dialect: Dialect) -> datetime | None:
        """Return an aware UTC datetime."""
        if value is None:
            return None
        assert isinstance(value, datetime)
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def sessions_v2(table: Table) -> None:
    """Add migration 2's columns: whom a booking calls back, and in which language."""
    for column in sessions_v2_columns():
        table.append_column(column)


def sessions_v2_columns() -> list[Column[Any]]:
    """Return migration 2's new columns of ``sessions``."""
    return [Column("entity_number", String(NUMBER)),
            Column("entity_language", String(LANGUAGE))]


def sign_ins_v3(metadata: MetaData) -> Table:
    """Declare migration 3's table: sign-in attempts of the web console, by hashed key."""
    return Table("sign_in_attempts", metadata,
                 Column("id", Integer, primary_key=True),
                 Column("key", String(64), nullable=False),  # a SHA-256 in hex
                 Column("at", UtcDateTime, nullable=False),
                 Index(None, "key", "at"))


def stt_languages_v4(metadata: MetaData) -> None:
    """Declare migration 4: columns naming an interpreting language take its whole id."""
    for table, column in STT_LANGUAGE_COLUMNS:
        metadata.tables[table].c[column].type = String(STT_LANGUAGE)


STT_LANGUAGE_COLUMNS = (("agent_languages", "language"), ("sessions", "language"))


def version_table(metadata: MetaData) -> Table:
    """Declare the migrations' own bookkeeping: one row per applied step."""
    return Table("schema_version", metadata,
                 Column("version", Integer, primary_key=True, autoincrement=False),
                 Column("applied_at", UtcDateTime, nullable=False),
                 Column("summary", String(OUTCOME), nullable=False))


def tables_v1(metadata: MetaData) -> None:
    """Declare every table of schema version 1 in ``metadata``."""
    _calls_v1(metadata)
    _agents_v1(metadata)
    _callbacks_v1(metadata)
    _sessions_v1(metadata)


def _calls_v1(metadata: MetaData) -> None:
    """Declare call detail records, their events and voicemails."""
    Table("calls", metadata,
          Column("call_sid", String(SID), primary_key=True),
          Column("line", String(NUMBER)),
          Column("caller", String(NUMBER)),
          Column("caller_region", String(8)),
          Column("language", String(LANGUAGE)),
          Column("path", Text),
          Column("outcome", String(OUTCOME)),
          Column("status", String(32)),
          Column("started_at", UtcDateTime, index=True),
          Column("answered_at", UtcDateTime),
          Column("ended_at", UtcDateTime),
          Column("duration_s", Integer))
    Table("call_events", metadata,
          Column("id", Integer, primary_key=True),
          Column("call_sid", String(SID), nullable=False, index=True),
          Column("at", UtcDateTime, nullable=False, index=True),
          Column("kind", String(64), nullable=False),
          Column("node", String(120)),
          Column("detail", Text),
          Column("key", String(SID)),  # Twilio's idempotency token: a retried webhook
          UniqueConstraint("call_sid", "key"))
    Table("voicemails", metadata,
          Column("id", Integer, primary_key=True),
          Column("call_sid", String(SID), nullable=False),
          Column("caller", String(NUMBER)),
          Column("recording_url", String(500), nullable=False, unique=True),
          Column("duration_s", Integer),
          Column("language", String(LANGUAGE)),
          Column("node", String(120)),
          Column("created_at", UtcDateTime, nullable=False, index=True),
          Column("status", String(STATE), nullable=False))


def _agents_v1(metadata: MetaData) -> None:
    """Declare the roster's agents, their languages and their claims."""
    Table("agents", metadata,
          Column("agent_id", String(SID), primary_key=True),
          Column("kind", String(STATE), nullable=False),
          Column("name", String(200), nullable=False),
          Column("phone", String(32), nullable=False),
          Column("gender", String(1)),
          Column("credential", Integer, nullable=False, server_default=ZERO),
          Column("active", Boolean, nullable=False, server_default=true()),
          Column("claimed_by", String(SID), index=True),
          Column("claimed_at", UtcDateTime),
          Column("claim_expires_at", UtcDateTime),
          Column("last_released_at", UtcDateTime),
          Column("calls_taken", Integer, nullable=False, server_default=ZERO),
          Index(None, "kind", "active"))
    Table("agent_languages", metadata,
          Column("agent_id", String(SID), ForeignKey("agents.agent_id"), primary_key=True),
          Column("language", String(LANGUAGE), primary_key=True, index=True))


def _callbacks_v1(metadata: MetaData) -> None:
    """Declare callback requests and their leases."""
    Table("callbacks", metadata,
          Column("id", Integer, primary_key=True),
          Column("number", String(NUMBER), nullable=False),
          Column("language", String(LANGUAGE)),
          Column("source", String(32), nullable=False),
          Column("call_sid", String(SID)),
          Column("requested_at", UtcDateTime, nullable=False),
          Column("due_at", UtcDateTime, nullable=False),
          Column("status", String(STATE), nullable=False),
          Column("attempts", Integer, nullable=False, server_default=ZERO),
          Column("max_attempts", Integer, nullable=False, server_default=text("3")),
          Column("claimed_by", String(SID)),
          Column("lease_until", UtcDateTime),
          Column("last_attempt_at", UtcDateTime),
          Column("outcome", String(OUTCOME)),
          Column("note", Text),
          Column("finished_at", UtcDateTime),
          UniqueConstraint("call_sid", "source"),
          Index(None, "status", "due_at"))


def _sessions_v1(metadata: MetaData) -> None:
    """Declare interpreting sessions (job numbers, bookings) and their legs."""
    Table("sessions", metadata,
          Column("job", String(12), primary_key=True),
          Column("entity_call_sid", String(SID), index=True),
          Column("entity_account", String(SID)),
          Column("language", String(LANGUAGE), nullable=False),
          Column("gender_wanted", String(1)),
          Column("migrant_number", String(NUMBER)),
          Column("conference", String(100), unique=True),
          Column("interpreter_id", String(SID)),
          Column("status", String(STATE), nullable=False),
          Column("outcome", String(OUTCOME)),
          Column("created_at", UtcDateTime, nullable=False, index=True),
          Column("started_at", UtcDateTime),
          Column("ended_at", UtcDateTime),
          Column("booked_for", UtcDateTime),
          Column("claimed_by", String(SID)),
          Column("lease_until", UtcDateTime),
          Column("attempts", Integer, nullable=False, server_default=ZERO),
          Index(None, "status", "booked_for"))
    Table("session_legs", metadata,
          Column("call_sid", String(SID), primary_key=True),
          Column("job", String(12), ForeignKey("sessions.job"), nullable=False, index=True),
          Column("role", String(STATE), nullable=False),
          Column("number", String(NUMBER)),
          Column("status", String(32)),
          Column("started_at", UtcDateTime),
          Column("ended_at", UtcDateTime),
          Column("outcome", String(OUTCOME)),
          Column("attempt", Integer, nullable=False, server_default=text("1")))


metadata = MetaData(naming_convention=NAMING)
schema_version = version_table(metadata)
tables_v1(metadata)
# Migrations after 1 apply their change to `metadata` here, in order.
sessions_v2(metadata.tables["sessions"])
sign_ins_v3(metadata)
stt_languages_v4(metadata)

calls = metadata.tables["calls"]
call_events = metadata.tables["call_events"]
voicemails = metadata.tables["voicemails"]
agents = metadata.tables["agents"]
agent_languages = metadata.tables["agent_languages"]
callbacks = metadata.tables["callbacks"]
sessions = metadata.tables["sessions"]
session_legs = metadata.tables["session_legs"]
sign_in_attempts = metadata.tables["sign_in_attempts"]
