"""Who a request is: the five roles of the spec's user table, and the scope each one carries.

    role             scope                                   may
    labor_manager    named projects                          upload its projects' files; read them unmasked
    bank             bank code (+ the wage accounts it holds) push its feeds; read its feeds' receipts
    industry_bureau  one sector, optionally some townships   read that sector's projects, work its warnings
    hr_bureau        everything                              read everything (masked), grade, bulletin
    admin            configuration                           issue and revoke tokens; register projects

A :class:`Principal` is what the API's dependencies hand to a route: the role and scope of a valid token,
never the token itself.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum

__all__ = ["SECTORS", "Principal", "Role"]

SECTORS = ("housing", "transport", "water")


class Role(StrEnum):
    labor_manager = "labor_manager"
    bank = "bank"
    industry_bureau = "industry_bureau"
    hr_bureau = "hr_bureau"
    admin = "admin"


@dataclass(frozen=True, slots=True)
class Principal:
    """The holder of a valid token: its role and scope (empty tuples where the role has none)."""

    token_id: int
    label: str
    role: Role
    projects: tuple[str, ...] = ()
    bank_code: str | None = None
    wage_accounts: tuple[str, ...] = ()
    sector: str | None = None
    townships: tuple[str, ...] = field(default=())

    @property
    def reads_projects(self) -> bool:
        """Whether the role reads project data at all (a bank and an administrator do not)."""
        return self.role in (Role.labor_manager, Role.industry_bureau, Role.hr_bureau)

    @property
    def sees_everything(self) -> bool:
        return self.role is Role.hr_bureau
