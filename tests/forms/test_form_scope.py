"""The state of a submission belongs to the form that was submitted: in a
list with a form per row, only that row is refilled and annotated (the
sample of docs/forms.rst)."""

from __future__ import annotations

import pytest
from flask import Flask
from flask.testing import FlaskClient

from docs.examples.forms import rows

from ..html import Page


@pytest.fixture
def app() -> Flask:
    return rows.app


def titles(page: Page) -> dict[str, str]:
    return {form: page.form(f"#{form}").tag.select_one("[name=title]")["value"]
            for form in ("row-1", "row-2", "row-3", "create")}


def test_a_failed_rename_refills_and_annotates_only_its_row(client: FlaskClient) -> None:
    response = Page.get(client, "/rows").form("#row-2").submit(title="taken")
    assert response.status_code == 422
    page = Page(client, "/rows", response)
    assert titles(page) == {"row-1": "one", "row-2": "taken", "row-3": "three", "create": ""}
    assert page.text("#row-2 .error") == "That title is taken."
    assert page.text("#row-1 .error") == page.text("#row-3 .error") == ""
    assert [tag.get_text() for tag in page.soup.select("form[id^=row] .action-notice")] == [
        "That title is taken."]
    assert page.text("#row-2 .action-notice") == "That title is taken."
    assert page.text("#page-notice") == "That title is taken."


def test_a_failed_create_keeps_the_other_forms_values(client: FlaskClient) -> None:
    response = Page.get(client, "/rows").form("#create").submit(
        title="new", pin="on", tags="b")
    page = Page(client, "/rows", response)
    assert titles(page) == {"row-1": "one", "row-2": "two", "row-3": "three", "create": "new"}
    assert page.text("#create .action-notice") == "Creating is closed."
    assert page.soup.select_one("#create [name=pin]").has_attr("checked")
    assert [o.get_text() for o in page.soup.select("#create option[selected]")] == ["b"]


def test_a_buttons_failed_action_refills_the_form_it_was_clicked_in(
        client: FlaskClient) -> None:
    response = Page.get(client, "/rows").form("#row-3").submit(".drop", title="edited")
    page = Page(client, "/rows", response)
    assert titles(page)["row-3"] == "edited"
    assert titles(page)["row-1"] == "one"
    assert page.text("#row-3 .action-notice") == "Row 3 cannot be dropped."


def test_the_bound_arguments_are_given_to_the_template(client: FlaskClient) -> None:
    response = Page.get(client, "/rows").form("#row-2").submit(title="taken")
    assert Page(client, "/rows", response).text("#args") == "(2,)"


def test_a_button_in_a_form_whose_own_token_is_unreadable_still_runs(
        client: FlaskClient) -> None:
    form = Page.get(client, "/rows").form("#row-1")
    response = form.submit(".drop", __action="not a token")
    assert response.status_code == 422
    assert Page(client, "/rows", response).text("#page-notice") == "Row 1 cannot be dropped."
