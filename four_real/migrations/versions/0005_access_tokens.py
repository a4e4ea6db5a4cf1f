"""API tokens and their scopes (issue 5), and the index that serves the API's listing of a month's
projects by level (``project_month (month, level)``: a bureau's "red projects of March").

Tokens are stored as a SHA-256 hash plus a short non-secret prefix for lookup; the scope lives on the row
(JSON lists for projects, wage accounts and townships; see ``four_real/store/models/access.py``).

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-25
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlmodel.sql.sqltypes import AutoString

revision: str = "0005"
down_revision: str | Sequence[str] | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "api_token",
        sa.Column("label", AutoString(length=200), nullable=False),
        sa.Column("role", AutoString(length=24), nullable=False),
        sa.Column("projects", sa.JSON(), nullable=False),
        sa.Column("bank_code", AutoString(length=32), nullable=True),
        sa.Column("wage_accounts", sa.JSON(), nullable=False),
        sa.Column("sector", AutoString(length=16), nullable=True),
        sa.Column("townships", sa.JSON(), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("prefix", AutoString(length=16), nullable=False),
        sa.Column("token_hash", AutoString(length=64), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("revoked_at", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("token_hash", name="uq_api_token_token_hash"),
    )
    op.create_index("ix_api_token_prefix", "api_token", ["prefix"])
    op.create_index("ix_project_month_month_level", "project_month", ["month", "level"])


def downgrade() -> None:
    op.drop_index("ix_project_month_month_level", table_name="project_month")
    op.drop_index("ix_api_token_prefix", table_name="api_token")
    op.drop_table("api_token")
