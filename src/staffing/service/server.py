"""``staffing serve``: start the service on one data folder."""

from __future__ import annotations

import fcntl
import logging
import os
from pathlib import Path
from typing import IO

from staffing.service.config import ConfigError, ServiceConfig
from staffing.service.pool import Pool
from staffing.service.store import JobStore

log = logging.getLogger("staffing.service")


def lock_data(data: Path) -> IO[str]:
    """Hold the data folder for this server alone (released when the process ends).

    Raises
    ------
    ConfigError
        when another server already uses the folder.
    """
    data.mkdir(parents=True, exist_ok=True)
    handle = (data / "server.lock").open("w")
    try:
        fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        handle.close()
        raise ConfigError.of("--data", "another server is using the data folder",
                             "另一个服务正在使用该数据文件夹", value=str(data),
                             expected="a data folder of its own for each server",
                             expected_zh="每个服务使用各自的数据文件夹") from None
    handle.write(f"{os.getpid()}\n")
    handle.flush()
    return handle


def serve(config: ServiceConfig) -> None:
    """Run the service until interrupted.

    Jobs that were running when the last server stopped are queued again (once: a job
    interrupted a second time fails with the reason); finished jobs and their files stay.
    """
    import uvicorn  # lazy: the optional service extra, loaded when the server starts

    from staffing.service.app import create_app  # lazy: FastAPI, the optional service extra

    config.check()
    lock = lock_data(config.data)
    store = JobStore(config.data)
    requeued, failed = store.recover()
    logging.basicConfig(level=logging.INFO, format="%(levelname)s: %(message)s")
    if requeued or failed:
        log.info("after the restart: %d job(s) queued again, %d failed", len(requeued),
                 len(failed))
    pool = Pool(store, config.workers, config.limits)
    app = create_app(config, store, pool)
    try:
        uvicorn.run(app, host=config.host, port=config.port, log_level="warning",
                    timeout_graceful_shutdown=5, server_header=False)
    finally:
        store.close()
        lock.close()
