"""Record on each project-month whether its due date came from China's published holiday calendar or,
for a year not yet published, from weekends only (``validators/figures.py``).

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-25
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlmodel.sql.sqltypes import AutoString

revision: str = "0002"
down_revision: str | Sequence[str] | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("project_month") as batch:
        batch.add_column(sa.Column("holiday_calendar", AutoString(length=16), nullable=False,
                                   server_default="official"))


def downgrade() -> None:
    with op.batch_alter_table("project_month") as batch:
        batch.drop_column("holiday_calendar")
