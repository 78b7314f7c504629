"""kit: every service's replica of the city's registry and the settings per division, kept
from council's public events (``services.kit.registry``). Projection tables: a rebuild
empties and refills them.

``registry_divisions``: one row per code; a column stays null until its event arrived (a
rename may be seen before the registration on a rebuild of several topics).
``registry_settings``: one row per CommunitySettingsChanged, the history.

Revision ID: kit_0002
"""

from alembic import op

revision = "kit_0002"
down_revision = "kit_0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.execute(
        """
        CREATE TABLE registry_divisions (
            code          text PRIMARY KEY,
            level         text,
            parent_code   text,
            name          text,
            name_at       timestamptz,
            registered_at timestamptz,
            retired_at    timestamptz
        );
        CREATE TABLE registry_settings (
            event_id           uuid PRIMARY KEY,
            code               text NOT NULL,
            disclosure_days    int,
            quorum             text,
            adoption           text,
            overdue_grace_days int,
            effective_from     timestamptz NOT NULL,
            recorded_at        timestamptz NOT NULL
        );
        CREATE INDEX registry_settings_code ON registry_settings (code, effective_from);
        """
    )


def downgrade() -> None:
    op.execute("DROP TABLE registry_settings; DROP TABLE registry_divisions;")
