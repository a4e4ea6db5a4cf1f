"""Complaint leads (线索) and enterprise grades (issue 4).

Written by hand in the style of 0001: money (``lead.amount_claimed``) is BIGINT fen, timestamps are
``TIMESTAMP WITH TIME ZONE``, ``enterprise_grade.inputs``/``reasons`` are JSON, the lead's identity
(``lead_key``) a unique index, and a grade's (enterprise_key, graded_on) a named unique constraint so that
a regrade on the same date replaces the grade.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-25
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlmodel.sql.sqltypes import AutoString

revision: str = "0003"
down_revision: str | Sequence[str] | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "lead",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("lead_key", AutoString(length=64), nullable=False),
        sa.Column("source", AutoString(length=10), nullable=False),
        sa.Column("platform_no", AutoString(length=64), nullable=True),
        sa.Column("received_on", sa.Date(), nullable=False),
        sa.Column("deadline", sa.Date(), nullable=False),
        sa.Column("closed_on", sa.Date(), nullable=True),
        sa.Column("status", AutoString(length=8), nullable=False),
        sa.Column("worker_name", AutoString(length=64), nullable=True),
        sa.Column("worker_id", AutoString(length=18), nullable=True),
        sa.Column("amount_claimed", sa.BigInteger(), nullable=True),
        sa.Column("given_employer", AutoString(length=200), nullable=True),
        sa.Column("given_uscc", AutoString(length=18), nullable=True),
        sa.Column("given_project_code", AutoString(length=64), nullable=True),
        sa.Column("given_project_name", AutoString(length=200), nullable=True),
        sa.Column("given_township", AutoString(length=64), nullable=True),
        sa.Column("project_code", AutoString(length=64), nullable=True),
        sa.Column("enterprise_id", sa.Integer(), nullable=True),
        sa.Column("enterprise_key", AutoString(length=210), nullable=True),
        sa.Column("enterprise_uscc", AutoString(length=18), nullable=True),
        sa.Column("enterprise_name", AutoString(length=200), nullable=True),
        sa.Column("township", AutoString(length=64), nullable=True),
        sa.Column("src_file", AutoString(length=500), nullable=False),
        sa.Column("src_sheet", AutoString(length=200), nullable=True),
        sa.Column("src_row", sa.Integer(), nullable=False),
        sa.Column("imported_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["enterprise_id"], ["enterprise.id"], name="fk_lead_enterprise_id_enterprise"),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_lead_lead_key", "lead", ["lead_key"], unique=True)
    op.create_index("ix_lead_source", "lead", ["source"])
    op.create_index("ix_lead_received_on", "lead", ["received_on"])
    op.create_index("ix_lead_status", "lead", ["status"])
    op.create_index("ix_lead_project_code", "lead", ["project_code"])
    op.create_index("ix_lead_enterprise_id", "lead", ["enterprise_id"])
    op.create_index("ix_lead_enterprise_key", "lead", ["enterprise_key"])
    op.create_index("ix_lead_township", "lead", ["township"])

    op.create_table(
        "enterprise_grade",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("enterprise_key", AutoString(length=210), nullable=False),
        sa.Column("enterprise_uscc", AutoString(length=18), nullable=True),
        sa.Column("enterprise_name", AutoString(length=200), nullable=False),
        sa.Column("role", AutoString(length=12), nullable=False),
        sa.Column("grade", AutoString(length=8), nullable=False),
        sa.Column("graded_on", sa.Date(), nullable=False),
        sa.Column("period_start", sa.Date(), nullable=False),
        sa.Column("period_end", sa.Date(), nullable=False),
        sa.Column("occasion", AutoString(length=12), nullable=False),
        sa.Column("next_inspection", sa.Date(), nullable=True),
        sa.Column("inputs", sa.JSON(), nullable=False),
        sa.Column("reasons", sa.JSON(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("enterprise_key", "graded_on", name="uq_enterprise_grade_enterprise_key_graded_on"),
    )
    op.create_index("ix_enterprise_grade_enterprise_key", "enterprise_grade", ["enterprise_key"])
    op.create_index("ix_enterprise_grade_grade", "enterprise_grade", ["grade"])
    op.create_index("ix_enterprise_grade_graded_on", "enterprise_grade", ["graded_on"])


def downgrade() -> None:
    op.drop_index("ix_enterprise_grade_graded_on", table_name="enterprise_grade")
    op.drop_index("ix_enterprise_grade_grade", table_name="enterprise_grade")
    op.drop_index("ix_enterprise_grade_enterprise_key", table_name="enterprise_grade")
    op.drop_table("enterprise_grade")
    for column in ("township", "enterprise_key", "enterprise_id", "project_code", "status", "received_on",
                   "source", "lead_key"):
        op.drop_index(f"ix_lead_{column}", table_name="lead")
    op.drop_table("lead")
