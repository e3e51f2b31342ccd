"""A real headless Chromium for report tests, offline: every request off the file is refused.

Chromium is Debian's package (``apt-get install -y chromium``), driven through the
``playwright`` package with the system browser (no browser download). When either is
missing the tests that need it are skipped with a message naming what to install.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
         "--disable-component-update", "--disable-sync", "--no-first-run",
         "--disable-default-apps", "--disable-extensions"]


def chromium_path() -> str | None:
    """The system Chromium, if installed."""
    for name in (os.environ.get("STAFFING_CHROMIUM", ""), "chromium", "chromium-browser"):
        found = shutil.which(name) if name else None
        if found:
            return found
    return None


@dataclass
class Visit:
    """What happened while a page was open: console messages, errors, requests refused."""

    console: list[tuple[str, str]] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    refused: list[str] = field(default_factory=list)

    @property
    def problems(self) -> list[str]:
        return ([f"console {kind}: {text}" for kind, text in self.console
                 if kind in ("error", "warning")] + [f"page error: {e}" for e in self.errors]
                + [f"network request: {url}" for url in self.refused])


class Browser:
    """One Chromium, one fresh profile; `open` shows a local file with the network refused."""

    def __init__(self, context: Any):
        self.context = context

    @contextmanager
    def open(self, path: Path, fragment: str = "", width: int = 1280,
             height: int = 900) -> Iterator[tuple[Any, Visit]]:
        visit = Visit()
        page = self.context.new_page()
        page.set_viewport_size({"width": width, "height": height})
        page.on("console", lambda m: visit.console.append((m.type, m.text)))
        page.on("pageerror", lambda e: visit.errors.append(str(e)))

        def route(request_route: Any) -> None:
            url = request_route.request.url
            if url.startswith(("file:", "data:", "about:")):
                request_route.continue_()
            else:
                visit.refused.append(url)
                request_route.abort()

        page.route("**/*", route)
        try:
            page.goto(path.resolve().as_uri() + (f"#{fragment}" if fragment else ""))
            page.wait_for_selector("body[data-ready='1']", timeout=15_000)
            yield page, visit
        finally:
            page.close()


@contextmanager
def launch() -> Iterator[Browser]:
    """Start headless Chromium with a fresh profile, or skip saying what is missing."""
    executable = chromium_path()
    if executable is None:
        pytest.skip("Chromium is not installed (Debian: apt-get install -y chromium); "
                    "the report's browser tests need it")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        pytest.skip("the playwright package is missing (pip install '.[test]')")
    profile = tempfile.mkdtemp(prefix="staffing-chromium-")
    try:
        with sync_playwright() as driver:
            context = driver.chromium.launch_persistent_context(
                profile, executable_path=executable, headless=True, args=FLAGS,
                offline=True)
            try:
                yield Browser(context)
            finally:
                context.close()
    finally:
        shutil.rmtree(profile, ignore_errors=True)
