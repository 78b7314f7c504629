"""Migrate a service's database by name: the kit's branch and the service's own chain."""

from services.kit import migrate as kit_migrate

from .catalog import migrations_of


def upgrade(service: str, database_url: str, revision: str = "heads") -> None:
    kit_migrate.upgrade(migrations_of(service), database_url, revision)


def downgrade(service: str, database_url: str, revision: str) -> None:
    kit_migrate.downgrade(migrations_of(service), database_url, revision)
