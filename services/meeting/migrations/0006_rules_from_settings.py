"""meeting: a meeting's quorum and adoption come from the community's settings (council's 议事设置,
kept in the kit's registry replica), so meeting's own per-community rules table goes: one
source of truth. A community that had set its rules here sets them again as council settings.

Revision ID: meeting_0006
"""

from alembic import op

revision = "meeting_0006"
down_revision = "meeting_0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.execute("DROP TABLE meeting_rules")


def downgrade() -> None:
    op.execute(
        """
        CREATE TABLE meeting_rules (
            community_id                  text        PRIMARY KEY,
            quorum                        text        NOT NULL,
            adoption                      text        NOT NULL,
            abstentions_count_as_present  boolean     NOT NULL,
            updated_by                    text        NOT NULL,
            updated_at                    timestamptz NOT NULL
        )
        """
    )
