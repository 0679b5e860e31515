"""Accessible errors: fields rendered with ``action.field`` say when they are
invalid and where their error is, an error summary links to each field, the
page title says a submission failed, and every notice is a live region."""

from __future__ import annotations

import pytest
from bs4 import Tag
from flask import Flask
from flask import render_template_string
from flask.testing import FlaskClient
from werkzeug.datastructures import MultiDict
from wtforms import Form as WTForm
from wtforms import SelectField
from wtforms import StringField
from wtforms import TextAreaField
from wtforms.validators import DataRequired
from wtforms.validators import Length

from flask_server_actions import ActionError
from flask_server_actions import ServerActions
from flask_server_actions import action_state
from flask_server_actions import server_action

from ..html import Page
from .live_app import create_app

INVALID = {"name": "", "email": "ada@example.com"}


@pytest.fixture
def app() -> Flask:
    return create_app()


def failed(client: FlaskClient, **values: str) -> Page:
    response = Page.get(client, "/signup").form("#signup").submit(**values)
    assert response.status_code == 422, response.get_data(as_text=True)
    return Page(client, "/signup", response)


def tag(page: Page, selector: str) -> Tag:
    found = page.soup.select_one(selector)
    assert isinstance(found, Tag), f"no {selector!r}"
    return found


def test_valid_field_has_name_id_and_no_aria(client: FlaskClient) -> None:
    page = Page.get(client, "/signup")
    field = tag(page, "#signup input#name")
    assert field["name"] == "name"
    assert "aria-invalid" not in field.attrs
    assert "aria-describedby" not in field.attrs
    assert tag(page, "#signup-email")["name"] == "email"


def test_error_element_is_written_empty_before_any_error(client: FlaskClient) -> None:
    page = Page.get(client, "/signup")
    assert tag(page, "#name-error").get_text(strip=True) == ""
    assert tag(page, "#signup-email-error").get_text(strip=True) == ""


def test_invalid_field_points_at_its_error(client: FlaskClient) -> None:
    page = failed(client, **INVALID)
    field = tag(page, "#name")
    assert field["aria-invalid"] == "true"
    assert field["aria-describedby"] == "name-error"
    assert tag(page, "#name-error").get_text(strip=True) == "This field is required."
    email = tag(page, "#signup-email")
    assert "aria-invalid" not in email.attrs and "aria-describedby" not in email.attrs


def test_action_error_about_a_field_marks_it(client: FlaskClient) -> None:
    page = failed(client, name="taken", email="ada@example.com")
    assert tag(page, "#name")["aria-invalid"] == "true"
    assert tag(page, "#name-error").get_text(strip=True) == "That name is taken."


def test_error_summary_links_to_each_invalid_field(client: FlaskClient) -> None:
    page = failed(client, name="", email="nope")
    summary = tag(page, "#signup .action-error-summary")
    assert summary["tabindex"] == "-1"
    assert summary["role"] == "alert"
    assert summary.find(["h2"]) is not None
    links = [(str(link["href"]), link.get_text(strip=True)) for link in summary.select("a")]
    assert links == [("#name", "This field is required."),
                     ("#signup-email", "Enter an e-mail address.")]
    heading = summary.find("h2")
    assert isinstance(heading, Tag) and summary["aria-labelledby"] == heading["id"]


def test_no_summary_before_a_failure_nor_for_another_form(client: FlaskClient) -> None:
    assert Page.get(client, "/signup").soup.select(".action-error-summary") == []
    page = failed(client, **INVALID)
    assert page.soup.select("#ping .action-error-summary") == []
    assert "aria-invalid" not in tag(page, "#note").attrs


def test_title_carries_the_error_prefix_after_a_failure(client: FlaskClient) -> None:
    assert Page.get(client, "/signup").text("title") == "Sign up"
    assert failed(client, **INVALID).text("title") == "Error: Sign up"


def test_title_prefix_is_configurable() -> None:
    client = create_app(SERVER_ACTIONS_ERROR_TITLE_PREFIX="Fehler – ").test_client()
    assert failed(client, **INVALID).text("title") == "Fehler – Sign up"


def test_live_field_is_marked_for_the_client_script(client: FlaskClient) -> None:
    page = Page.get(client, "/signup")
    assert tag(page, "#name").has_attr("data-action-live")
    assert not tag(page, "#note").has_attr("data-action-live")


@pytest.mark.parametrize("selector", ["#action-notice", "#signup .action-notice-live",
                                      "#ping .action-notice-live"])
def test_notice_is_an_empty_live_region_without_a_message(client: FlaskClient,
                                                          selector: str) -> None:
    region = tag(Page.get(client, "/signup"), selector)
    assert region["role"] == "status"
    assert region["aria-live"] == "polite"
    assert region.get_text(strip=True) == ""


def test_notice_region_holds_the_message_after_a_failure(client: FlaskClient) -> None:
    page = failed(client, **INVALID)
    live = tag(page, "#signup .action-notice-live")
    assert live.get_text(strip=True) == "Please correct the marked fields and submit again."
    assert tag(page, "#ping .action-notice-live").get_text(strip=True) == ""


def test_action_error_marks_a_raw_form_field_and_the_summary(app: Flask) -> None:
    @app.get("/raw")
    def raw() -> str:
        def save(form: MultiDict[str, str]) -> None:
            "use server"
            raise ActionError("That slug is taken.", field="slug")

        return render_template_string(
            '<form method="post">{{ action(save) }}{{ action.error_summary() }}'
            '{{ action.field_error("slug") }}<input {{ action.field("slug") }}>'
            '<button>Go</button></form>', save=save)

    client = app.test_client()
    response = Page.get(client, "/raw").form().submit(slug="x")
    page = Page(client, "/raw", response)
    assert tag(page, "#slug")["aria-invalid"] == "true"
    assert tag(page, "#slug-error").get_text() == "That slug is taken."
    assert tag(page, ".action-error-summary a")["href"] == "#slug"


def test_title_escapes_its_text_once_after_a_failure() -> None:
    app = Flask(__name__)
    app.config.update(SECRET_KEY="title secret", SERVER_ACTIONS_ERROR_TITLE_PREFIX="Oops & ")
    from flask_server_actions import ServerActions

    ServerActions(app)

    @app.get("/fish")
    def fish() -> str:
        def order(form: MultiDict[str, str]) -> None:
            "use server"
            raise ActionError("Sold out.")

        return render_template_string(
            '<title>{% set t %}Fish & {{ "chips & peas" }}{% endset %}{{ action.title(t) }}'
            '|{{ action.title("Salt & vinegar") }}</title>'
            '<form id="f" method="post">{{ action(order) }}<button>Go</button></form>',
            order=order)

    client = app.test_client()
    # The block is markup (its literal "&" as written), the string is text.
    assert "Fish & chips &amp; peas|Salt &amp; vinegar" in client.get("/fish").get_data(
        as_text=True)
    response = Page.get(client, "/fish").form("#f").submit()
    assert response.status_code == 422
    assert ("Oops &amp; Fish & chips &amp; peas|Oops &amp; Salt &amp; vinegar"
            in response.get_data(as_text=True))


class Profile(WTForm):
    name = StringField("Name", [DataRequired()])
    bio = TextAreaField("Bio", [Length(max=5)])
    kind = SelectField("Kind", choices=["person", "team"])


@server_action(form=Profile)
def save_profile(form: Profile) -> None:
    pass


WTFORMS_PAGE = """<form id="profile" method="post">{{ action(save_profile) }}
{{ action.error_summary({"kind": "profile-kind"}) }}
{{ form.name(**action.attrs("name", live=True)) }}{{ action.field_error("name") }}
{{ action.field(form.bio, class_="wide") }}{{ action.field_error(form.bio) }}
{{ action.field(form.kind, id="profile-kind") }}{{ action.field_error(form.kind) }}
<button>Save</button></form>"""


@pytest.fixture
def wtforms_client() -> FlaskClient:
    app = Flask(__name__)
    app.config["SECRET_KEY"] = "wtforms fields"
    ServerActions(app)

    @app.get("/profile")
    def profile() -> str:
        form = action_state(save_profile).form or Profile()
        return render_template_string(WTFORMS_PAGE, form=form, save_profile=save_profile)

    return app.test_client()


def test_wtforms_fields_get_the_accessible_attributes_without_hand_written_inputs(
        wtforms_client: FlaskClient) -> None:
    page = Page.get(wtforms_client, "/profile")
    name, bio, kind = tag(page, "input#name"), tag(page, "textarea#bio"), tag(page, "select")
    assert name.has_attr("data-action-live") and name.has_attr("required")
    assert bio["class"] == ["wide"] and kind["id"] == "profile-kind"
    assert not any(field.has_attr("aria-invalid") for field in (name, bio, kind))
    assert tag(page, "#profile-kind-error").get_text(strip=True) == ""
    response = page.form("#profile").submit(name="", bio="too long", kind="nobody")
    assert response.status_code == 422
    page = Page(wtforms_client, "/profile", response)
    for field_id, field_tag in (("name", "input"), ("bio", "textarea"),
                                ("profile-kind", "select")):
        field = tag(page, f"{field_tag}#{field_id}")
        assert field["aria-invalid"] == "true"
        assert field["aria-describedby"] == f"{field_id}-error"
        assert tag(page, f"#{field_id}-error").get_text(strip=True)
    assert tag(page, "textarea#bio").get_text(strip=True) == "too long"  # the input is kept
    links = [str(link["href"]) for link in page.soup.select(".action-error-summary a")]
    assert links == ["#name", "#bio", "#profile-kind"]
