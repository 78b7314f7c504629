"""publication: private events renamed so that none shares its name with a public contract event.

Stored private events keep their data; only their stable type name changes, so a database
written before the rename still folds into the same aggregates.

Revision ID: publication_0004
"""

from alembic import op

from services.kit.schema import rename_private_events_sql

revision = "publication_0004"
down_revision = "publication_0003"
branch_labels = None
depends_on = None

RENAMED = {
    "DisclosureStarted": "ResolutionPublished",
    "ImplementationStarted": "TasksAssigned",
    "ImplementationCompleted": "RoundCompleted",
    "SatisfactionRated": "ResidentRated",
    "ImplementationReopened": "RoundReopened",
    "MatterEscalated": "EscalationFiled",
}


def upgrade() -> None:
    for statement in rename_private_events_sql("publication", RENAMED):
        op.execute(statement)


def downgrade() -> None:
    for statement in rename_private_events_sql("publication", {new: old for old, new in RENAMED.items()}):
        op.execute(statement)
