"""meeting: council rosters, meeting rules, meetings and their outcomes; research rounds.

Revision ID: meeting_0003
"""

from alembic import op

revision = "meeting_0003"
down_revision = "meeting_0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.execute(
        """
        ALTER TABLE agenda_candidates
            ADD COLUMN invitees    jsonb NOT NULL DEFAULT '[]'::jsonb,
            ADD COLUMN reopened_at timestamptz,
            ADD COLUMN decided_at  timestamptz;

        CREATE INDEX agenda_candidates_community ON agenda_candidates (community_id, researched_at);

        CREATE TABLE council_rosters (
            council_id     uuid PRIMARY KEY,
            community_id   text        NOT NULL,
            chair_id       text,
            chair_name     text,
            fixed_members  jsonb       NOT NULL,
            changed_at     timestamptz NOT NULL
        );
        CREATE INDEX council_rosters_community ON council_rosters (community_id, changed_at DESC);

        CREATE TABLE meeting_rules (
            community_id                  text PRIMARY KEY,
            quorum                        text        NOT NULL,
            adoption                      text        NOT NULL,
            abstentions_count_as_present  boolean     NOT NULL,
            updated_by                    text        NOT NULL,
            updated_at                    timestamptz NOT NULL
        );

        CREATE TABLE meetings (
            meeting_id     uuid PRIMARY KEY,
            community_id   text        NOT NULL,
            council_id     uuid        NOT NULL,
            scheduled_for  timestamptz NOT NULL,
            place          text        NOT NULL,
            topic_ids      uuid[]      NOT NULL
        );
        CREATE INDEX meetings_community ON meetings (community_id, scheduled_for);

        CREATE TABLE meeting_outcomes (
            meeting_id     uuid        NOT NULL,
            topic_id       uuid        NOT NULL,
            community_id   text        NOT NULL,
            outcome        text        NOT NULL,
            resolution_id  uuid,
            decided_at     timestamptz NOT NULL,
            PRIMARY KEY (meeting_id, topic_id)
        );
        """
    )


def downgrade() -> None:
    op.execute(
        """
        DROP TABLE meeting_outcomes;
        DROP TABLE meetings;
        DROP TABLE meeting_rules;
        DROP TABLE council_rosters;
        DROP INDEX agenda_candidates_community;
        ALTER TABLE agenda_candidates DROP COLUMN invitees, DROP COLUMN reopened_at, DROP COLUMN decided_at;
        """
    )
