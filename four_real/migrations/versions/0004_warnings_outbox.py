"""Warnings with their audit trail, and the notification outbox (issue 4).

Written by hand in the style of 0001:
- ``warning``: one per project, month and rule group, unique on the three; ``sector`` and ``township`` are
  indexed (with ``(sector, status)`` for "my sector's open warnings"), as are status and deadline;
- ``warning_event``: the append-only audit trail. Triggers refuse UPDATE and DELETE on both backends, so
  the trail cannot be edited by the application or by a stray SQL statement (DROP TABLE still works);
- ``webhook``: the subscribers of signed webhooks; ``outbox``: one row per notification and subscriber,
  unique on (event_key, webhook_id), with its delivery state and an index on what is due;
- money (``warning.amount``) is BIGINT fen, timestamps ``TIMESTAMP WITH TIME ZONE``; foreign keys named.

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-25
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlmodel.sql.sqltypes import AutoString

revision: str = "0004"
down_revision: str | Sequence[str] | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

APPEND_ONLY = "warning_event is append-only"


def upgrade() -> None:
    op.create_table(
        "warning",
        sa.Column("project_code", AutoString(length=64), nullable=False),
        sa.Column("month", AutoString(length=7), nullable=False),
        sa.Column("rule_group", AutoString(length=16), nullable=False),
        sa.Column("sector", AutoString(length=16), nullable=True),
        sa.Column("township", AutoString(length=64), nullable=True),
        sa.Column("severity", AutoString(length=8), nullable=False),
        sa.Column("status", AutoString(length=12), nullable=False),
        sa.Column("rules", AutoString(length=500), nullable=False),
        sa.Column("findings", sa.Integer(), nullable=False),
        sa.Column("amount", sa.BigInteger(), nullable=False),
        sa.Column("opened_on", sa.Date(), nullable=False),
        sa.Column("deadline", sa.Date(), nullable=False),
        sa.Column("urge_count", sa.Integer(), nullable=False),
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("cycle", sa.Integer(), nullable=False),
        sa.Column("overdue_at", sa.Date(), nullable=True),
        sa.Column("first_run_id", sa.Integer(), nullable=False),
        sa.Column("last_run_id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("last_urged_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(["first_run_id"], ["reconciliation_run.id"],
                                name="fk_warning_first_run_id_reconciliation_run"),
        sa.ForeignKeyConstraint(["last_run_id"], ["reconciliation_run.id"],
                                name="fk_warning_last_run_id_reconciliation_run"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("project_code", "month", "rule_group", name="uq_warning_project_code_month_rule_group"),
    )
    op.create_index("ix_warning_project_code", "warning", ["project_code"])
    op.create_index("ix_warning_month", "warning", ["month"])
    op.create_index("ix_warning_sector", "warning", ["sector"])
    op.create_index("ix_warning_township", "warning", ["township"])
    op.create_index("ix_warning_severity", "warning", ["severity"])
    op.create_index("ix_warning_status", "warning", ["status"])
    op.create_index("ix_warning_deadline", "warning", ["deadline"])
    op.create_index("ix_warning_sector_status", "warning", ["sector", "status"])

    op.create_table(
        "warning_event",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("warning_id", sa.Integer(), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("actor", AutoString(length=100), nullable=False),
        sa.Column("action", AutoString(length=16), nullable=False),
        sa.Column("from_status", AutoString(length=12), nullable=True),
        sa.Column("to_status", AutoString(length=12), nullable=True),
        sa.Column("note", AutoString(length=2000), nullable=True),
        sa.Column("run_id", sa.Integer(), nullable=True),
        sa.Column("details", sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(["warning_id"], ["warning.id"], name="fk_warning_event_warning_id_warning"),
        sa.ForeignKeyConstraint(["run_id"], ["reconciliation_run.id"],
                                name="fk_warning_event_run_id_reconciliation_run"),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_warning_event_warning_id", "warning_event", ["warning_id"])

    op.create_table(
        "webhook",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", AutoString(length=100), nullable=False),
        sa.Column("url", AutoString(length=500), nullable=False),
        sa.Column("secret", AutoString(length=200), nullable=False),
        sa.Column("sector", AutoString(length=16), nullable=True),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )

    op.create_table(
        "outbox",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("event_key", AutoString(length=120), nullable=False),
        sa.Column("kind", AutoString(length=32), nullable=False),
        sa.Column("webhook_id", sa.Integer(), nullable=False),
        sa.Column("warning_id", sa.Integer(), nullable=True),
        sa.Column("payload", sa.JSON(), nullable=False),
        sa.Column("status", AutoString(length=10), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("next_attempt_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("claim", AutoString(length=32), nullable=True),
        sa.Column("last_error", AutoString(length=500), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("delivered_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(["webhook_id"], ["webhook.id"], name="fk_outbox_webhook_id_webhook"),
        sa.ForeignKeyConstraint(["warning_id"], ["warning.id"], name="fk_outbox_warning_id_warning"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("event_key", "webhook_id", name="uq_outbox_event_key_webhook_id"),
    )
    op.create_index("ix_outbox_webhook_id", "outbox", ["webhook_id"])
    op.create_index("ix_outbox_warning_id", "outbox", ["warning_id"])
    op.create_index("ix_outbox_status_next_attempt_at", "outbox", ["status", "next_attempt_at"])

    if op.get_context().dialect.name == "postgresql":
        op.execute(
            "CREATE FUNCTION warning_event_append_only() RETURNS trigger LANGUAGE plpgsql AS $$ "
            f"BEGIN RAISE EXCEPTION '{APPEND_ONLY}'; END $$"
        )
        op.execute(
            "CREATE TRIGGER warning_event_append_only BEFORE UPDATE OR DELETE ON warning_event "
            "FOR EACH ROW EXECUTE FUNCTION warning_event_append_only()"
        )
    else:
        for verb in ("UPDATE", "DELETE"):
            op.execute(
                f"CREATE TRIGGER warning_event_no_{verb.lower()} BEFORE {verb} ON warning_event "
                f"BEGIN SELECT RAISE(ABORT, '{APPEND_ONLY}'); END"
            )


def downgrade() -> None:
    if op.get_context().dialect.name == "postgresql":
        op.execute("DROP TRIGGER IF EXISTS warning_event_append_only ON warning_event")
        op.execute("DROP FUNCTION IF EXISTS warning_event_append_only()")
    else:
        op.execute("DROP TRIGGER IF EXISTS warning_event_no_update")
        op.execute("DROP TRIGGER IF EXISTS warning_event_no_delete")
    op.drop_index("ix_outbox_status_next_attempt_at", table_name="outbox")
    op.drop_index("ix_outbox_warning_id", table_name="outbox")
    op.drop_index("ix_outbox_webhook_id", table_name="outbox")
    op.drop_table("outbox")
    op.drop_table("webhook")
    op.drop_index("ix_warning_event_warning_id", table_name="warning_event")
    op.drop_table("warning_event")
    for name in ("sector_status", "deadline", "status", "severity", "township", "sector", "month", "project_code"):
        op.drop_index(f"ix_warning_{name}", table_name="warning")
    op.drop_table("warning")
