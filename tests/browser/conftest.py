"""Real Chromium (Debian's, driven by Playwright) against the live platform. Skipped, with the reason, where
no Chromium is installed; CI (.ci/run) installs it so that these always run there."""

import os
import shutil

import pytest

CHROMIUM = os.environ.get("CHROMIUM_PATH") or shutil.which("chromium") or shutil.which("chromium-browser")

# Playwright's sync API keeps an event loop on the test's thread; the test's own database reads are safe.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


@pytest.fixture
def chromium():
    # Per test, not per session: Playwright's sync API keeps its own event loop and context while it runs,
    # and a session-long one left the next tests' database connection without the serialized data that
    # restores the reference tables.
    if not CHROMIUM:
        pytest.skip("no Chromium here: install Debian's `chromium` (apt-get install chromium fonts-noto-cjk)")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        pytest.skip("playwright is not installed")
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox", "--disable-gpu"])
        yield browser
        browser.close()
        # What the test wrote while Playwright ran went through a database connection of Playwright's
        # context, not the one pytest-django closes: left open, it kept the test database from being dropped
        # at the end of the run ("being accessed by other users").
        from django.db import connections

        connections.close_all()


@pytest.fixture
def page(chromium, live_server):
    context = chromium.new_context(base_url=live_server.url, locale="zh-CN", viewport={"width": 1280, "height": 900})
    context.set_default_timeout(15_000)
    page = context.new_page()
    yield page
    context.close()


@pytest.fixture
def browser_market(transactional_db):
    from tests.web.conftest import build_market

    return build_market()
