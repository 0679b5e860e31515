"""The same forms and actions in a real browser: JavaScript off, htmx 4, htmx 2.

Each scenario checks what the page shows and what the SQLite database holds.
"""

from __future__ import annotations

from playwright.sync_api import expect

from .conftest import Site

NAME = '#create input[name="name"]'


def names(site: Site) -> list[str]:
    return [row[0] for row in site.server.rows("SELECT name FROM users ORDER BY id")]


def test_create_a_user(site: Site) -> None:
    site.goto("/users")
    site.submit(NAME, "margaret", "#add")
    expect(site.page.locator("#users li").last).to_contain_text("margaret")
    expect(site.page.locator("#count")).to_have_text("3")
    expect(site.page.locator(NAME)).to_have_value("")
    assert names(site) == ["ada", "grace", "margaret"]
    site.check_swapped_in_place()


def test_edit_a_post_inline(site: Site) -> None:
    site.goto("/posts/1")
    site.submit('#edit input[name="title"]', "Edited in place", "#save")
    expect(site.page.locator("#title")).to_have_text("Edited in place")
    assert site.server.rows("SELECT title FROM posts") == [("Edited in place",)]
    site.check_swapped_in_place()


def test_delete_a_row_with_a_button_action(site: Site) -> None:
    site.goto("/users")
    site.page.click("#delete-2")
    expect(site.page.locator("#user-2")).to_have_count(0)
    expect(site.page.locator("#count")).to_have_text("1")
    expect(site.page.locator("#user-1")).to_contain_text("ada")
    assert names(site) == ["ada"]
    site.check_swapped_in_place()


def test_invalid_form_shows_errors_and_keeps_the_input(site: Site) -> None:
    site.goto("/users")
    site.submit(NAME, "ab", "#add")
    expect(site.page.locator("#create .error")).to_have_text("A name needs at least 3 characters.")
    expect(site.page.locator(NAME)).to_have_value("ab")
    assert names(site) == ["ada", "grace"]
    site.check_swapped_in_place()


def test_expired_token_keeps_the_input_and_the_next_submit_works(site: Site) -> None:
    site.goto("/users")
    site.server.app.config["SERVER_ACTIONS_MAX_AGE"] = -1  # every token is now expired
    site.submit(NAME, "margaret", "#add")
    expect(site.page.locator(".action-notice")).to_contain_text("expired")
    expect(site.page.locator(NAME)).to_have_value("margaret")
    assert names(site) == ["ada", "grace"]
    site.screenshot("expired-token-notice")

    site.server.app.config["SERVER_ACTIONS_MAX_AGE"] = 3600
    site.page.click("#add")  # the page came back with a fresh token
    expect(site.page.locator("#users li").last).to_contain_text("margaret")
    assert names(site) == ["ada", "grace", "margaret"]


def test_double_click_on_submit_writes_once(site: Site) -> None:
    site.goto("/users")
    site.page.fill(NAME, "margaret")
    site.page.dblclick("#add")
    expect(site.page.locator("#users li").last).to_contain_text("margaret")
    site.page.wait_for_timeout(800)  # let a second request, if any, finish
    assert names(site) == ["ada", "grace", "margaret"]


def test_pending_state_disables_the_button_while_the_action_runs(js_site: Site) -> None:
    js_site.goto("/users")
    js_site.page.fill(NAME, "margaret")
    js_site.page.click("#add", no_wait_after=True)
    expect(js_site.page.locator("#add")).to_be_disabled()
    expect(js_site.page.locator("#create")).to_have_class("htmx-request")
    expect(js_site.page.locator("#users li").last).to_contain_text("margaret")
    expect(js_site.page.locator("#add")).to_be_enabled()


def test_client_code_calls_an_action_and_gets_json(js_site: Site) -> None:
    js_site.goto("/users")
    js_site.page.click("#how-many")
    expect(js_site.page.locator("#answer")).to_have_text("2 users: ada, grace")
    js_site.page.click("#too-short")
    expect(js_site.page.locator("#answer")).to_have_text(
        "422 prefix: A prefix needs at least 2 characters.")
