"""The state of a submission belongs to the form that was submitted: in a
list with a form per row, only that row is refilled and annotated (the
sample of docs/forms.rst)."""

from __future__ import annotations

import pytest
from flask import Flask
from flask import render_template
from flask.testing import FlaskClient
from jinja2 import DictLoader

from docs.examples.forms import rows
from flask_server_actions import ActionError
from flask_server_actions import ServerActions

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


NOTICE_TEMPLATES = {
    # A header form, then the layout's notice, in one template: as
    # examples/notes/templates/layout.html has it.
    "layout.html": """<header><form id="search" method="post">{{ action(search) }}
<input name="q">{{ action.notice() }}<button>Go</button></form></header>
<div id="layout-notice">{{ action.notice() }}</div>
{% block content %}{% endblock %}""",
    "page.html": """{% extends "layout.html" %}
{% block content %}{% for id in [1, 2] %}{% include "_row.html" %}{% endfor %}
<form id="add" method="post">{{ action(add) }}<input name="title">
<span class="notice">{{ action.notice() }}</span><button>Add</button></FORM>
<div id="after-add">{{ action.notice() }}</div>{% endblock %}""",
    "_row.html": """<form id="row-{{ id }}" method="post">{{ action(rename, id) }}
<input name="title"><span class="notice">{{ action.notice() }}</span><button>Save</button>
</form>""",
}


@pytest.fixture
def notice_client() -> FlaskClient:
    app = Flask(__name__)
    app.config["SECRET_KEY"] = "notices"
    app.jinja_loader = DictLoader(NOTICE_TEMPLATES)
    ServerActions(app)

    def show(template: str) -> str:
        def search(form: object) -> None:
            "use server"
            raise ActionError("Nothing found.")

        def rename(row_id: int, form: object) -> None:
            "use server"
            raise ActionError(f"Row {row_id} cannot be renamed.")

        def add(form: object) -> None:
            "use server"
            raise ActionError("Adding is closed.")

        return render_template(template, search=search, rename=rename, add=add)

    app.add_url_rule("/page", "page", lambda: show("page.html"))
    return app.test_client()


def notices(page: Page) -> dict[str, str]:
    return {selector: page.text(selector) for selector in (
        "#row-1 .notice", "#row-2 .notice", "#add .notice", "#after-add", "#layout-notice")}


def test_a_notice_inside_a_form_shows_that_forms_message_only(
        notice_client: FlaskClient) -> None:
    response = Page.get(notice_client, "/page").form("#row-2").submit(title="x")
    assert response.status_code == 422
    assert notices(Page(notice_client, "/page", response)) == {
        "#row-1 .notice": "", "#row-2 .notice": "Row 2 cannot be renamed.",
        "#add .notice": "", "#after-add": "Row 2 cannot be renamed.",
        "#layout-notice": "Row 2 cannot be renamed."}


def test_a_notice_after_a_forms_end_tag_shows_any_message(
        notice_client: FlaskClient) -> None:
    response = Page.get(notice_client, "/page").form("#add").submit(title="x")
    assert notices(Page(notice_client, "/page", response)) == {
        "#row-1 .notice": "", "#row-2 .notice": "", "#add .notice": "Adding is closed.",
        "#after-add": "Adding is closed.", "#layout-notice": "Adding is closed."}


def test_the_first_notice_outside_every_form_is_the_notice_region(
        notice_client: FlaskClient) -> None:
    page = Page.get(notice_client, "/page")
    assert [tag.parent.get("id") for tag in page.soup.select("#action-notice")] == [
        "layout-notice"]
    response = page.form("#search").submit(q="x")
    assert Page(notice_client, "/page", response).text("#search .action-notice") == (
        "Nothing found.")
