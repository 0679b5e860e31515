"""Under htmx, a refused or failed action never swaps an error page into its
target: the message goes to the page's notice region and the rest of the
page stays as it was (issue 19, item 2)."""

from __future__ import annotations

import io

import pytest
from bs4 import BeautifulSoup
from flask import Flask
from flask import abort
from flask import request
from flask.testing import FlaskClient
from werkzeug.test import TestResponse

from ..html import Page
from ..store import STORE
from .rows_app import ROWS
from .rows_app import create_app

HX = {"HX-Request": "true"}


@pytest.fixture
def app() -> Flask:
    return create_app()


def notice_of(response: TestResponse) -> str:
    """The message of an answer that goes to the notice region, checking
    that it goes there and carries nothing else."""
    assert response.headers["HX-Retarget"] == "#action-notice"
    assert response.headers["HX-Reswap"] == "innerHTML"
    html = BeautifulSoup(response.get_data(as_text=True), "html.parser")
    assert html.find("li") is None and html.find("html") is None and html.find("h1") is None
    found = html.select_one("p.action-notice[role=alert]")
    assert found is not None, response.get_data(as_text=True)
    return found.get_text()


def test_the_page_has_an_empty_notice_region_before_any_message(client: FlaskClient) -> None:
    region = Page.get(client, "/rows").soup.select_one("#action-notice")
    assert region is not None and region.get_text(strip=True) == ""


def test_a_row_deleted_meanwhile_answers_404_in_the_notice_region(client: FlaskClient) -> None:
    page = Page.get(client, "/rows")
    del ROWS[2]  # a teammate deleted it
    response = page.form("#row-2 form").submit(".toggle", headers=HX)
    assert response.status_code == 404
    assert "no longer exists" in notice_of(response)


def test_the_apps_own_404_page_is_not_swapped_into_the_row(app: Flask,
                                                            client: FlaskClient) -> None:
    app.register_error_handler(404, lambda error: ("<html><h1>Lost?</h1></html>", 404))
    page = Page.get(client, "/rows")
    del ROWS[2]
    response = page.form("#row-2 form").submit(title="New", headers=HX)
    assert response.status_code == 404
    assert "no longer exists" in notice_of(response)


def test_a_guard_that_refuses_answers_403_in_the_notice_region(app: Flask,
                                                               client: FlaskClient) -> None:
    page = Page.get(client, "/rows")
    app.config["ROWS_READ_ONLY"] = True
    response = page.form("#row-1 form").submit(".delete", headers=HX)
    assert response.status_code == 403
    assert "not allowed" in notice_of(response)
    assert STORE == []


def test_a_token_that_does_not_open_answers_400_in_the_notice_region(
        client: FlaskClient) -> None:
    form = Page.get(client, "/rows").form("#add")
    response = form.submit(title="x", __action="forged", headers=HX)
    assert response.status_code == 400
    assert "could not be processed" in notice_of(response)


def test_without_htmx_the_error_page_is_the_apps(app: Flask, client: FlaskClient) -> None:
    app.register_error_handler(404, lambda error: ("<html><h1>Lost?</h1></html>", 404))
    page = Page.get(client, "/rows")
    del ROWS[2]
    response = page.form("#row-2 form").submit(".toggle")
    assert (response.status_code, "HX-Retarget" in response.headers) == (404, False)
    assert "Lost?" in response.get_data(as_text=True)


def test_an_error_answer_the_action_chose_is_sent_as_it_is(client: FlaskClient) -> None:
    response = Page.get(client, "/rows").form("#add").submit(title="conflict", headers=HX)
    assert response.status_code == 409
    assert "HX-Retarget" not in response.headers
    assert response.get_data(as_text=True) == "<p id='conflict'>Chosen</p>"


def test_an_error_description_the_app_wrote_is_the_message(app: Flask,
                                                         client: FlaskClient) -> None:
    @app.before_request
    def closed() -> None:
        if request.method == "POST":
            abort(403, "The board is closed for the night.")

    page = Page.get(client, "/rows")
    response = page.form("#row-1 form").submit(".toggle", headers=HX)
    assert notice_of(response) == "The board is closed for the night."


@pytest.mark.parametrize(("status", "message"), [
    (418, "This could not be done (418)."),
    (404, "What this form acts on no longer exists: it may have been deleted."),
    (500, "Something went wrong on our side. Please try again later."),
])
def test_an_error_without_a_message_of_its_own_says_what_its_status_means(
        app: Flask, client: FlaskClient, status: int, message: str) -> None:
    @app.before_request
    def refuse() -> None:
        if request.method == "POST":
            abort(status)

    page = Page.get(client, "/rows")
    response = page.form("#row-1 form").submit(".toggle", headers=HX)
    assert (response.status_code, notice_of(response)) == (status, message)


def test_an_error_page_the_app_retargets_itself_is_sent_as_it_is(
        app: Flask, client: FlaskClient) -> None:
    def as_page(error: Exception) -> tuple[str, int, dict[str, str]]:
        return "<h1>Lost?</h1>", 404, {"HX-Retarget": "body"}

    app.register_error_handler(404, as_page)
    page = Page.get(client, "/rows")
    del ROWS[2]
    response = page.form("#row-2 form").submit(".toggle", headers=HX)
    assert (response.headers["HX-Retarget"], response.get_data(as_text=True)) == (
        "body", "<h1>Lost?</h1>")


@pytest.mark.parametrize("headers", [HX, {**HX, "HX-Boosted": "true"}])
def test_a_form_over_the_size_limit_answers_413_in_the_notice_region(
        app: Flask, client: FlaskClient, headers: dict[str, str]) -> None:
    # Refused while the post is routed, before it is known to be an action's.
    app.config["MAX_CONTENT_LENGTH"] = 1024
    form = Page.get(client, "/rows").form("#add")
    response = form.submit(title="x", headers=headers,
                           files={"attachment": (io.BytesIO(b"x" * 4096), "deck.pdf")})
    assert response.status_code == 413
    assert "too large" in notice_of(response)


def test_a_multipart_form_that_arrived_incomplete_answers_400_in_the_notice_region(
        client: FlaskClient) -> None:
    token = Page.get(client, "/rows").form("#add").token()
    body = (b'--b0undary\r\nContent-Disposition: form-data; name="__action"\r\n\r\n'
            + token.encode() + b'\r\n--b0undary\r\nContent-Disposition: form-data; name="na')
    response = client.post("/rows", data=body, headers={
        **HX, "Origin": "http://localhost",
        "Content-Type": "multipart/form-data; boundary=b0undary"})
    assert response.status_code == 400
    assert "arrived incomplete" in notice_of(response)


def test_a_form_over_the_size_limit_without_htmx_gets_the_error_page(
        app: Flask, client: FlaskClient) -> None:
    app.config["MAX_CONTENT_LENGTH"] = 1024
    form = Page.get(client, "/rows").form("#add")
    response = form.submit(title="x", files={"attachment": (io.BytesIO(b"x" * 4096), "a")})
    assert (response.status_code, "HX-Retarget" in response.headers) == (413, False)


def test_a_413_of_a_view_that_is_no_page_is_the_views(app: Flask, client: FlaskClient) -> None:
    @app.post("/upload")
    def upload() -> str:
        return str(len(request.files))

    app.config["MAX_CONTENT_LENGTH"] = 1024
    response = client.post("/upload", headers=HX, data={
        "attachment": (io.BytesIO(b"x" * 4096), "a")})
    assert (response.status_code, "HX-Retarget" in response.headers) == (413, False)
