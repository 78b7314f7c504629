"""intake: a submission's row keeps its title, so its receipt reads whole before the receipt view
has the topic.

Intake's own TopicSubmitted reaches the receipt view (topic_progress) through its consumer, a
moment after the submission committed, many in one statement; until then a receipt code shows
the row's title and the submitted step. Rows kept before this have their title in the view.

Revision ID: intake_0004
"""

from alembic import op

revision = "intake_0004"
down_revision = "intake_0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.execute("ALTER TABLE submissions ADD COLUMN title text")


def downgrade() -> None:
    op.execute("ALTER TABLE submissions DROP COLUMN title")
