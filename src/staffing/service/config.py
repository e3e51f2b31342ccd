"""Settings of one running service: address, workers, data folder, tokens and limits."""

from __future__ import annotations

import hashlib
import ipaddress
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from staffing.errors import InputError, Problem

TOKENS_ENV = "STAFFING_TOKENS"  # tokens separated by commas or white space


class ConfigError(InputError):
    """Settings the service cannot start with, each problem naming its option."""

    @classmethod
    def of(cls, option: str, message: str, message_zh: str, *, value: Any = None,
           expected: str | None = None, expected_zh: str | None = None) -> ConfigError:
        """One refused setting: ``option`` (a command-line option or a file) and why."""
        return cls([Problem("serve", message, "config", column=option, value=value,
                            expected=expected, message_zh=message_zh,
                            expected_zh=expected_zh)])


@dataclass(frozen=True)
class Limits:
    """What one request or job may ask for."""

    max_request_bytes: int = 64 * 2**20
    max_policy_bytes: int = 256 * 2**10
    max_unpacked_bytes: int = 512 * 2**20   # an .xlsx upload once unzipped
    default_time_limit: float = 60.0
    max_time_limit: float = 600.0
    max_queue: int = 32                     # jobs waiting for a worker
    cancel_grace: float = 1.5               # seconds a worker gets to stop before it is replaced
    time_limit_grace: float = 10.0          # seconds past a job's limit before it is stopped hard


@dataclass(frozen=True)
class ServiceConfig:
    """Everything ``staffing serve`` was started with."""

    data: Path
    host: str = "127.0.0.1"
    port: int = 8000
    workers: int = field(default_factory=lambda: os.cpu_count() or 1)
    tokens: frozenset[str] = frozenset()
    models: Path | None = None
    limits: Limits = Limits()

    @property
    def auth(self) -> bool:
        """Whether requests must carry a bearer token."""
        return bool(self.tokens)

    def owners(self) -> dict[str, str]:
        """The owner key of each token (what the job store records instead of the token)."""
        return {owner_key(token): token for token in self.tokens}

    def check(self) -> None:
        """Refuse settings that are unsafe or cannot work.

        Raises
        ------
        ConfigError
            on a non-loopback address without tokens, or a worker count below 1.
        """
        if not self.auth and not is_loopback(self.host):
            raise ConfigError.of(
                "--host", f"refusing to listen on {self.host} without authentication",
                f"不设令牌时拒绝在 {self.host} 上监听", value=self.host,
                expected=f"tokens given with --tokens-file FILE or the {TOKENS_ENV} environment "
                "variable, or --host 127.0.0.1",
                expected_zh=f"用 --tokens-file 文件或环境变量 {TOKENS_ENV} 给出令牌，或使用 "
                "--host 127.0.0.1")
        if self.workers < 1:
            raise ConfigError.of("--workers", "--workers must be at least 1",
                                 "--workers 至少为 1", value=self.workers, expected=">= 1",
                                 expected_zh="不小于 1")


def owner_key(token: str) -> str:
    """A stable key for a token that does not reveal it (SHA-256)."""
    return hashlib.sha256(token.encode()).hexdigest()


LOCAL_OWNER = "local"  # the owner of every job when no tokens are configured


def is_loopback(host: str) -> bool:
    """Whether ``host`` names only this machine (127.0.0.0/8, ::1, localhost)."""
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def read_tokens(path: Path | None, environ: dict[str, str] | None = None) -> frozenset[str]:
    """Tokens from a file (one per line, ``#`` comments) and from ``STAFFING_TOKENS``.

    Raises
    ------
    ConfigError
        when the file cannot be read or holds a token shorter than 16 characters.
    """
    environ = dict(os.environ) if environ is None else environ
    found: list[tuple[str, str]] = []
    if path is not None:
        try:
            text = Path(path).read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as error:
            reason = getattr(error, "strerror", None) or "not UTF-8 text"
            raise ConfigError.of("--tokens-file", f"cannot read the tokens file {path}: {reason}",
                                 f"无法读取令牌文件 {path}：{reason}", value=str(path),
                                 expected="a readable UTF-8 text file, one token a line",
                                 expected_zh="可读取的 UTF-8 文本文件，每行一个令牌") from None
        for number, line in enumerate(text.splitlines(), start=1):
            token = line.split("#", 1)[0].strip()
            if token:
                found.append((f"{path}, line {number}", token))
    for token in environ.get(TOKENS_ENV, "").replace(",", " ").split():
        found.append((TOKENS_ENV, token))
    short = [Problem(where, "token shorter than 16 characters", "token",
                     expected="at least 16 characters", message_zh="令牌短于 16 个字符",
                     expected_zh="至少 16 个字符")
             for where, token in found if len(token) < 16]
    if short:
        raise ConfigError(short)
    return frozenset(token for _where, token in found)
