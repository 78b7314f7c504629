"""publication: the board shows a rejection's explanation and its referral (不予协商的说明与转介).

Filled from TopicScreened by the board's projection; a rebuild fills them for earlier topics.

Revision ID: publication_0006
"""

from alembic import op

revision = "publication_0006"
down_revision = "publication_0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.execute(
        "ALTER TABLE board ADD COLUMN exclusion_explanation text, ADD COLUMN referral text, "
        "ADD COLUMN referral_note text"
    )


def downgrade() -> None:
    op.execute("ALTER TABLE board DROP COLUMN exclusion_explanation, DROP COLUMN referral, DROP COLUMN referral_note")
