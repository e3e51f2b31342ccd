"""The ``staffing serve`` command (its options; FastAPI and uvicorn load only when it runs)."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Annotated

import typer

from staffing.service.config import TOKENS_ENV, ConfigError, Limits, ServiceConfig, read_tokens


def serve(
    host: Annotated[str, typer.Option(help="address to listen on")] = "127.0.0.1",
    port: Annotated[int, typer.Option(min=0, max=65535, help="port to listen on")] = 8000,
    workers: Annotated[int, typer.Option(min=1, help="worker processes (default: one per core)")]
    = os.cpu_count() or 1,
    data: Annotated[Path, typer.Option(help="folder of the job store (created if missing)")]
    = Path("staffing-data"),
    tokens_file: Annotated[Path | None, typer.Option(
        "--tokens-file", help=f"bearer tokens, one per line (also: ${TOKENS_ENV})")] = None,
    models: Annotated[Path, typer.Option(help="policy models offered by name")] = Path("models"),
    default_time_limit: Annotated[float, typer.Option(
        min=0.1, help="seconds a job gets when it names no time limit")] = 60.0,
    max_time_limit: Annotated[float, typer.Option(
        min=0.1, help="the most seconds a job may ask for")] = 600.0,
    max_queue: Annotated[int, typer.Option(
        min=1, help="jobs waiting for a worker before new ones get 429")] = 32,
    max_request_mb: Annotated[float, typer.Option(
        min=0.001, help="largest request body, in MiB")] = 64.0,
) -> None:
    """Start the HTTP service: jobs with progress, cancellation and time limits (/docs)."""
    try:
        import fastapi  # noqa: F401  # lazy: the optional service extra
        import uvicorn  # noqa: F401  # lazy: the optional service extra
    except ImportError:
        raise ConfigError.of("serve", "the service needs its extra", "服务需要安装其扩展包",
                             expected="pip install 'staffing[service]'",
                             expected_zh="pip install 'staffing[service]'") from None
    from staffing.service.server import serve as run  # lazy: loads uvicorn and FastAPI

    limits = Limits(max_request_bytes=int(max_request_mb * 2**20),
                    default_time_limit=min(default_time_limit, max_time_limit),
                    max_time_limit=max_time_limit, max_queue=max_queue)
    config = ServiceConfig(data=data.resolve(), host=host, port=port, workers=workers,
                           tokens=read_tokens(tokens_file), limits=limits,
                           models=models.resolve() if models.is_dir() else None)
    config.check()
    typer.echo(f"staffing service on http://{host}:{port} (docs: /docs), data in {config.data}, "
               f"{workers} worker(s), " + ("token auth" if config.auth else "no auth (loopback)"))
    run(config)
