"""Routing: which language, which interpreter or operator, which entity.

    languages   the STT language directory: codes, names, speech matching, counts
    speech      words heard -> how well they name a language (accents, case, fillers ignored)
    shifts      who is on shift at an instant (Lisbon wall time, national holidays off)
    entities    access codes hashed and verified; the entity behind an account number
    command     ``ivr languages`` and ``ivr entities hash``

Rules of this package:
- pure: it never imports flask or twilio and never reads the clock, the environment or
  files; rosters come from ``ivr.menu.roster``, instants are aware datetimes passed in;
- results are frozen dataclasses, tuples or plain lists, never shared mutable state;
- nothing here claims anybody: the store's conditional UPDATE does, so two workers never
  give one interpreter two calls (this package only says who may be asked);
- ``command`` is the only module that prints.
"""

from __future__ import annotations
