"""Posting a rendered form with values the shared helper cannot express:
several values for one name (checkboxes, multi-selects) and raw bodies."""

from __future__ import annotations

import typing as t

from flask.testing import FlaskClient
from werkzeug.test import TestResponse

from ..html import ORIGIN
from ..html import Form
from ..html import Page


def post(form: Form, **values: t.Any) -> TestResponse:
    """Post ``form``'s hidden inputs (its token) with ``values``, encoded as
    the form's ``enctype`` says; a list value sends the name once per item."""
    body: dict[str, t.Any] = {name: value for name, value in form.fields()
                              if name.startswith("__action")}
    body.update(values)
    return form.page.client.post(form.page.url, data=body, headers={"Origin": ORIGIN},
                                 content_type=str(form.tag.get("enctype") or
                                                  "application/x-www-form-urlencoded"))


def submit_page(client: FlaskClient, url: str, status: int, selector: str = "#edit",
                **values: str) -> Page:
    """Get ``url``, submit its form with ``values``, check the status and
    return the page that came back."""
    response = Page.get(client, url).form(selector).submit(**values)
    assert response.status_code == status, response.get_data(as_text=True)
    return Page(client, url, response)
