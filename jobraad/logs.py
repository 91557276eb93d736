"""The program's log, and what the user is told when something unexpected fails.

One rotating file in the user's log folder (`JOBRAAD_LOG_DIR` points it elsewhere, for
tests), private to the user: folder 0700, file 0600. It holds the technical detail of
an unexpected error (the traceback) that the user is spared; the user gets a calm Danish
message that says where the file is. Used by the command line and the desktop program
alike; no Qt here.

No personal data in the log: the engines hide SQL parameters (`db.session.make_engine`),
and every record passes `scrub()` as a second line of defence, which masks anything
shaped like a CPR number and drops a `[parameters: ...]` part of an SQLAlchemy error.
"""

from __future__ import annotations

import logging
import os
import re
import sys
from logging.handlers import RotatingFileHandler
from pathlib import Path

from platformdirs import user_log_path

from jobraad.paths import APP_NAME

LOG_DIR_ENV = "JOBRAAD_LOG_DIR"
LOG_FILENAME = "jobraad.log"
MAX_BYTES = 256 * 1024
BACKUP_COUNT = 4

UNEXPECTED = "Der opstod en uventet fejl. Intet er ændret."

# Six digits, maybe a separator (hyphens of all kinds, a space, a dot, a slash), four
# digits, and any digits that follow: 0101901234, 010190-1234, 010190 1234, and every
# run of ten or more digits, in any text (a CPR number glued to other digits included).
_CPR_SHAPED = re.compile(r"(?<!\d)\d{6}\s?[-\u2010-\u2015\u2212./]?\s?\d{4}\d*")
CPR_MASK = "<CPR>"
# SQLAlchemy prints a statement's parameters on one line of its own.
_SQL_PARAMETERS = re.compile(r"\[parameters: [^\n]*")
SQL_PARAMETERS_MASK = "[parameters: skjult]"

#: A record with this attribute set goes to the file only (the user got a message of ours).
_FILE_ONLY = "jobraad_file_only"
#: The program's own loggers write INFO and up; libraries only their warnings.
_OWN_LOGGERS = ("db", "jobraad", "ui")

_FORMAT = "%(asctime)s %(levelname)s %(name)s [%(process)d %(threadName)s]: %(message)s"

log = logging.getLogger(__name__)


def scrub(text: str) -> str:
    """`text` without CPR-shaped numbers and without SQL parameters."""
    return _CPR_SHAPED.sub(CPR_MASK, _SQL_PARAMETERS.sub(SQL_PARAMETERS_MASK, text))


class NoPersonalData(logging.Filter):
    """Scrubs a record's message, traceback and stack before any handler formats it."""

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except Exception:  # arguments that do not fit the message: keep what there is
            message = f"{record.msg} {record.args}"
        record.msg = scrub(message)
        record.args = None
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = scrub(record.exc_text)
        if record.stack_info:
            record.stack_info = scrub(record.stack_info)
        return True


class _PrivateRotatingFile(RotatingFileHandler):
    """Opens its file only when there is something to write (so `--help` creates nothing),
    in a folder made 0700 and as a file made 0600 (also each new file after a rotation).
    A log that cannot be written is given up quietly: it must not disturb the user."""

    def __init__(self, path: Path) -> None:
        super().__init__(path, maxBytes=MAX_BYTES, backupCount=BACKUP_COUNT, encoding="utf-8", delay=True)
        self.path = path
        self.failed = False

    def emit(self, record: logging.LogRecord) -> None:
        if self.stream is None:  # the first record
            try:
                _make_private_file(self.path)
            except OSError:
                self.failed = True
                return
        super().emit(record)

    def doRollover(self) -> None:
        super().doRollover()
        _make_private_file(self.path)  # before the handler opens the new file itself

    def handleError(self, record: logging.LogRecord) -> None:
        self.failed = True


def _make_private_file(path: Path) -> None:
    if not path.parent.exists():
        path.parent.mkdir(mode=0o700, parents=True)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
    os.close(fd)
    os.chmod(path, 0o600)  # also a file left by an older version


class _Terminal(logging.StreamHandler):  # type: ignore[type-arg]
    """Warnings on the terminal as one line each: the message, never a traceback (that
    goes to the file). Writes to whatever `sys.stderr` is at the time."""

    def __init__(self) -> None:
        super().__init__()
        self.setLevel(logging.WARNING)
        self.setFormatter(_MessageOnly("%(levelname)s %(name)s: %(message)s"))

    def emit(self, record: logging.LogRecord) -> None:
        if sys.stderr is None or getattr(record, _FILE_ONLY, False):  # no console; the user has been told
            return
        self.stream = sys.stderr
        super().emit(record)


class _MessageOnly(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        record.message = record.getMessage()
        return self.formatMessage(record)


_handlers: list[logging.Handler] = []


def log_file() -> Path:
    """Where the log is written: the user's log folder, or `JOBRAAD_LOG_DIR`."""
    folder = os.environ.get(LOG_DIR_ENV)
    return (Path(folder) if folder else user_log_path(APP_NAME, appauthor=False)) / LOG_FILENAME


def _file_handler() -> _PrivateRotatingFile | None:
    return next((h for h in _handlers if isinstance(h, _PrivateRotatingFile)), None)


def setup_logging(*, terminal: bool | None = True) -> Path:
    """Send log records to the log file (the program's own from INFO, libraries' from
    WARNING) and, with `terminal`, warnings to stderr without their tracebacks (`None`:
    as set before, else not). Calling it again changes nothing unless the log file's
    place changed. Returns the log file."""
    path = log_file()
    current = _file_handler()
    has_terminal = any(isinstance(h, _Terminal) for h in _handlers)
    if terminal is None:
        terminal = has_terminal
    if current is not None and current.path == path and has_terminal == terminal:
        return path
    stop_logging()
    root = logging.getLogger()
    no_personal_data = NoPersonalData()
    handlers: list[logging.Handler] = [_PrivateRotatingFile(path)]
    handlers[0].setFormatter(logging.Formatter(_FORMAT))
    if terminal:
        handlers.append(_Terminal())
    for handler in handlers:
        handler.addFilter(no_personal_data)  # a handler's filter sees every record it gets
        root.addHandler(handler)
        _handlers.append(handler)
    root.setLevel(logging.WARNING)
    for name in _OWN_LOGGERS:
        logging.getLogger(name).setLevel(logging.INFO)
    return path


def stop_logging() -> None:
    """Remove (and close) what `setup_logging` added."""
    root = logging.getLogger()
    while _handlers:
        handler = _handlers.pop()
        root.removeHandler(handler)
        handler.close()


def report_unexpected(error: BaseException) -> str:
    """Write `error` with its traceback to the log file; return what to tell the user (in
    Danish: that nothing was changed and where the detail is). Never raises."""
    try:
        setup_logging(terminal=None)  # the log file's place may have changed (tests)
        handler = _file_handler()
        assert handler is not None
        handler.failed = False
        log.error(
            "Uventet fejl: %s",
            type(error).__name__,
            exc_info=(type(error), error, error.__traceback__),
            extra={_FILE_ONLY: True},
        )
        return unexpected_message(None if handler.failed else handler.path)
    except Exception:
        return unexpected_message(None)


def unexpected_message(log_path: Path | None) -> str:
    """The message for an unexpected error, with the log file if it was written."""
    if log_path is None:
        return f"{UNEXPECTED}\nDetaljerne kunne ikke gemmes. Kontakt jeres it-support, hvis fejlen kommer igen."
    return f"{UNEXPECTED}\nDetaljerne står i logfilen {log_path}. Send den gerne til jeres it-support."
