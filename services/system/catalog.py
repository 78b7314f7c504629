"""The services that make up Yishi, and how to reach each one's composition root."""

import importlib
from pathlib import Path
from types import ModuleType

SERVICES = ("intake", "council", "meeting", "publication")
DEFAULT_PORTS = {"intake": 8001, "council": 8002, "meeting": 8003, "publication": 8004}
"""Where each listens when neither ``--port`` nor ``YISHI_<SERVICE>_HTTP_PORT`` says otherwise."""


def app_module(service: str) -> ModuleType:
    """``services.<service>.app``: its ``build_runtime(settings)`` and ``create_app()``."""
    if service not in SERVICES:
        raise ValueError(f"unknown service {service!r}; choose one of {', '.join(SERVICES)}")
    return importlib.import_module(f"services.{service}.app")


def migrations_of(service: str) -> Path:
    """The Alembic versions folder of a service (a path inside its package)."""
    module = app_module(service)
    assert module.__file__ is not None
    return Path(module.__file__).resolve().parent / "migrations"
