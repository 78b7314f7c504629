"""kit: the tables every service's database has (event store, outbox, processed events and
reactions). One branch, labelled ``kit``, that each service's first migration depends on.

Revision ID: kit_0001
"""

from alembic import op

from services.kit.schema import DROP_KIT_TABLES_SQL, KIT_TABLES_SQL

revision = "kit_0001"
down_revision = None
branch_labels = ("kit",)
depends_on = None


def upgrade() -> None:
    op.execute(KIT_TABLES_SQL)


def downgrade() -> None:
    op.execute(DROP_KIT_TABLES_SQL)
