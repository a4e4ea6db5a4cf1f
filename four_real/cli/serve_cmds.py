"""`four-real serve` and `four-real token create|revoke|list`.

``serve`` migrates the store (the embedded SQLite file by default, DATABASE_URL in production) once, then
runs the API with uvicorn; uvicorn's own access log is off, the service logs one JSON line per request
without personal data. Tokens are printed once, at creation; the store keeps only their hashes.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated

import typer

__all__ = ["register"]

token_app = typer.Typer(help="API tokens: create, revoke, list / 访问令牌", no_args_is_help=True)


def register(app: typer.Typer) -> None:
    """Add ``serve`` and the ``token`` group to the ``four-real`` app."""
    app.command("serve")(serve)
    app.add_typer(token_app, name="token")


def serve(
    host: Annotated[str, typer.Option(help="Address to listen on")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port to listen on")] = 8000,
    workers: Annotated[int, typer.Option(help="Worker processes")] = 1,
) -> None:
    """Serve the API (OpenAPI at /v1/openapi.json) over the store of DATABASE_URL or the embedded file."""
    from four_real.cli.app import UsageProblem, user_errors
    from four_real.cli.store_engine import open_store

    with user_errors():
        if not 1 <= workers <= 64:
            raise UsageProblem("--workers 应在 1 到 64 之间 / --workers must be between 1 and 64")
        open_store().dispose()  # migrate once, before any worker starts
        import uvicorn

        from api.middleware import configure_logging

        configure_logging()
        uvicorn.run("api.main:create_app", factory=True, host=host, port=port, workers=workers,
                    access_log=False, log_config=None)


def _expiry(days: int | None) -> dt.datetime | None:
    return None if days is None else dt.datetime.now(dt.UTC) + dt.timedelta(days=days)


@token_app.command("create")
def create(
    role: Annotated[str, typer.Option(help="labor_manager, bank, industry_bureau, hr_bureau or admin",
                                      show_default=False)],
    label: Annotated[str, typer.Option(help="Who holds it (recorded; not a secret)", show_default=False)],
    project: Annotated[list[str] | None, typer.Option(help="labor_manager: a project code (repeat)")] = None,
    bank_code: Annotated[str | None, typer.Option(help="bank: the bank code of its feeds")] = None,
    wage_account: Annotated[list[str] | None, typer.Option(help="bank: a wage account it holds (repeat)")] = None,
    sector: Annotated[str | None, typer.Option(help="industry_bureau: housing, transport or water")] = None,
    township: Annotated[list[str] | None, typer.Option(help="industry_bureau: a township (repeat; none = all)")] = None,
    expires_days: Annotated[int | None, typer.Option(help="Days until it expires (default: never)")] = None,
) -> None:
    """Issue a token and print it once (only its hash is stored)."""
    from four_real.access import Role, ScopeError, create_token
    from four_real.cli.app import UsageProblem, user_errors
    from four_real.cli.store_engine import open_store
    from four_real.store.db import session_scope

    with user_errors():
        if role not in Role.__members__:
            raise UsageProblem(f"未知的角色：{role} / unknown role: {role} (use {', '.join(Role.__members__)})")
        if expires_days is not None and expires_days < 1:
            raise UsageProblem("--expires-days 至少为 1 / --expires-days must be at least 1")
        engine = open_store()
        try:
            with session_scope(engine) as session:
                issued = create_token(session, role=role, label=label, projects=project or [], bank_code=bank_code,
                                      wage_accounts=wage_account or [], sector=sector, townships=township or [],
                                      expires_at=_expiry(expires_days))
        except ScopeError as exc:
            raise UsageProblem(f"令牌的角色与权限范围不符 / {exc}") from None
        finally:
            engine.dispose()
        typer.echo(f"token #{issued.id} ({role}): {issued.secret}")
        typer.echo("请妥善保存，此令牌只显示这一次 / keep it safe: it is shown only this once", err=True)


@token_app.command("revoke")
def revoke(
    token_id: Annotated[int | None, typer.Option("--id", help="The token's number")] = None,
    prefix: Annotated[str | None, typer.Option(help="The token's first 12 characters")] = None,
) -> None:
    """Revoke a token at once (by its number or its prefix)."""
    from four_real.access import revoke_token
    from four_real.cli.app import UsageProblem, user_errors
    from four_real.cli.store_engine import store_session

    with user_errors():
        if (token_id is None) == (prefix is None):
            raise UsageProblem("请给出 --id 或 --prefix 之一 / give one of --id or --prefix")
        with store_session() as session:
            n = revoke_token(session, token_id=token_id, prefix=prefix)
        if not n:
            raise UsageProblem("没有该有效令牌 / no active token matches")
        typer.echo(f"revoked {n} token(s) / 已吊销 {n} 个令牌")


@token_app.command("list")
def list_(
    show_revoked: Annotated[bool, typer.Option("--all", help="Include revoked and expired tokens")] = False,
) -> None:
    """List tokens (number, prefix, role, scope, expiry); secrets are never shown again."""
    from four_real.access import list_tokens
    from four_real.cli.app import user_errors
    from four_real.cli.store_engine import store_session

    with user_errors(), store_session() as session:
        rows = list_tokens(session)
        now = dt.datetime.now(dt.UTC)
        for t in rows:
            expires = t.expires_at if t.expires_at is None or t.expires_at.tzinfo else t.expires_at.replace(
                tzinfo=dt.UTC)
            active = t.revoked_at is None and (expires is None or expires > now)
            if not active and not show_revoked:
                continue
            scope = ", ".join(x for x in (
                " ".join(t.projects), t.bank_code or "", " ".join(t.wage_accounts), t.sector or "",
                " ".join(t.townships)) if x)
            state = "active" if active else ("revoked" if t.revoked_at else "expired")
            typer.echo(f"#{t.id:<5} {t.prefix}…  {t.role:<16} {state:<8} "
                       f"{expires.date().isoformat() if expires else 'never':<10}  {t.label}  [{scope}]")
