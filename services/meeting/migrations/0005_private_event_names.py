"""meeting: private events renamed so that none shares its name with a public contract event
(MeetingScheduled → MeetingConvened, TopicDeferred → AgendaItemDeferred, TopicDropped →
AgendaItemDropped); a meeting stream written before the rename still folds the same.

Revision ID: meeting_0005
"""

from alembic import op

from services.kit.schema import rename_private_events_sql

revision = "meeting_0005"
down_revision = "meeting_0004"
branch_labels = None
depends_on = None

RENAMED = {"MeetingScheduled": "MeetingConvened", "TopicDeferred": "AgendaItemDeferred", "TopicDropped": "AgendaItemDropped"}


def upgrade() -> None:
    for statement in rename_private_events_sql("meeting", RENAMED):
        op.execute(statement)


def downgrade() -> None:
    for statement in rename_private_events_sql("meeting", {new: old for old, new in RENAMED.items()}):
        op.execute(statement)
