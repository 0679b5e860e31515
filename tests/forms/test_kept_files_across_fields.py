"""Kept files on a form with several file fields (one single, one multiple):
each field keeps, restores, replaces and drops its own files, whatever
happens to another field's; what a kept file carries; and kept files on a
page shown again because a reference expired, a token expired or a store
did not answer."""

from __future__ import annotations

import binascii
import logging
import os
import time
import typing as t

import pytest
from flask import Flask
from flask import render_template_string
from werkzeug.datastructures import FileStorage
from wtforms import FileField
from wtforms import Form
from wtforms import MultipleFileField
from wtforms import StringField
from wtforms.validators import DataRequired

from flask_server_actions import ServerActions
from flask_server_actions import action_state
from flask_server_actions import server_action
from flask_server_actions.errors import StoreUnavailable
from flask_server_actions.integrations.stores import MemoryStore
from flask_server_actions.post import uploads
from flask_server_actions.post.uploads import FIELD
from flask_server_actions.token.envelope import CLOCK_SKEW
from flask_server_actions.token.envelope import binding_tag

from ..html import Page
from ..store import STORE
from .test_kept_files import Upload
from .test_kept_files import send
from .test_kept_files import stored

COVER: Upload = (b"cover", "cover.png", "image/png")
PAGE_1: Upload = (b"page one", "p1.txt", "text/plain")
PAGE_2: Upload = (b"page two", "p2.txt", "text/plain")
REF = ("tests.forms.test_kept_files_across_fields:create_app.<locals>.dossier"
       ".<locals>.file_dossier")


class DossierForm(Form):
    title = StringField("Title", [DataRequired()])
    cover = FileField("Cover")
    pages = MultipleFileField("Pages")


PAGE = """{{ action.notice() }}
<form id="dossier" method="post" enctype="multipart/form-data">
  {{ action(file_dossier) }}
  {{ form.title() }}
  <input type="file" name="cover">{{ action.kept_files('cover') }}
  <input type="file" name="pages" multiple><div id="pages">{{ action.kept_files('pages') }}</div>
  <button>File</button>
</form>"""


def named(file: object) -> tuple[str, str, bytes, str] | None:
    """A file the action got: its field's name, filename, bytes and type."""
    if not isinstance(file, FileStorage) or not file.filename:
        return None
    data = file.read()
    file.seek(0)
    return (str(file.name), file.filename, data, file.content_type or "")


def create_app(folder: str, **config: t.Any) -> Flask:
    app = Flask(__name__)
    app.config.update(SECRET_KEY="dossier secret", SERVER_ACTIONS_UPLOAD_DIR=folder, **config)
    ServerActions(app)

    @app.get("/dossier")
    def dossier() -> str:
        @server_action(form=DossierForm, limit="5/60")
        def file_dossier(form: DossierForm) -> None:
            STORE.append((form.title.data, named(form.cover.data),
                          [named(page) for page in form.pages.data if named(page)]))

        form = action_state(file_dossier).form_for(DossierForm)
        return render_template_string(PAGE, file_dossier=file_dossier, form=form)

    return app


@pytest.fixture
def app(tmp_path: t.Any) -> Flask:
    return create_app(str(tmp_path / "kept"))


def failed(page: Page, files: dict[str, list[Upload]], references: list[str] | None = None,
           status: int = 422) -> Page:
    """Post the dossier without a title: the page comes back."""
    response = send(page.form("#dossier"), files, references, title="")
    assert response.status_code == status, response.get_data(as_text=True)
    return Page(page.client, "/dossier", response)


def kept(page: Page, field: str) -> list[str]:
    """The references the page shows for ``field``."""
    found = page.soup.select(f'#dossier input[name="{FIELD}"]')
    return [str(tag["value"]) for tag in found
            if tag.find_previous("input", attrs={"type": "file"})["name"] == field]


def test_every_file_of_a_multiple_field_is_kept_and_shown_one_after_another(
        app: Flask) -> None:
    page = failed(Page.get(app.test_client(), "/dossier"), {"pages": [PAGE_1, PAGE_2]})
    assert len(kept(page, "pages")) == 2
    labels = page.soup.select("#pages > label.action-kept-file")
    # Nothing between two kept files' labels but the labels themselves.
    assert page.soup.select_one("#pages").decode_contents() == "".join(map(str, labels))
    assert send(page.form("#dossier"), title="Filed").status_code == 303
    assert STORE == [("Filed", None, [("pages", "p1.txt", b"page one", "text/plain"),
                                      ("pages", "p2.txt", b"page two", "text/plain")])]


def test_a_new_file_in_one_field_leaves_the_other_fields_kept_file(app: Flask) -> None:
    page = failed(Page.get(app.test_client(), "/dossier"), {"cover": [COVER], "pages": [PAGE_1]})
    assert len(kept(page, "cover")) == len(kept(page, "pages")) == 1
    response = send(page.form("#dossier"), {"cover": [(b"v2", "v2.png", "image/png")]},
                    title="Filed")
    assert response.status_code == 303
    # The restored file is the field's own, by its name too.
    assert STORE == [("Filed", ("cover", "v2.png", b"v2", "image/png"),
                      [("pages", "p1.txt", b"page one", "text/plain")])]
    assert stored(app) == []


def test_a_new_file_in_a_field_after_empty_parts_replaces_its_kept_file(app: Flask) -> None:
    page = failed(Page.get(app.test_client(), "/dossier"), {"pages": [PAGE_1]})
    # Two parts for the field, the first left empty: a file was still chosen.
    response = send(page.form("#dossier"),
                    {"pages": [(b"", "", "application/octet-stream"), PAGE_2]}, title="Filed")
    assert response.status_code == 303
    assert STORE == [("Filed", None, [("pages", "p2.txt", b"page two", "text/plain")])]
    assert stored(app) == []


def test_the_files_per_post_count_every_field(tmp_path: t.Any) -> None:
    app = create_app(str(tmp_path), SERVER_ACTIONS_KEPT_UPLOADS_PER_POST=2)
    page = failed(Page.get(app.test_client(), "/dossier"),
                  {"cover": [COVER], "pages": [PAGE_1, PAGE_2]})
    assert (len(kept(page, "cover")), len(kept(page, "pages"))) == (1, 1)
    assert len(stored(app)) == 2


def test_a_file_part_without_a_content_type_is_kept_without_one(app: Flask) -> None:
    client = app.test_client()
    form = Page.get(client, "/dossier").form("#dossier")
    boundary = "dossier-boundary"
    parts = [f'Content-Disposition: form-data; name="{name}"\r\n\r\n{value}'
             for name, value in [*form.fields(), ("title", "")] if name != "title"]
    parts.append('Content-Disposition: form-data; name="cover"; filename="raw.bin"\r\n\r\nraw')
    body = "".join(f"--{boundary}\r\n{part}\r\n" for part in parts) + f"--{boundary}--\r\n"
    response = client.post("/dossier", data=body.encode(), headers={
        "Origin": "http://localhost", "Content-Type": f"multipart/form-data; boundary={boundary}"})
    assert response.status_code == 422, response.get_data(as_text=True)
    page = Page(client, "/dossier", response)
    assert send(page.form("#dossier"), title="Filed").status_code == 303
    assert STORE == [("Filed", ("cover", "raw.bin", b"raw", ""), [])]


def test_a_kept_file_says_which_session_and_action_it_is_bound_to(app: Flask) -> None:
    with app.test_client() as client:
        page = failed(Page.get(client, "/dossier"), {"cover": [COVER]})
        with client.session_transaction() as browser:
            binding = binding_tag(browser["_server_actions"])
        [new] = uploads.kept_files("cover")  # stored by this post
        failed(page, {})
        [again] = uploads.kept_files("cover")  # restored from its reference
    assert (new.binding, new.ref) == (again.binding, again.ref) == (binding, REF)
    assert again.reference == new.reference


def test_a_kept_file_gone_from_the_storage_is_logged_as_gone(
        app: Flask, caplog: pytest.LogCaptureFixture) -> None:
    page = failed(Page.get(app.test_client(), "/dossier"), {"cover": [COVER]})
    for name in stored(app):
        os.remove(os.path.join(app.config["SERVER_ACTIONS_UPLOAD_DIR"], name))
    with caplog.at_level(logging.INFO):
        response = send(page.form("#dossier"), title="Filed")
    assert response.status_code == 422
    assert ("Refused an action post to '/dossier': a kept file is gone from the upload"
            " storage") in caplog.messages
    assert STORE == []


class Clock:
    """``time.time`` that moves only when told."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.now = time.time()
        monkeypatch.setattr(time, "time", lambda: self.now)


def kept_at_two_times(app: Flask, clock: Clock) -> tuple[Page, str, str]:
    """Two failed posts 95 s apart, for an app whose kept files live 100 s:
    the cover kept by the first, the pages' file by the second. Gives the
    second page and the two references."""
    first = failed(Page.get(app.test_client(), "/dossier"), {"cover": [COVER]})
    [cover] = kept(first, "cover")
    clock.now += 95
    second = failed(first, {"pages": [PAGE_1]})
    [pages] = kept(second, "pages")
    assert kept(second, "cover") == [cover]
    return second, cover, pages


def test_an_expired_kept_file_leaves_the_other_kept_files_kept(
        tmp_path: t.Any, monkeypatch: pytest.MonkeyPatch) -> None:
    app = create_app(str(tmp_path), SERVER_ACTIONS_KEPT_UPLOAD_MAX_AGE=100)
    clock = Clock(monkeypatch)
    second, _, pages = kept_at_two_times(app, clock)
    clock.now += 5 + CLOCK_SKEW + 1  # the cover's reference is over its lifetime
    response = send(second.form("#dossier"), title="Filed")
    assert response.status_code == 422
    third = Page(second.client, "/dossier", response)
    assert "no longer kept" in third.text(".action-notice")
    assert (kept(third, "cover"), kept(third, "pages")) == ([], [pages])
    assert STORE == []


def test_an_expired_form_keeps_the_kept_file_of_a_field_after_a_new_file(
        app: Flask, monkeypatch: pytest.MonkeyPatch) -> None:
    clock = Clock(monkeypatch)
    client = app.test_client()
    opened = Page.get(client, "/dossier")  # its token is the one that expires
    clock.now += app.config["SERVER_ACTIONS_MAX_AGE"] - 10
    [pages] = kept(failed(opened, {"pages": [PAGE_1]}), "pages")
    clock.now += 11
    # A new cover cannot be kept for an expired token; the pages' file is.
    response = send(opened.form("#dossier"), {"cover": [COVER]}, [pages], title="")
    assert response.status_code == 422
    page = Page(client, "/dossier", response)
    assert "expired" in page.text(".action-notice")
    assert (kept(page, "cover"), kept(page, "pages")) == ([], [pages])


class Failing(MemoryStore):
    """A memory store that stops answering when told."""

    down = False

    def hit(self, key: str, window: int) -> tuple[int, float]:
        if self.down:
            raise StoreUnavailable("the store did not answer")
        return super().hit(key, window)


@pytest.mark.parametrize("refused", ["forged", "expired"])
def test_with_the_store_down_each_reference_that_opens_is_kept(
        tmp_path: t.Any, monkeypatch: pytest.MonkeyPatch, refused: str) -> None:
    store = Failing()
    app = create_app(str(tmp_path), SERVER_ACTIONS_KEPT_UPLOAD_MAX_AGE=100,
                     SERVER_ACTIONS_STORE=store)
    clock = Clock(monkeypatch)
    second, cover, pages = kept_at_two_times(app, clock)
    if refused == "forged":
        middle = len(cover) // 2
        cover = cover[:middle] + ("B" if cover[middle] == "A" else "A") + cover[middle + 1:]
    else:
        clock.now += 5 + CLOCK_SKEW + 1
    # The limit's store does not answer: the page is shown again at once,
    # with the references that still open.
    store.down = True
    response = send(second.form("#dossier"), references=[cover, pages], title="Filed")
    assert response.status_code == 503
    page = Page(second.client, "/dossier", response)
    assert page.value("title") == "Filed"
    assert (kept(page, "cover"), kept(page, "pages")) == ([], [pages])


def test_a_redis_upload_storage_waits_the_store_timeout(tmp_path: t.Any) -> None:
    app = create_app(str(tmp_path), SERVER_ACTIONS_UPLOAD_STORAGE="redis://127.0.0.1:9/0",
                     SERVER_ACTIONS_STORE_TIMEOUT=0.25)
    storage = uploads.storage(app)
    assert isinstance(storage, uploads.RedisUploadStorage)
    options = storage.client.connection_pool.connection_kwargs
    assert (options["socket_timeout"], options["socket_connect_timeout"]) == (0.25, 0.25)


def test_a_reference_of_another_kind_names_no_key_of_this_app(
        app: Flask, caplog: pytest.LogCaptureFixture) -> None:
    page = failed(Page.get(app.test_client(), "/dossier"), {"cover": [COVER]})
    [cover] = kept(page, "cover")
    raw = bytearray(binascii.a2b_base64(
        (cover + "=" * (-len(cover) % 4)).replace("-", "+").replace("_", "/")))
    raw[0:1] = b"T"  # the kind byte; the key id stays this app's
    other = binascii.b2a_base64(bytes(raw), newline=False).decode()
    other = other.replace("+", "-").replace("/", "_").rstrip("=")
    with caplog.at_level(logging.INFO):
        response = send(page.form("#dossier"), references=[other], title="Filed")
    assert response.status_code == 400
    assert ("Refused a kept file of a post to '/dossier': a kept file's reference names no"
            " key of this app") in caplog.messages
