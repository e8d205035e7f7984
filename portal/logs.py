"""Logging set-up: one line per event, and no secrets from third-party loggers."""

from __future__ import annotations

import logging

# httpx logs full request URLs at INFO (WeCom puts access_token in the query string), and
# `databases` logs query arguments at DEBUG (tokens, codes): keep both above those levels.
QUIET_LOGGERS = {
    "httpx": logging.WARNING,
    "httpcore": logging.WARNING,
    "databases": logging.INFO,
    "aiosqlite": logging.INFO,
}


def configure_logging(level: str = "INFO") -> None:
    logging.basicConfig(
        level=level,
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
        force=True,
    )
    for name, floor in QUIET_LOGGERS.items():
        logging.getLogger(name).setLevel(max(floor, logging.getLevelName(level)))
    # The portal writes its own request line without query strings; uvicorn's would leak codes.
    logging.getLogger("uvicorn.access").disabled = True
