"""The store's errors, and the one place where database errors become them.

    IvrError
     └── StoreError            the database refused or failed an operation
          ├── StoreUnavailable the database cannot be reached (down, locked, gone)
          └── SchemaOutdated   the database's schema is not the one this ivr needs

No SQLAlchemy or driver exception leaves ``ivr.store``: ``translated`` turns each into one
readable sentence that names the database (never its password) and what went wrong.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import exc

from ivr.errors import IvrError


class StoreError(IvrError):
    """The database refused or failed an operation."""


class StoreUnavailable(StoreError):
    """The database cannot be reached: down, unreachable, locked or gone."""


class SchemaOutdated(StoreError):
    """The database's schema is older or newer than this version of ivr."""


@contextmanager
def translated(where: str) -> Iterator[None]:
    """Turn any database error raised inside the block into a StoreError about ``where``."""
    try:
        yield
    except exc.DBAPIError as error:
        raise _from_dbapi(error, where) from error
    except exc.TimeoutError as error:
        raise StoreUnavailable(f"{where} is unavailable: no free connection in time") from error
    except exc.SQLAlchemyError as error:
        raise StoreError(f"{where} failed: {first_line(str(error))}") from error
    except OSError as error:
        raise StoreUnavailable(f"{where} is unavailable: {error.strerror or error}") from error


def _from_dbapi(error: exc.DBAPIError, where: str) -> StoreError:
    """Choose the error class and sentence for a driver's error."""
    reason = first_line(str(error.orig)) or type(error.orig).__name__
    if _is_outage(error):
        return StoreUnavailable(f"{where} is unavailable: {reason}")
    return StoreError(f"{where} failed: {reason}")


def _is_outage(error: exc.DBAPIError) -> bool:
    """Tell whether an error means the database cannot be used at all right now."""
    return error.connection_invalidated or isinstance(
        error, exc.OperationalError | exc.InterfaceError)


def first_line(text: str) -> str:
    """Return the first non-empty line of a message, trimmed."""
    for line in text.splitlines():
        if line.strip():
            return line.strip().rstrip(".")
    return ""
