"""Attacks on kept uploads: copies of one reference, parking files without
limit, files their own validators refused, other local users reading them,
and validate requests (live validation) that must spend nothing of the
real post."""

from __future__ import annotations

import io
import json
import logging
import os
import stat
import time
import typing as t
import uuid
from urllib.parse import urlencode

import pytest
from flask import Flask
from werkzeug.datastructures import FileStorage
from werkzeug.test import TestResponse
from werkzeug.test import encode_multipart

from flask_server_actions.errors import FormTooLarge
from flask_server_actions.post import uploads
from flask_server_actions.post.uploads import FIELD
from flask_server_actions.post.uploads import DirectoryStorage
from flask_server_actions.post.uploads import RedisUploadStorage

from ..forms.app_uploads import create_app
from ..forms.test_kept_files import PDF
from ..forms.test_kept_files import failed_with_report
from ..forms.test_kept_files import kept_references
from ..forms.test_kept_files import send
from ..forms.test_kept_files import stored
from ..html import Form
from ..html import Page
from ..store import STORE

GIF = b"GIF89a a cat"
MIB = 1024 * 1024


class Counting(DirectoryStorage):
    """The directory storage, counting what is opened, saved and open at once."""

    def __init__(self, path: str) -> None:
        super().__init__(path)
        self.opened = 0
        self.open_now = 0
        self.most_open = 0
        self.saved: list[tuple[int, int]] = []  # (size, ttl)

    def open(self, upload_id: str) -> t.IO[bytes] | None:
        stream = super().open(upload_id)
        if stream is None:
            return None
        self.opened += 1
        self.open_now += 1
        self.most_open = max(self.most_open, self.open_now)
        close = stream.close

        def closed() -> None:
            if not stream.closed:
                self.open_now -= 1
            close()

        stream.close = closed  # type: ignore[method-assign]
        return stream

    def save(self, upload_id: str, stream: t.IO[bytes], ttl: int) -> int:
        size = super().save(upload_id, stream, ttl)
        self.saved.append((size, ttl))
        return size


@pytest.fixture
def app(tmp_path: t.Any) -> Flask:
    return create_app(SERVER_ACTIONS_UPLOAD_DIR=str(tmp_path / "kept"))


@pytest.fixture
def storage(app: Flask) -> Counting:
    counting = Counting(app.config["SERVER_ACTIONS_UPLOAD_DIR"])
    app.config["SERVER_ACTIONS_UPLOAD_STORAGE"] = counting
    return counting


def post_urlencoded(form: Form, pairs: list[tuple[str, str]]) -> TestResponse:
    """Post ``pairs`` as an urlencoded body, as a script can."""
    return form.page.client.post(form.page.url, data=urlencode(pairs),
                                 content_type="application/x-www-form-urlencoded",
                                 headers={"Origin": "http://localhost"})


def token_of(form: Form) -> str:
    return dict(form.fields())["__action"]


def failed_application(app: Flask, client: t.Any = None,
                       cv: tuple[bytes, str, str] = (PDF, "cv.pdf", "application/pdf")) -> Page:
    """Apply without a name: the page comes back (with the CV kept if valid)."""
    client = client or app.test_client()
    form = Page.get(client, "/docs").form("#apply")
    response = send(form, {"cv": [cv]}, name="")
    assert response.status_code == 422, response.get_data(as_text=True)
    return Page(client, "/docs", response)


def validate(form: Form, files: dict[str, list[tuple[bytes, str, str]]] | None = None,
             references: list[str] | None = None, leave_out_files: bool = False,
             **values: str) -> TestResponse:
    """A validate request (``Precognition: true``) of ``form``, as client.js
    sends it: without its file parts unless the form asks for them."""
    data: dict[str, list[t.Any]] = {}
    for name, value in form.fields():
        tag = form.tag.find("input", attrs={"name": name})
        if name == FIELD and references is not None:
            continue
        if tag is not None and tag.get("type") == "file":
            if leave_out_files:
                continue
            chosen = (files or {}).get(name) or [(b"", "", "application/octet-stream")]
            data[name] = [(io.BytesIO(body), filename, kind) for body, filename, kind in chosen]
            continue
        data.setdefault(name, []).append(values.pop(name, value))
    for name, value in values.items():
        data.setdefault(name, []).append(value)
    if references:
        data[FIELD] = list(references)
    return form.page.client.post(form.page.url, data=data, content_type="multipart/form-data",
                                 headers={"Origin": "http://localhost", "Precognition": "true"})


# 1. One kept file, restored once, however many copies of its reference.

def _copies_restore_one_file(app: Flask, storage: Counting | CountingRedis) -> None:
    page = failed_with_report(app)
    [reference] = kept_references(page)
    response = send(page.form("#doc"), references=[reference] * 100, title="Fixed")
    assert response.status_code == 303
    assert STORE == [("save", "Fixed", ("report.pdf", PDF, "application/pdf"))]
    assert storage.opened == 1


def test_100_copies_of_a_reference_restore_one_file(app: Flask, storage: Counting) -> None:
    _copies_restore_one_file(app, storage)


class CountingRedis(RedisUploadStorage):
    """The Redis storage, counting the files read into memory."""

    opened = 0

    def open(self, upload_id: str) -> t.IO[bytes] | None:
        self.opened += 1
        return super().open(upload_id)


def test_100_copies_with_redis_storage_read_the_file_once(redis_url: str) -> None:
    # On 0.3.0's first cut, 100 copies of a 4 MiB file's reference made the
    # worker allocate 408 MiB (tracemalloc's peak); now 12 MiB.
    storage = CountingRedis(redis_url, prefix=f"copies-{uuid.uuid4().hex}:")
    _copies_restore_one_file(create_app(SERVER_ACTIONS_UPLOAD_STORAGE=storage), storage)
    storage.client.close()


def test_3000_copies_urlencoded_open_no_3000_files(app: Flask, storage: Counting) -> None:
    page = failed_with_report(app)
    [reference] = kept_references(page)
    form = page.form("#doc")
    pairs = [("__action", token_of(form)), ("title", "Fixed"), *[(FIELD, reference)] * 3000]
    # Over the urlencoded body's field limit: refused before it is parsed.
    response = post_urlencoded(form, pairs)
    assert response.status_code == 413
    assert FormTooLarge.description in response.get_data(as_text=True)
    assert (storage.opened, STORE) == (0, [])
    # Under a limit raised that far, the copies still open one file.
    app.config["SERVER_ACTIONS_MAX_FORM_FIELDS"] = 5000
    assert post_urlencoded(form, pairs).status_code == 303
    assert STORE == [("save", "Fixed", ("report.pdf", PDF, "application/pdf"))]
    assert (storage.opened, storage.most_open) == (1, 1)


def test_the_urlencoded_field_limit_is_a_setting(app: Flask) -> None:
    form = Page.get(app.test_client(), "/docs").form("#doc")
    app.config["SERVER_ACTIONS_MAX_FORM_FIELDS"] = 3
    pairs = [("__action", token_of(form)), ("title", ""), ("a", "1"), ("b", "2")]
    assert post_urlencoded(form, pairs).status_code == 413
    assert post_urlencoded(form, pairs[:3]).status_code == 422


def test_a_post_over_its_limit_restores_no_copies(app: Flask, storage: Counting) -> None:
    page = failed_application(app)  # the first of two posts a minute
    [reference] = kept_references(page, "#apply")
    again = Page(page.client, "/docs", send(page.form("#apply"), references=[reference],
                                            name=""))
    assert again.response.status_code == 422  # the second
    response = send(again.form("#apply"), references=[reference] * 100, name="Ada")
    assert response.status_code == 429
    over = Page(page.client, "/docs", response)
    assert kept_references(over, "#apply") == [reference]
    assert (storage.opened, STORE) == (0, [])
    assert len(stored(app)) == 1


def test_more_references_than_the_form_carries_are_refused(
        app: Flask, storage: Counting, caplog: pytest.LogCaptureFixture) -> None:
    page = failed_with_report(app)
    second = failed_with_report(app, page.client)
    references = kept_references(page) + kept_references(second)
    assert len(set(references)) == 2  # the form's one file field carries one
    with caplog.at_level(logging.INFO):
        response = send(second.form("#doc"), references=references, title="Fixed")
    assert response.status_code == 400
    assert (storage.opened, STORE) == (0, [])
    assert ("Refused a kept file of a post to '/docs': more kept files for 'attachment'"
            " than the form's file fields carry") in caplog.messages


def test_references_over_the_per_post_cap_are_refused(
        app: Flask, storage: Counting, caplog: pytest.LogCaptureFixture) -> None:
    app.config["SERVER_ACTIONS_KEPT_UPLOADS_PER_POST"] = 2
    client = app.test_client()
    form = Page.get(client, "/docs").form("#photos")
    photos = [(b"1", "1.jpg", "image/jpeg"), (b"2", "2.jpg", "image/jpeg"),
              (b"3", "3.jpg", "image/jpeg")]
    page = Page(client, "/docs", send(form, {"photos": photos}, name=""))
    assert len(kept_references(page, "#photos")) == 2  # the cap holds for keeping too
    extra = Page(client, "/docs", send(page.form("#photos"), {"photos": photos[2:]}, name=""))
    references = kept_references(page, "#photos") + kept_references(extra, "#photos")
    assert len(set(references)) == 3
    with caplog.at_level(logging.INFO):
        response = send(extra.form("#photos"), references=references, name="Trip")
    assert response.status_code == 400
    assert (storage.opened, STORE) == (0, [])
    assert ("Refused a kept file of a post to '/docs': 3 kept files' references, over"
            " SERVER_ACTIONS_KEPT_UPLOADS_PER_POST (2)") in caplog.messages


# 2. Nobody parks files without limit.

def test_a_cookieless_post_of_another_sessions_token_keeps_nothing(app: Flask) -> None:
    form = Page.get(app.test_client(), "/docs").form("#doc")
    for _ in range(3):
        stranger = app.test_client()  # no cookie: the token is of another session
        page = Page(stranger, "/docs", form.page.response)
        response = send(page.form("#doc"), {"attachment": [(PDF, "r.pdf", "application/pdf")]},
                        title="")
        assert response.status_code == 422
        assert kept_references(Page(stranger, "/docs", response)) == []
    assert not os.path.exists(app.config["SERVER_ACTIONS_UPLOAD_DIR"])


def test_a_post_over_its_limit_keeps_no_new_file(app: Flask) -> None:
    client = app.test_client()
    form = Page.get(client, "/docs").form("#apply")
    for _ in range(2):
        assert send(form, name="").status_code == 422  # no file: nothing kept
    response = send(form, {"cv": [(PDF, "cv.pdf", "application/pdf")]}, name="")
    assert response.status_code == 429
    assert kept_references(Page(client, "/docs", response), "#apply") == []
    assert not os.path.exists(app.config["SERVER_ACTIONS_UPLOAD_DIR"])


def test_a_file_under_a_name_the_form_has_not_is_not_kept(app: Flask) -> None:
    client = app.test_client()
    form = Page.get(client, "/docs").form("#doc")
    response = send(form, {"attachment": [(PDF, "report.pdf", "application/pdf")]}, title="",
                    evil=(io.BytesIO(b"x" * 1000), "evil.bin"))  # type: ignore[arg-type]
    assert response.status_code == 422
    assert len(stored(app)) == 1


def test_a_session_keeps_files_within_its_budget(app: Flask) -> None:
    app.config["SERVER_ACTIONS_KEPT_UPLOADS_PER_SESSION"] = 2
    client = app.test_client()
    for _ in range(2):
        assert len(kept_references(failed_with_report(app, client))) == 1
    assert kept_references(failed_with_report(app, client)) == []
    assert len(stored(app)) == 2
    # Another session has its own budget.
    assert len(kept_references(failed_with_report(app))) == 1


def send_big(form: Form, size: int) -> Page:
    """Post the document form with an attachment of ``size`` bytes and no
    title (encoded here: werkzeug's test client leaves the temporary file
    of a body over 500 KB open)."""
    boundary, body = encode_multipart({
        "__action": token_of(form), "title": "",
        "attachment": FileStorage(io.BytesIO(b"x" * size), "big.bin")})
    response = form.page.client.post(
        form.page.url, data=body, content_type=f"multipart/form-data; boundary={boundary}",
        headers={"Origin": "http://localhost"})
    assert response.status_code == 422
    return Page(form.page.client, "/docs", response)


def test_a_session_keeps_bytes_within_its_budget(app: Flask) -> None:
    app.config["SERVER_ACTIONS_KEPT_UPLOAD_BYTES_PER_SESSION"] = 2 * MIB
    form = Page.get(app.test_client(), "/docs").form("#doc")
    big = MIB + MIB // 2
    assert len(kept_references(send_big(form, big))) == 1  # counts 2 MiB: the budget
    assert kept_references(send_big(form, big)) == []
    assert len(stored(app)) == 1


def test_a_file_of_exactly_the_byte_budget_is_kept(app: Flask) -> None:
    app.config["SERVER_ACTIONS_KEPT_UPLOAD_BYTES_PER_SESSION"] = MIB
    form = Page.get(app.test_client(), "/docs").form("#doc")
    assert len(kept_references(send_big(form, MIB))) == 1


def test_a_client_keeps_files_within_its_budget_across_sessions(app: Flask) -> None:
    app.config["SERVER_ACTIONS_KEPT_UPLOADS_PER_CLIENT"] = 2
    for _ in range(2):
        assert len(kept_references(failed_with_report(app))) == 1
    assert kept_references(failed_with_report(app)) == []  # a fresh session, same address
    other = app.test_client()
    other.environ_base["REMOTE_ADDR"] = "192.0.2.7"
    assert len(kept_references(failed_with_report(app, other))) == 1


def test_a_client_keeps_bytes_within_its_budget(app: Flask) -> None:
    app.config["SERVER_ACTIONS_KEPT_UPLOAD_BYTES_PER_CLIENT"] = MIB
    assert len(kept_references(failed_with_report(app))) == 1
    assert kept_references(failed_with_report(app)) == []


def test_the_app_keeps_bytes_within_its_cap(app: Flask) -> None:
    app.config["SERVER_ACTIONS_KEPT_UPLOAD_BYTES_PER_APP"] = 2 * MIB
    for number in range(3):
        client = app.test_client()
        client.environ_base["REMOTE_ADDR"] = f"192.0.2.{number}"
        kept = kept_references(failed_with_report(app, client))
        assert len(kept) == (1 if number < 2 else 0)


def test_kept_files_live_their_own_lifetime(app: Flask, storage: Counting,
                                            monkeypatch: pytest.MonkeyPatch) -> None:
    app.config["SERVER_ACTIONS_KEPT_UPLOAD_MAX_AGE"] = 600
    page = failed_with_report(app)
    assert [ttl for _, ttl in storage.saved] == [600 + 60]
    later = time.time() + 600 + 120  # the token still lives, the file not
    monkeypatch.setattr(uploads, "now", lambda: int(later))
    fresh = Page.get(page.client, "/docs").form("#doc")
    response = send(fresh, references=kept_references(page), title="Kept")
    assert response.status_code == 422
    assert "choose it again" in Page(page.client, "/docs", response).text(".action-notice")
    assert (storage.opened, STORE) == (0, [])


@pytest.mark.parametrize(("age", "status"), [(600 + 60, 303), (600 + 61, 422)])
def test_a_kept_file_lives_its_lifetime_and_the_clock_skew_to_the_second(
        app: Flask, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture,
        age: int, status: int) -> None:
    app.config["SERVER_ACTIONS_KEPT_UPLOAD_MAX_AGE"] = 600
    clock = [int(time.time())]
    monkeypatch.setattr(uploads, "now", lambda: clock[0])
    page = failed_with_report(app)
    clock[0] += age
    with caplog.at_level(logging.INFO):
        response = send(page.form("#doc"), references=kept_references(page), title="Kept")
    assert response.status_code == status
    expired = "Refused a kept file of a post to '/docs': the kept file 'report.pdf' expired"
    assert (expired in caplog.messages) == (status == 422)
    assert STORE == ([("save", "Kept", ("report.pdf", PDF, "application/pdf"))]
                     if status == 303 else [])


def test_a_reference_without_its_fields_file_part_is_refused(app: Flask) -> None:
    client = app.test_client()
    form = Page.get(client, "/docs").form("#photos")
    page = Page(client, "/docs", send(form, {"photos": [(b"1", "1.jpg", "image/jpeg")]}, name=""))
    [reference] = kept_references(page, "#photos")
    # A browser sends the (empty) file input too; a script that leaves it out
    # gets no file through a reference the form has no field for.
    response = client.post("/docs", data={"__action": token_of(page.form("#photos")),
                                          "name": "Trip", FIELD: reference},
                           content_type="multipart/form-data",
                           headers={"Origin": "http://localhost"})
    assert response.status_code == 400
    assert STORE == []


def test_the_lifetime_is_never_longer_than_a_tokens(app: Flask, storage: Counting) -> None:
    app.config["SERVER_ACTIONS_KEPT_UPLOAD_MAX_AGE"] = 10 ** 9
    failed_with_report(app)
    assert [ttl for _, ttl in storage.saved] == [app.config["SERVER_ACTIONS_MAX_AGE"] + 60]


def test_purge_removes_files_past_their_own_lifetime(app: Flask) -> None:
    app.config["SERVER_ACTIONS_KEPT_UPLOAD_MAX_AGE"] = 600
    failed_with_report(app)
    [name] = stored(app)
    old = time.time() - 600 - 120
    os.utime(os.path.join(app.config["SERVER_ACTIONS_UPLOAD_DIR"], name), (old, old))
    result = app.test_cli_runner().invoke(args=["actions", "purge-uploads"])
    assert result.output == "Removed 1 expired upload.\n"


def test_forged_references_count_toward_the_throttle(app: Flask, storage: Counting) -> None:
    app.config["SERVER_ACTIONS_THROTTLE"] = "2/60"
    form = Page.get(app.test_client(), "/docs").form("#doc")
    answers = [send(form, references=["forged"], title="x").status_code for _ in range(3)]
    assert answers == [400, 400, 429]
    assert storage.opened == 0


def test_a_reference_of_another_session_counts_toward_the_throttle(app: Flask) -> None:
    app.config["SERVER_ACTIONS_THROTTLE"] = "1/60"
    reference = kept_references(failed_with_report(app))[0]
    form = Page.get(app.test_client(), "/docs").form("#doc")
    answers = [send(form, references=[reference], title="x").status_code for _ in range(2)]
    assert answers == [400, 429]


def test_budgets_count_in_redis_for_every_instance(redis_url: str) -> None:
    config = {"SERVER_ACTIONS_STORE": redis_url,
              "SERVER_ACTIONS_UPLOAD_STORAGE": RedisUploadStorage(
                  redis_url, prefix=f"kept-{uuid.uuid4().hex}:"),
              "SERVER_ACTIONS_KEPT_UPLOADS_PER_SESSION": 1}
    one, two = create_app(**config), create_app(**config)
    client = one.test_client()
    assert len(kept_references(failed_with_report(one, client))) == 1
    two_client = two.test_client()
    two_client._cookies = client._cookies  # type: ignore[attr-defined]
    assert kept_references(failed_with_report(two, two_client)) == []
    storage = two.config["SERVER_ACTIONS_UPLOAD_STORAGE"]
    storage.client.close()


# 3. A file its own field's validators refused is not kept.

def test_a_file_its_validators_refused_is_not_kept(app: Flask) -> None:
    page = failed_application(app, cv=(GIF, "cat.gif", "image/gif"))
    assert "cat.gif" not in page.response.get_data(as_text=True)
    assert kept_references(page, "#apply") == []
    assert not os.path.exists(app.config["SERVER_ACTIONS_UPLOAD_DIR"])


def test_a_file_its_validators_took_is_kept(app: Flask) -> None:
    page = failed_application(app)
    assert len(kept_references(page, "#apply")) == 1
    assert send(page.form("#apply"), name="Ada").status_code == 303
    assert STORE == [("apply", "Ada", ("cv.pdf", PDF, "application/pdf"))]


# 4. Private files and directories.

def test_the_directory_storage_creates_private_files(tmp_path: t.Any) -> None:
    old = os.umask(0o022)
    try:
        storage = DirectoryStorage(tmp_path / "new" / "kept")
        storage.save("a" * 32, io.BytesIO(b"secret"), 60)
    finally:
        os.umask(old)
    assert stat.S_IMODE(os.stat(tmp_path / "new" / "kept").st_mode) == 0o700
    assert stat.S_IMODE(os.stat(tmp_path / "new").st_mode) == 0o700
    assert stat.S_IMODE(os.stat(tmp_path / "new" / "kept" / ("a" * 32)).st_mode) == 0o600


def test_an_existing_directory_keeps_its_mode(tmp_path: t.Any) -> None:
    existing = tmp_path / "shared"
    existing.mkdir()
    existing.chmod(0o750)
    DirectoryStorage(existing).save("b" * 32, io.BytesIO(b"x"), 60)
    assert stat.S_IMODE(os.stat(existing).st_mode) == 0o750
    assert stat.S_IMODE(os.stat(existing / ("b" * 32)).st_mode) == 0o600


# 6. A validate request never restores, consumes or deletes a kept file.

def test_a_validate_request_leaves_the_kept_file(app: Flask, storage: Counting) -> None:
    page = failed_with_report(app)
    form = page.form("#doc")
    response = validate(form, references=kept_references(page), title="Fixed")
    assert response.status_code == 204
    response = validate(form, references=kept_references(page), title="")
    assert response.status_code == 422
    assert len(stored(app)) == 1
    assert storage.opened == 0
    assert send(form, title="Fixed").status_code == 303
    assert STORE == [("save", "Fixed", ("report.pdf", PDF, "application/pdf"))]


def test_a_validate_request_with_a_forged_reference_is_refused(
        app: Flask, storage: Counting) -> None:
    form = Page.get(app.test_client(), "/docs").form("#doc")
    response = validate(form, references=["forged"], title="x")
    assert response.status_code == 400
    assert storage.opened == 0


# 7. A validate request without its file skips that file's validators.

def test_a_file_left_out_of_a_validate_request_is_not_validated(app: Flask) -> None:
    form = Page.get(app.test_client(), "/docs").form("#apply")
    assert validate(form, leave_out_files=True, name="Ada").status_code == 204
    response = validate(form, leave_out_files=True, name="")
    assert response.status_code == 422
    assert set(json.loads(response.get_data())["errors"]) == {"name"}


def test_a_file_sent_with_a_validate_request_is_validated(app: Flask) -> None:
    addresses = iter(range(10))

    def form() -> Form:  # a client each: the action takes two posts a minute
        client = app.test_client()
        client.environ_base["REMOTE_ADDR"] = f"192.0.2.{next(addresses)}"
        return Page.get(client, "/docs").form("#apply")

    for files in ({"cv": [(GIF, "cat.gif", "image/gif")]}, None):  # refused; none chosen
        response = validate(form(), files, name="Ada")
        assert response.status_code == 422
        assert set(json.loads(response.get_data())["errors"]) == {"cv"}
    assert validate(form(), {"cv": [(PDF, "cv.pdf", "application/pdf")]},
                    name="Ada").status_code == 204


def test_a_kept_file_stands_for_its_field_in_a_validate_request(app: Flask) -> None:
    page = failed_application(app)
    response = validate(page.form("#apply"), references=kept_references(page, "#apply"),
                        name="Ada")
    assert response.status_code == 204


def test_a_file_chosen_beside_a_kept_one_is_validated_in_a_validate_request(
        app: Flask) -> None:
    page = failed_application(app)
    response = validate(page.form("#apply"), {"cv": [(GIF, "cat.gif", "image/gif")]},
                        references=kept_references(page, "#apply"), name="Ada")
    assert response.status_code == 422
    assert list(json.loads(response.get_data())["errors"]) == ["cv"]


def test_a_kept_file_kept_again_shows_its_size(app: Flask) -> None:
    client = app.test_client()
    form = Page.get(client, "/docs").form("#photos")
    page = Page(client, "/docs", send(form, {"photos": [(GIF, "cat.gif", "image/gif")]},
                                      name=""))
    again = Page(client, "/docs", send(page.form("#photos"),
                                       references=kept_references(page, "#photos"), name=""))
    assert again.text("#photos li.kept").split() == ["cat.gif", f"({len(GIF)}", "bytes,", "image/gif)"]


@pytest.mark.parametrize("parts", [
    [(PDF, "one.pdf", "application/pdf"), (PDF, "two.pdf", "application/pdf")],
    [(b"", "", "application/octet-stream"), (PDF, "one.pdf", "application/pdf")],
])
def test_a_single_file_field_keeps_one_chosen_file_of_its_parts(
        app: Flask, parts: list[tuple[bytes, str, str]]) -> None:
    client = app.test_client()
    form = Page.get(client, "/docs").form("#doc")
    page = Page(client, "/docs", send(form, {"attachment": parts}, title=""))
    assert len(kept_references(page)) == 1
    assert len(stored(app)) == 1
