"""Migrations with Alembic: the kit's own branch plus one versions folder per service.

The kit's tables (event store, outbox, processed events and reactions) are the ``kit``
branch in ``kit/migrations/versions``; a service's first migration ``depends_on`` it, so
``upgrade`` to ``heads`` creates them first. The caller says where the service's versions
are; the kit names no service. Run as a separate step before starting replicas.
"""

from pathlib import Path

from alembic import command
from alembic.config import Config

KIT_MIGRATIONS = Path(__file__).resolve().parent / "migrations"


def alembic_config(versions: str | Path, database_url: str) -> Config:
    versions = Path(versions)
    if not versions.is_dir():
        raise ValueError(f"no migrations folder at {versions}")
    cfg = Config()
    cfg.set_main_option("script_location", str(KIT_MIGRATIONS))
    cfg.set_main_option("path_separator", "os")
    cfg.set_main_option("version_locations", f"{KIT_MIGRATIONS / 'versions'}:{versions}")
    url = database_url.replace("postgresql+asyncpg://", "postgresql://", 1)
    cfg.set_main_option("sqlalchemy.url", url.replace("postgresql://", "postgresql+psycopg://", 1))
    return cfg


def upgrade(versions: str | Path, database_url: str, revision: str = "heads") -> None:
    command.upgrade(alembic_config(versions, database_url), revision)


def downgrade(versions: str | Path, database_url: str, revision: str) -> None:
    command.downgrade(alembic_config(versions, database_url), revision)
