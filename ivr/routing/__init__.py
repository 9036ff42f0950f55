"""Routing: which language, which interpreter or operator, which entity.

    languages   the STT language directory: codes, names, speech matching, counts
    speech      words heard -> how well they name a language (accents, case, fillers ignored)
    shifts      who is on shift at an instant (Lisbon wall time, national holidays off)
    entities    access codes hashed and verified; the entity behind an account number
    allocation  who to claim, through the store's atomic claims
    command     ``ivr languages`` and ``ivr entities hash``

Rules of this package:
- no flask, no twilio, no clock, no environment, no files: rosters come from
  ``ivr.menu.roster``, instants are aware datetimes passed in, and the only I/O is through
  a store handed in (allocation);
- results are frozen dataclasses, tuples or plain lists, never shared mutable state;
- people are claimed only by the store's conditional UPDATE, so two workers never give one
  interpreter two calls: the rest of this package only says who may be asked;
- ``command`` is the only module that prints.
"""

from __future__ import annotations
