"""Files survive a failed submission: they are kept in temporary storage,
the page shown again carries a sealed reference to each, and submitting
again without choosing them gives the action the same files. Attacks on
the references read nothing."""

from __future__ import annotations

import io
import logging
import os
import re
import time
import typing as t
import uuid

import pytest
from flask import Flask
from werkzeug.test import TestResponse

from flask_server_actions.errors import FormTooLarge
from flask_server_actions.errors import UploadExpired
from flask_server_actions.post import uploads
from flask_server_actions.post.uploads import FIELD
from flask_server_actions.post.uploads import DirectoryStorage
from flask_server_actions.post.uploads import KeptFile
from flask_server_actions.post.uploads import RedisUploadStorage
from flask_server_actions.token.envelope import binding_tag

from ..html import Form
from ..html import Page
from ..store import STORE
from .app_uploads import create_app

PDF = b"%PDF-1.7 the report"
Upload = tuple[bytes, str, str]


@pytest.fixture
def app(tmp_path: t.Any) -> Flask:
    return create_app(SERVER_ACTIONS_UPLOAD_DIR=str(tmp_path / "kept"))


def send(form: Form, files: dict[str, list[Upload]] | None = None,
         references: list[str] | None = None, **values: str) -> TestResponse:
    """Post ``form`` as a browser does: its fields, a file part for each file
    input (empty when no file is chosen) and the kept references ticked."""
    files = files or {}
    inputs = form.tag.find_all("input")
    data: list[tuple[str, t.Any]] = []
    for tag in inputs:
        name, kind = str(tag.get("name", "")), tag.get("type")
        if not name or (kind == "checkbox" and references is not None):
            continue
        if kind == "file":
            chosen = files.get(name) or [(b"", "", "application/octet-stream")]
            data.extend((name, (io.BytesIO(body), filename, content_type))
                        for body, filename, content_type in chosen)
        else:
            data.append((name, values.pop(name, str(tag.get("value", "")))))
    data.extend(values.items())
    data.extend((FIELD, reference) for reference in references or [])
    body: dict[str, list[t.Any]] = {}
    for name, value in data:
        body.setdefault(name, []).append(value)
    return form.page.client.post(form.page.url, data=body, content_type="multipart/form-data",
                                 headers={"Origin": "http://localhost"})


def failed_with_report(app: Flask, client: t.Any = None) -> Page:
    """Choose a file, leave the title empty: the page comes back with it kept."""
    client = client or app.test_client()
    form = Page.get(client, "/docs").form("#doc")
    response = send(form, {"attachment": [(PDF, "report.pdf", "application/pdf")]}, title="")
    assert response.status_code == 422, response.get_data(as_text=True)
    return Page(client, "/docs", response)


def kept_references(page: Page, selector: str = "#doc") -> list[str]:
    return [str(tag["value"]) for tag in page.soup.select(f'{selector} input[name="{FIELD}"]')]


def stored(app: Flask) -> list[str]:
    return sorted(os.listdir(app.config["SERVER_ACTIONS_UPLOAD_DIR"]))


def test_a_failed_submission_keeps_the_file_and_the_next_one_gets_it(app: Flask) -> None:
    page = failed_with_report(app)
    assert "report.pdf" in page.text("#doc .action-kept-file")
    assert STORE == []
    response = send(page.form("#doc"), title="Fixed")
    assert response.status_code == 303
    assert STORE == [("save", "Fixed", ("report.pdf", PDF, "application/pdf"))]


def test_the_kept_file_is_removed_once_used(app: Flask) -> None:
    page = failed_with_report(app)
    assert len(stored(app)) == 1
    send(page.form("#doc"), title="Fixed")
    assert stored(app) == []


def test_the_file_is_kept_again_by_a_second_failure(app: Flask) -> None:
    page = failed_with_report(app)
    again = Page(page.client, "/docs", send(page.form("#doc"), title="taken"))
    assert again.response.status_code == 422
    assert send(again.form("#doc"), title="Fine").status_code == 303
    assert STORE == [("save", "Fine", ("report.pdf", PDF, "application/pdf"))]


def test_a_new_file_replaces_the_kept_one(app: Flask) -> None:
    page = failed_with_report(app)
    response = send(page.form("#doc"), {"attachment": [(b"v2", "v2.txt", "text/plain")]},
                    title="Fixed")
    assert response.status_code == 303
    assert STORE == [("save", "Fixed", ("v2.txt", b"v2", "text/plain"))]
    assert stored(app) == []


def test_unticking_keep_removes_the_file(app: Flask) -> None:
    page = failed_with_report(app)
    assert send(page.form("#doc"), references=[], title="Fixed").status_code == 303
    assert STORE == [("save", "Fixed", None)]


def test_every_file_of_a_multiple_input_is_kept(app: Flask) -> None:
    client = app.test_client()
    form = Page.get(client, "/docs").form("#photos")
    photos = [(b"one", "1.jpg", "image/jpeg"), (b"two", "2.png", "image/png")]
    page = Page(client, "/docs", send(form, {"photos": photos}, name=""))
    assert page.response.status_code == 422
    assert [li.get_text(" ", strip=True).split("(")[0].strip() for li in page.soup.select(".kept")] == [
        "1.jpg", "2.png"]
    assert "3 bytes, image/jpeg" in page.text(".kept")
    assert send(page.form("#photos"), name="Trip").status_code == 303
    assert STORE == [("album", "Trip", [("1.jpg", b"one", "image/jpeg"),
                                         ("2.png", b"two", "image/png")])]


def test_an_action_error_keeps_the_file(app: Flask) -> None:
    client = app.test_client()
    form = Page.get(client, "/docs").form("#doc")
    response = send(form, {"attachment": [(PDF, "report.pdf", "application/pdf")]},
                    title="taken")
    assert response.status_code == 422
    page = Page(client, "/docs", response)
    assert send(page.form("#doc"), title="ok").status_code == 303
    assert STORE == [("save", "ok", ("report.pdf", PDF, "application/pdf"))]


def test_an_expired_token_keeps_the_input_not_the_file(
        app: Flask, monkeypatch: pytest.MonkeyPatch) -> None:
    # An expired token proves no session: the file is chosen again.
    client = app.test_client()
    form = Page.get(client, "/docs").form("#doc")
    later = time.time() + app.config["SERVER_ACTIONS_MAX_AGE"] + 120
    monkeypatch.setattr(time, "time", lambda: later)
    response = send(form, {"attachment": [(PDF, "report.pdf", "application/pdf")]}, title="x")
    assert response.status_code == 422
    page = Page(client, "/docs", response)
    assert "expired" in page.text(".action-notice")
    assert kept_references(page) == []
    assert not os.path.exists(app.config["SERVER_ACTIONS_UPLOAD_DIR"])
    assert send(page.form("#doc"), {"attachment": [(PDF, "report.pdf", "application/pdf")]},
                title="x").status_code == 303
    assert STORE == [("save", "x", ("report.pdf", PDF, "application/pdf"))]


def test_the_stored_name_never_comes_from_the_client(app: Flask) -> None:
    client = app.test_client()
    form = Page.get(client, "/docs").form("#doc")
    send(form, {"attachment": [(b"<?php", "../../shell.php", "application/x-php")]}, title="")
    [name] = stored(app)
    assert re.fullmatch(r"[0-9a-f]{32}", name)


class Spy(DirectoryStorage):
    """The directory storage, noting every read."""

    def __init__(self, path: str) -> None:
        super().__init__(path)
        self.reads: list[str] = []

    def open(self, upload_id: str) -> t.IO[bytes] | None:
        self.reads.append(upload_id)
        return super().open(upload_id)


@pytest.fixture
def spy(app: Flask) -> Spy:
    storage = Spy(app.config["SERVER_ACTIONS_UPLOAD_DIR"])
    app.config["SERVER_ACTIONS_UPLOAD_STORAGE"] = storage
    return storage


def test_a_reference_of_another_session_reads_nothing(app: Flask, spy: Spy) -> None:
    reference = kept_references(failed_with_report(app))[0]
    other = app.test_client()
    form = Page.get(other, "/docs").form("#doc")
    response = send(form, references=[reference], title="Mine now")
    assert response.status_code == 400
    assert spy.reads == []
    assert STORE == []


def test_a_reference_of_another_action_reads_nothing(app: Flask, spy: Spy) -> None:
    page = failed_with_report(app)
    response = send(page.form("#photos"), references=kept_references(page), name="Trip")
    assert response.status_code == 400
    assert (spy.reads, STORE) == ([], [])


@pytest.mark.parametrize("reference", [
    "garbage", "../../../etc/passwd", "", "A" * 200, "%00",
])
def test_a_forged_reference_reads_nothing(app: Flask, spy: Spy, reference: str) -> None:
    client = app.test_client()
    form = Page.get(client, "/docs").form("#doc")
    assert send(form, references=[reference], title="x").status_code == 400
    assert (spy.reads, STORE) == ([], [])


def test_a_sealed_reference_with_a_path_in_it_reads_nothing(
        app: Flask, spy: Spy, caplog: pytest.LogCaptureFixture) -> None:
    page = failed_with_report(app)
    with page.client.session_transaction() as browser:
        binding = binding_tag(browser["_server_actions"])
    ref = "tests.forms.app_uploads:create_app.<locals>.docs.<locals>.save"
    forged = KeptFile("../../../etc/passwd", "attachment", "x.pdf", "application/pdf", 3,
                      int(time.time()))
    with app.app_context():
        sealed = uploads.seal_reference(app, forged, binding, ref)
    with caplog.at_level(logging.INFO):
        response = send(page.form("#doc"), references=[sealed], title="x")
    assert response.status_code == 400
    assert (spy.reads, STORE) == ([], [])
    assert ("Refused a kept file of a post to '/docs': a kept file's reference names"
            " '../../../etc/passwd'") in caplog.messages


def test_an_expired_reference_shows_the_stale_notice_and_reads_nothing(
        app: Flask, spy: Spy, monkeypatch: pytest.MonkeyPatch) -> None:
    page = failed_with_report(app)
    fresh = Page.get(page.client, "/docs").form("#doc")
    later = time.time() + app.config["SERVER_ACTIONS_MAX_AGE"] + 120
    # The page is fresh (its token minted now); only the reference is old.
    monkeypatch.setattr(uploads, "now", lambda: int(later))
    response = send(fresh, references=kept_references(page), title="Kept")
    assert response.status_code == 422
    again = Page(page.client, "/docs", response)
    assert "choose it again" in again.text(".action-notice")
    assert again.value("title") == "Kept"
    assert (spy.reads, STORE) == ([], [])


def test_413_still_answers_and_the_kept_file_waits(app: Flask) -> None:
    page = failed_with_report(app)
    app.config["MAX_CONTENT_LENGTH"] = 4000
    response = send(page.form("#doc"), {"attachment": [(b"x" * 5000, "big.bin", "x/y")]},
                    title="Fixed")
    assert response.status_code == 413
    assert FormTooLarge.description in response.get_data(as_text=True)
    assert send(page.form("#doc"), title="Fixed").status_code == 303
    assert STORE == [("save", "Fixed", ("report.pdf", PDF, "application/pdf"))]


def test_too_many_parts_still_answer_413(app: Flask) -> None:
    page = failed_with_report(app)
    app.config["MAX_FORM_PARTS"] = 3
    response = send(page.form("#doc"), title="Fixed", extra="1", more="2")
    assert response.status_code == 413
    app.config["MAX_FORM_PARTS"] = 1000
    assert send(page.form("#doc"), title="Fixed").status_code == 303


def test_purge_removes_what_expired(app: Flask) -> None:
    failed_with_report(app)
    [name] = stored(app)
    path = os.path.join(app.config["SERVER_ACTIONS_UPLOAD_DIR"], name)
    runner = app.test_cli_runner()
    result = runner.invoke(args=["actions", "purge-uploads"])
    assert (result.exit_code, result.output) == (0, "Removed 0 expired uploads.\n")
    old = time.time() - app.config["SERVER_ACTIONS_MAX_AGE"] - 120
    os.utime(path, (old, old))
    result = runner.invoke(args=["actions", "purge-uploads"])
    assert (result.exit_code, result.output) == (0, "Removed 1 expired upload.\n")
    assert stored(app) == []


def test_instances_sharing_redis_share_the_kept_files(redis_url: str) -> None:
    prefix = f"uploads-{uuid.uuid4().hex}:"
    config = {"SERVER_ACTIONS_UPLOAD_STORAGE": RedisUploadStorage(redis_url, prefix=prefix)}
    one, two = create_app(**config), create_app(**config)
    client = one.test_client()
    page = failed_with_report(one, client)
    # The same browser, its next post served by the other instance.
    two_client = two.test_client()
    two_client._cookies = client._cookies  # type: ignore[attr-defined]
    form = Page(two_client, "/docs", page.response).form("#doc")
    assert send(form, title="Fixed").status_code == 303
    assert STORE == [("save", "Fixed", ("report.pdf", PDF, "application/pdf"))]
    storage = two.config["SERVER_ACTIONS_UPLOAD_STORAGE"]
    assert storage.client.keys(prefix + "*") == []
    assert storage.purge(1) == 0  # Redis expires what it keeps by itself


def test_upload_storage_from_a_redis_url(redis_url: str) -> None:
    app = create_app(SERVER_ACTIONS_UPLOAD_STORAGE=redis_url)
    with app.app_context():
        assert isinstance(uploads.storage(app), RedisUploadStorage)


def test_an_upload_storage_setting_that_is_neither_is_an_error() -> None:
    app = create_app(SERVER_ACTIONS_UPLOAD_STORAGE=42)
    with app.app_context(), pytest.raises(TypeError, match="SERVER_ACTIONS_UPLOAD_STORAGE"):
        uploads.storage(app)


def test_a_kept_file_the_storage_lost_asks_for_it_again(app: Flask) -> None:
    page = failed_with_report(app)
    for name in stored(app):
        os.unlink(os.path.join(app.config["SERVER_ACTIONS_UPLOAD_DIR"], name))
    response = send(page.form("#doc"), title="Fixed")
    assert response.status_code == 422
    assert "choose it again" in Page(page.client, "/docs", response).text(".action-notice")
    assert STORE == []


def test_a_page_of_an_action_no_longer_known_keeps_nothing(app: Flask) -> None:
    data = {"attachment": (io.BytesIO(b"x"), "x.txt")}
    with app.test_request_context("/docs", method="POST", data=data):
        uploads.keep(app, "")
        assert uploads.kept_files("attachment") == []
    assert not os.path.exists(app.config["SERVER_ACTIONS_UPLOAD_DIR"])


@pytest.mark.parametrize("upload_id", ["../../etc/passwd", "a" * 31, "A" * 32, ""])
def test_storages_take_upload_ids_only(tmp_path: t.Any, upload_id: str) -> None:
    storage = DirectoryStorage(tmp_path)
    for method in (storage.open, storage.delete):
        with pytest.raises(ValueError, match="not an upload id"):
            method(upload_id)


def test_purging_a_directory_never_created_removes_nothing(tmp_path: t.Any) -> None:
    assert DirectoryStorage(tmp_path / "never").purge(0) == 0


def test_a_redis_upload_storage_takes_a_client(redis_url: str) -> None:
    import redis

    client = redis.Redis.from_url(redis_url)
    storage = RedisUploadStorage(client, prefix=f"t-{uuid.uuid4().hex}:")
    assert storage.client is client
    upload_id = uuid.uuid4().hex
    assert storage.save(upload_id, io.BytesIO(b"abc"), 60) == 3
    opened = storage.open(upload_id)
    assert opened is not None and opened.read() == b"abc"
    storage.delete(upload_id)
    assert storage.open(upload_id) is None
    client.close()


def test_two_seals_of_one_file_restore_it_once(app: Flask, spy: Spy) -> None:
    page = failed_with_report(app)
    [reference] = kept_references(page)
    with page.client.session_transaction() as browser:
        binding = binding_tag(browser["_server_actions"])
    ref = "tests.forms.app_uploads:create_app.<locals>.docs.<locals>.save"
    with app.app_context():
        kept = uploads.open_reference(app, reference, binding, ref)
        second = uploads.seal_reference(app, kept, binding, ref)
    assert second != reference
    response = send(page.form("#doc"), references=[reference, second], title="Fixed")
    assert response.status_code == 303
    assert STORE == [("save", "Fixed", ("report.pdf", PDF, "application/pdf"))]
    assert len(spy.reads) == 1


def test_a_kept_file_is_opened_when_read(tmp_path: t.Any) -> None:
    storage = DirectoryStorage(tmp_path)
    upload_id = uuid.uuid4().hex
    storage.save(upload_id, io.BytesIO(b"line one\nline two\n"), 60)
    kept = KeptFile(upload_id, "attachment", "notes.txt", "text/plain", 18, int(time.time()))
    stream = uploads._OpenedWhenRead(storage, kept)
    stream.close()  # never opened: nothing to close
    assert list(stream) == [b"line one\n", b"line two\n"]
    stream.seek(0)
    assert stream.read() == b"line one\nline two\n"
    stream.close()
    storage.delete(upload_id)
    gone = uploads._OpenedWhenRead(storage, kept)
    with pytest.raises(UploadExpired) as raised:
        gone.read()
    assert "notes.txt" in raised.value.reason


class Minimal(uploads.UploadStorage):
    """A storage of its own, in memory, with only the required methods."""

    def __init__(self) -> None:
        self.files: dict[str, bytes] = {}

    def save(self, upload_id: str, stream: t.IO[bytes], ttl: int) -> int:
        self.files[upload_id] = stream.read()
        return len(self.files[upload_id])

    def open(self, upload_id: str) -> t.IO[bytes] | None:
        data = self.files.get(upload_id)
        return io.BytesIO(data) if data is not None else None

    def delete(self, upload_id: str) -> None:
        self.files.pop(upload_id, None)

    def purge(self, max_age: int) -> int:
        return 0


def test_a_storage_of_its_own_says_what_exists_by_opening() -> None:
    storage = Minimal()
    upload_id = uuid.uuid4().hex
    assert not storage.exists(upload_id)
    storage.save(upload_id, io.BytesIO(b"x"), 60)
    assert storage.exists(upload_id)
