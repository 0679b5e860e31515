"""Submit rendered forms through Flask's test client as a browser would.

A test gets a page, picks a form, fills fields and clicks a button; the
helper sends exactly what a browser sends: every named input of the form,
the clicked button's name and value, an ``Origin`` header, and the cookies
the client holds.
"""

from __future__ import annotations

import typing as t

from bs4 import BeautifulSoup
from bs4 import Tag
from flask.testing import FlaskClient
from werkzeug.test import TestResponse

ORIGIN = "http://localhost"


class Page:
    """A rendered HTML page and the URL it came from."""

    def __init__(self, client: FlaskClient, url: str, response: TestResponse) -> None:
        self.client = client
        self.url = url
        self.response = response
        self.soup = BeautifulSoup(response.get_data(as_text=True), "html.parser")

    @classmethod
    def get(cls, client: FlaskClient, url: str) -> Page:
        response = client.get(url)
        assert response.status_code == 200, response.get_data(as_text=True)
        return cls(client, url, response)

    def form(self, selector: str = "form") -> Form:
        found = self.soup.select_one(selector)
        assert isinstance(found, Tag), f"no {selector!r} on the page"
        return Form(self, found)

    def text(self, selector: str) -> str:
        found = self.soup.select_one(selector)
        return found.get_text(strip=True) if found is not None else ""

    def value(self, name: str) -> str:
        found = self.soup.select_one(f'input[name="{name}"]')
        assert isinstance(found, Tag), f"no input {name!r}"
        return str(found.get("value", ""))


class Form:
    """One ``<form>`` of a page."""

    def __init__(self, page: Page, tag: Tag) -> None:
        self.page = page
        self.tag = tag

    def fields(self) -> list[tuple[str, str]]:
        return [(str(tag["name"]), str(tag.get("value", "")))
                for tag in self.tag.find_all("input") if tag.get("name")]

    def token(self) -> str:
        return dict(self.fields())["__action"]

    def submit(self, button: str | None = None, *, headers: dict[str, str] | None = None,
               files: dict[str, t.Any] | None = None, **values: str) -> TestResponse:
        """Fill ``values`` in, click the button matching ``button`` (a CSS
        selector; default: the first submit button) and post."""
        data: list[tuple[str, t.Any]] = [
            (name, values.pop(name, value)) for name, value in self.fields()]
        data.extend(values.items())
        clicked = (self.tag.select_one(button) if button
                   else self.tag.find("button"))
        if isinstance(clicked, Tag) and clicked.get("name"):
            data.append((str(clicked["name"]), str(clicked.get("value", ""))))
        body: dict[str, t.Any] = {}
        for name, value in data:
            body.setdefault(name, []).append(value)
        if files:
            body.update(files)
        target = str(self.tag.get("action") or self.page.url)
        return self.page.client.post(target, data=body,
                                     headers={"Origin": ORIGIN, **(headers or {})})
