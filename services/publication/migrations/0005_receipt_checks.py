"""publication: the receipt checks of submitted topics, to prove a rating by receipt code.

Kept from TopicSubmitted's ``receipt_check`` (contracts 1.3.0); topics submitted before have
none. Rebuilt from the intake topic with the board.

Revision ID: publication_0005
"""

from alembic import op

revision = "publication_0005"
down_revision = "publication_0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.execute(
        """
        CREATE TABLE receipt_checks (
            topic_id      uuid PRIMARY KEY,
            receipt_check text NOT NULL
        );
        CREATE INDEX board_merged_into ON board (merged_into) WHERE merged_into IS NOT NULL;
        """
    )


def downgrade() -> None:
    op.execute("DROP INDEX board_merged_into; DROP TABLE receipt_checks;")
