"""One settings object for the store and the service, read from the environment (and `.env`).

The embedded default is a SQLite file in the data folder, so `four-real demo` works on a fresh machine
with no server; production sets DATABASE_URL to PostgreSQL. Outside development a placeholder secret is
refused rather than silently used.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from pydantic import model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

PLACEHOLDER = "change-me"


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="", env_file=".env", extra="ignore")

    environment: str = "development"  # FOUR_REAL_ENV is read below for clarity
    data_dir: Path = Path("data")
    database_url: str | None = None
    secret_key: str = PLACEHOLDER
    upload_max_bytes: int = 20 * 1024 * 1024  # the API refuses a larger upload (413) before reading it all
    upload_max_uncompressed_bytes: int = 200 * 1024 * 1024  # an xlsx/ods's declared unpacked size, all parts
    upload_max_compression_ratio: int = 200  # a zip member packed tighter than this is a zip bomb

    @model_validator(mode="after")
    def _refuse_placeholder_secrets(self) -> Settings:
        if self.environment != "development" and self.secret_key == PLACEHOLDER:
            raise ValueError("SECRET_KEY must be set outside development")
        return self

    @property
    def url(self) -> str:
        """DATABASE_URL, else the embedded SQLite file in the data folder."""
        if self.database_url:
            return normalise_url(self.database_url)
        return f"sqlite:///{(self.data_dir / 'four-real.db').as_posix()}"


def normalise_url(url: str) -> str:
    """`postgresql://` means psycopg 3 here (the driver we install), not SQLAlchemy's psycopg2 default."""
    if url.startswith("postgres://"):
        url = "postgresql://" + url[len("postgres://"):]
    if url.startswith("postgresql://"):
        url = "postgresql+psycopg://" + url[len("postgresql://"):]
    return url


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    import os

    env = os.environ.get("FOUR_REAL_ENV")
    data = os.environ.get("FOUR_REAL_DATA")
    overrides: dict[str, object] = {}
    if env:
        overrides["environment"] = env
    if data:
        overrides["data_dir"] = Path(data)
    return Settings(**overrides)  # type: ignore[arg-type]
