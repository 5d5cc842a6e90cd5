"""The security tests that run against real servers use the browser tests' fixtures."""

from tests.browser.conftest import browser, demo_workshop, phone, studio_server  # noqa: F401
