"""publication: private events renamed so that none shares its name with a public contract event.

Stored private events keep their data; only their stable type name changes, so a database
written before the rename still folds into the same aggregates.

Revision ID: publication_0004
"""

from alembic import op

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


def _rename(pairs: dict[str, str]) -> None:
    for old, new in pairs.items():
        before, after = f"publication.{old}.v1", f"publication.{new}.v1"
        op.execute(
            "UPDATE event_store SET event_type = '{after}', envelope = jsonb_set(envelope, '{{type}}', '\"{after}\"') "
            "WHERE event_type = '{before}'".format(before=before, after=after)
        )


def upgrade() -> None:
    _rename(RENAMED)


def downgrade() -> None:
    _rename({new: old for old, new in RENAMED.items()})
