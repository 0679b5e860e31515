"""The demo blog in a real browser: JavaScript off, htmx 4, htmx 2.

Each scenario checks what the page shows and what the SQLite database holds.
"""

from __future__ import annotations

from playwright.sync_api import expect

from .conftest import Site

NAME = "#create-user input[name=name]"


def users(site: Site) -> list[str]:
    return [name for (name,) in site.server.rows("SELECT name FROM users ORDER BY id")]


def test_create_a_user(site: Site) -> None:
    site.sign_in("ada")
    site.goto("/")
    site.submit(NAME, "margaret", "#create-user button")
    expect(site.page.locator("#user-list")).to_contain_text("margaret")
    expect(site.page.locator("#messages .flash")).to_have_text("Created user margaret.")
    expect(site.page.locator(NAME)).to_have_value("")
    assert users(site) == ["ada", "grace", "linus", "margaret"]
    site.check_swapped_in_place()


def test_edit_a_post_inline(site: Site) -> None:
    site.sign_in("ada")
    site.goto("/posts/1")
    site.page.fill("#edit-post textarea[name=body]", "Rewritten in place.")
    site.submit("#edit-post input[name=title]", "Edited in place", "#edit-post button")
    expect(site.page.locator("#post-title")).to_have_text("Edited in place")
    expect(site.page.locator("#post-body")).to_have_text("Rewritten in place.")
    expect(site.page.locator("#messages .flash")).to_have_text("Post saved.")
    assert site.server.rows("SELECT title, body FROM posts WHERE id = 1") == [
        ("Edited in place", "Rewritten in place.")]
    site.check_swapped_in_place()


def test_delete_a_row_with_a_button_action(site: Site) -> None:
    site.sign_in("ada")
    site.goto("/posts")
    expect(site.page.locator("#post-1")).to_be_visible()
    site.page.click("#delete-post-1 button")
    expect(site.page.locator("#post-1")).to_have_count(0)
    expect(site.page.locator("#post-3")).to_be_visible()
    expect(site.page.locator("#messages .flash")).to_contain_text("Deleted")
    assert site.server.rows("SELECT id FROM posts ORDER BY id") == [(2,), (3,)]
    site.check_swapped_in_place()


def test_invalid_form_shows_errors_and_keeps_the_input(site: Site) -> None:
    site.sign_in("ada")
    site.goto("/")
    site.submit(NAME, "grace", "#create-user button")
    expect(site.page.locator("#name-error")).to_have_text("There is already a user named grace.")
    expect(site.page.locator(NAME)).to_have_value("grace")
    assert users(site) == ["ada", "grace", "linus"]
    site.check_swapped_in_place()


def test_expired_token_keeps_the_input_and_the_next_submit_works(site: Site) -> None:
    site.sign_in("ada")
    site.goto("/")
    site.server.app.config["SERVER_ACTIONS_MAX_AGE"] = -1  # every token is now expired
    site.submit(NAME, "margaret", "#create-user button")
    expect(site.page.locator(".action-notice")).to_contain_text("expired")
    expect(site.page.locator(NAME)).to_have_value("margaret")
    assert users(site) == ["ada", "grace", "linus"]
    site.screenshot("expired-token-notice")

    site.server.app.config["SERVER_ACTIONS_MAX_AGE"] = 3600
    site.page.click("#create-user button")  # the page came back with a fresh token
    expect(site.page.locator("#user-list")).to_contain_text("margaret")
    assert users(site) == ["ada", "grace", "linus", "margaret"]


def test_double_click_on_submit_writes_once(site: Site) -> None:
    site.sign_in("grace")
    site.goto("/posts")
    site.page.fill("#create-post input[name=title]", "Posted once")
    site.page.dblclick("#create-post button")
    expect(site.page.locator("#post-rows")).to_contain_text("Posted once")
    site.page.wait_for_timeout(500)  # let a second request, if any, land
    assert site.server.rows("SELECT COUNT(*) FROM posts WHERE title = 'Posted once'") == [(1,)]


def test_pending_state_while_the_action_runs(site: Site) -> None:
    site.sign_in("grace")
    site.goto("/posts")
    site.page.fill("#create-post input[name=title]", "Pending")
    if not site.javascript:
        site.page.click("#create-post button")  # the browser's own loading state
    else:
        # htmx disables the button and marks the form in the submit event itself.
        state = site.page.evaluate("""() => {
            const form = document.querySelector('#create-post');
            form.querySelector('button').click();
            return [form.querySelector('button').disabled, form.classList.contains('htmx-request')];
        }""")
        assert state == [True, True]
    expect(site.page.locator("#post-rows")).to_contain_text("Pending")
    expect(site.page.locator("#create-post button")).to_be_enabled()


def test_fetch_users_from_a_button_and_from_client_code(site: Site) -> None:
    site.goto("/")
    site.page.click("#fetch-users button")
    expect(site.page.locator("#fetched-users")).to_have_text("adagracelinus")
    site.check_swapped_in_place()
    if site.javascript:
        site.page.click("#count-users")  # serverActions.call(): JSON, no page change
        expect(site.page.locator("#count-users")).to_have_text("3 users: ada, grace, linus")
    else:
        expect(site.page.locator("#count-users")).to_be_hidden()  # it needs JavaScript
