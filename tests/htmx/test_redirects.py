"""Redirects after an action: headers htmx follows instead of a 303 fetch
would follow silently."""

from __future__ import annotations

import json

import pytest
from flask.testing import FlaskClient
from werkzeug.test import TestResponse

from ..html import Page
from .htmx_app import create_app

HX = {"HX-Request": "true"}
BOOSTED = {**HX, "HX-Boosted": "true"}


def submit(client: FlaskClient, title: str, headers: dict[str, str] | None = None) -> TestResponse:
    return Page.get(client, "/posts/1").form("#plain").submit(title=title, headers=headers)


@pytest.mark.parametrize(("headers", "header"), [
    (HX, "HX-Redirect"),  # a full page load: the target is only part of the page
    (BOOSTED, "HX-Location"),  # an ajax navigation, like the boosted one
])
def test_redirect_becomes_the_htmx_header_by_default(client: FlaskClient, headers: dict[str, str],
                                                     header: str) -> None:
    response = submit(client, "home", headers)
    assert response.status_code == 200
    assert response.headers[header] == "/"
    assert "Location" not in response.headers


@pytest.mark.parametrize(("mode", "headers", "header"), [
    ("redirect", BOOSTED, "HX-Redirect"),
    ("location", HX, "HX-Location"),
])
def test_setting_picks_one_header_for_every_request(mode: str, headers: dict[str, str],
                                                    header: str) -> None:
    client = create_app(SERVER_ACTIONS_HTMX_REDIRECT=mode).test_client()
    assert submit(client, "home", headers).headers[header] == "/"


def test_unknown_redirect_setting_is_a_clear_error() -> None:
    app = create_app(SERVER_ACTIONS_HTMX_REDIRECT="sometimes")
    app.testing = True
    with pytest.raises(ValueError, match="SERVER_ACTIONS_HTMX_REDIRECT is 'sometimes'"):
        submit(app.test_client(), "home", HX)


def test_off_site_redirect_is_refused_for_htmx_too(client: FlaskClient) -> None:
    response = submit(client, "elsewhere", HX)
    assert response.status_code == 400
    assert "HX-Redirect" not in response.headers


def test_client_redirect_passes_to_htmx(client: FlaskClient) -> None:
    assert submit(client, "client", HX).headers["HX-Redirect"] == "/"


@pytest.mark.parametrize("title", ["client", "location"])
def test_client_redirects_become_a_303_for_a_plain_post(client: FlaskClient, title: str) -> None:
    response = submit(client, title)
    assert (response.status_code, response.headers["Location"]) == (303, "/")


def test_client_location_keeps_its_options_for_htmx(client: FlaskClient) -> None:
    header = submit(client, "location", HX).headers["HX-Location"]
    assert json.loads(header) == {"path": "/", "target": "#main"}


@pytest.mark.parametrize("headers", [HX, None])
def test_off_site_client_redirect_is_refused(client: FlaskClient,
                                             headers: dict[str, str] | None) -> None:
    assert submit(client, "client-elsewhere", headers).status_code == 400


def test_none_without_a_fragment_redirects_htmx_by_header(client: FlaskClient) -> None:
    # fetch would follow a 303 silently and swap the page into the form.
    response = submit(client, "plain", BOOSTED)
    assert (response.status_code, response.headers["HX-Location"]) == (200, "/posts/1")
