"""council: the city's registry (行政区划) and the settings per division, as projection tables.

``divisions``: one row per code, kept from DivisionRegistered / Renamed / Retired.
``division_settings``: one row per CommunitySettingsChanged, the history (what applies
depends on the time asked about). Both are emptied and refilled by a projection rebuild.

Revision ID: council_0005
"""

from alembic import op

revision = "council_0005"
down_revision = "council_0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.execute(
        """
        CREATE TABLE divisions (
            code          text PRIMARY KEY,
            level         text NOT NULL,
            name          text NOT NULL,
            parent_code   text NOT NULL,
            active        boolean NOT NULL DEFAULT true,
            registered_at timestamptz NOT NULL,
            registered_by text NOT NULL,
            renamed_at    timestamptz,
            retired_at    timestamptz,
            retire_reason text
        );
        CREATE INDEX divisions_parent ON divisions (parent_code) WHERE active;
        CREATE INDEX divisions_code_prefix ON divisions (code text_pattern_ops);

        CREATE TABLE division_settings (
            event_id           uuid PRIMARY KEY,
            code               text NOT NULL,
            level              text NOT NULL,
            disclosure_days    int,
            quorum             text,
            adoption           text,
            overdue_grace_days int,
            effective_from     timestamptz NOT NULL,
            changed_by         text NOT NULL,
            recorded_at        timestamptz NOT NULL
        );
        CREATE INDEX division_settings_code ON division_settings (code, effective_from);
        """
    )


def downgrade() -> None:
    op.execute("DROP TABLE division_settings; DROP TABLE divisions;")
