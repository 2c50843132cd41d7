"""Driving the Authorize panel and a form's Send in Chromium (tests/browser and the
navigator's tests in tests/builder share them)."""

from __future__ import annotations

from typing import Any

from playwright.sync_api import Page, expect

ALICE_KEY = "key-alice-7Qx"


def badge(page: Page, state: str) -> Any:
    return page.locator(f".autoui-req-0 .autoui-auth-{state}").filter(visible=True)


def send(page: Page, api_name: str) -> Any:
    page.locator(f"#send-{api_name}").click()
    return page.locator(".autoui-status").filter(visible=True).first


def open_authorize(page: Page) -> Any:
    """Open the Authorize panel (closed when the page opens) unless it is; its status
    line."""
    status = page.locator("#autoui-auth-status")
    if not status.is_visible():
        page.locator("#autoui-authorize").get_by_text("Authorize", exact=True).first.click()
    return status


def authorize_key(page: Page, key: str, remember: bool = False) -> None:
    open_authorize(page)
    page.locator("#autoui-auth-0-value input").fill(key)
    if remember:
        page.locator("#autoui-remember input").check()
    page.locator("#autoui-authorize-button").click()
    expect(page.locator("#autoui-auth-status")).to_contain_text("KeyHeader: set for this session")
