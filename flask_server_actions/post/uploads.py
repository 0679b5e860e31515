"""Files survive a failed submission, as typed text does.

When an action post that carries files fails (an invalid form, an
:class:`~flask_server_actions.ActionError`, a stale or expired token, a
rate limit), :func:`keep` stores each file (:mod:`.upload_storage`) and the
page shown again carries a **sealed reference** to it, in a checkbox the
template places with ``{{ action.kept_files("attachment") }}`` (ticked:
keep it; unticked: drop it). Submitting again without choosing a file
gives the action the same :class:`~werkzeug.datastructures.FileStorage`
(bytes, filename, content type); a newly chosen file replaces it.

A reference is encrypted with the app's token key (AES-GCM, the same
:class:`~.tokens.KeyRing`) and authenticates the browser session's binding
and the action as associated data, so it opens only for the session and
the action it was made for. It names the stored file by a random id the
library drew, never by anything the client sent, and expires with
``SERVER_ACTIONS_MAX_AGE``: an older one is not read, and the page is shown
again with a notice (:class:`~.errors.UploadExpired`). A reference that
does not open (forged, another session's or action's) is refused, 400
(:class:`~.errors.BadUploadReference`), before anything is read.

A kept file is removed once an action has run with it; ``flask actions
purge-uploads`` removes those whose submission never came back.

.. versionadded:: 0.3.0
"""

from __future__ import annotations

import binascii
import contextlib
import os
import secrets
import struct
import time
import typing as t
from dataclasses import dataclass
from dataclasses import field
from dataclasses import replace

import click
from cryptography.exceptions import InvalidTag
from flask import after_this_request
from flask import current_app
from flask import g
from flask import request
from flask.cli import with_appcontext
from markupsafe import Markup
from werkzeug.datastructures import FileStorage
from werkzeug.datastructures import ImmutableMultiDict
from werkzeug.datastructures import MultiDict

from .. import logs
from ..errors import BadUploadReference
from ..errors import UploadExpired
from ..integrations.upload_storage import UPLOAD_ID
from ..integrations.upload_storage import DirectoryStorage
from ..integrations.upload_storage import RedisUploadStorage
from ..integrations.upload_storage import UploadStorage
from ..integrations.upload_storage import storage_from_setting
from ..token.envelope import CLOCK_SKEW
from ..token.envelope import binding_tag
from ..token.serialization import compact_json
from ..token.serialization import read_json
from . import calls

if t.TYPE_CHECKING:
    from flask import Flask
    from werkzeug.wrappers import Response as BaseResponse

    from ..extension import ServerActions

__all__ = ["FIELD", "DirectoryStorage", "KeptFile", "KeptFiles", "RedisUploadStorage",
           "UploadStorage", "files", "keep", "keep_references", "kept_files", "restore", "storage"]

#: The field that carries the references of kept files.
FIELD = "__action_upload"
# "U", the key id, the issue time: in clear, authenticated.
_HEADER = struct.Struct(">c4sI")
_NONCE_SIZE = 12
_G_RESTORED = "_server_actions_uploads"
_G_KEPT = "_server_actions_kept_files"
_STORAGE = "server_actions.upload_storage"


def now() -> int:
    """The time references are made and checked at, in seconds."""
    return int(time.time())


@dataclass(frozen=True)
class KeptFile:
    """A file kept from a failed submission, as the page shows it.

    In a template, ``{{ kept }}`` is the "keep" checkbox with its label;
    ``kept.input()`` the checkbox alone, for a layout of your own.
    """

    #: The storage id (32 hex digits, drawn by the library).
    id: str
    #: The form field the file was sent in.
    field: str
    #: The filename the browser sent (pass it through
    #: :func:`~werkzeug.utils.secure_filename` before using it as a path).
    filename: str
    #: The content type the browser sent.
    content_type: str
    #: Its size in bytes.
    size: int
    #: When it was stored, in seconds since the epoch.
    issued_at: int
    #: The session binding tag the reference is bound to.
    binding: bytes = b""
    #: The action (``module:qualname``) the reference is bound to.
    ref: str = ""
    #: The sealed reference the page carries.
    reference: str = ""

    def input(self) -> Markup:
        """The ticked checkbox that keeps the file; unticked, it is dropped."""
        return Markup('<input type="checkbox" name="{}" value="{}" checked>').format(
            FIELD, self.reference)

    def __html__(self) -> str:
        return Markup('<label class="action-kept-file">{} Keep <span>{}</span></label>').format(
            self.input(), self.filename)


class KeptFiles(list[KeptFile]):
    """The files kept for one field; ``{{ }}`` shows each one's checkbox."""

    def __html__(self) -> str:
        return Markup("").join(self)


@dataclass
class _Restored:
    #: The request's files with the kept ones in place.
    files: MultiDict[str, FileStorage]
    #: The kept files given to the action, by the stream they were opened as.
    kept: dict[int, KeptFile] = field(default_factory=dict)


def storage(app: Flask) -> UploadStorage:
    """The storage ``SERVER_ACTIONS_UPLOAD_STORAGE`` names for ``app``."""
    setting = app.config["SERVER_ACTIONS_UPLOAD_STORAGE"]
    cached = app.extensions.get(_STORAGE)
    if cached is not None and cached[0] is setting:
        return t.cast(UploadStorage, cached[1])
    directory = (app.config["SERVER_ACTIONS_UPLOAD_DIR"]
                 or os.path.join(app.instance_path, "server-actions-uploads"))
    found = storage_from_setting(setting, directory, app.config["SERVER_ACTIONS_STORE_TIMEOUT"])
    app.extensions[_STORAGE] = (setting, found)
    return found


def seal_reference(app: Flask, kept: KeptFile, binding: bytes, ref: str) -> str:
    """The sealed reference to ``kept``, for the session ``binding`` and the
    action ``ref``."""
    keys = _ext(app).keys(app)
    header = _HEADER.pack(b"U", keys.current_id, kept.issued_at)
    nonce = secrets.token_bytes(_NONCE_SIZE)
    body = compact_json([kept.id, kept.field, kept.filename, kept.content_type, kept.size])
    sealed = keys.current.encrypt(nonce, body.encode("utf-8"),
                                  header + binding + ref.encode("utf-8"))
    raw = binascii.b2a_base64(header + nonce + sealed, newline=False)
    return raw.translate(bytes.maketrans(b"+/", b"-_")).rstrip(b"=").decode("ascii")


def open_reference(app: Flask, text: str, binding: bytes, ref: str) -> KeptFile:
    """Open a reference made for the session ``binding`` and the action ``ref``.

    :raises BadUploadReference: it does not open, or names no upload id.
    :raises UploadExpired: it is older than ``SERVER_ACTIONS_MAX_AGE``.
    """
    try:
        raw = binascii.a2b_base64((text + "=" * (-len(text) % 4)).encode("ascii")
                                  .translate(bytes.maketrans(b"-_", b"+/")), strict_mode=True)
    except (binascii.Error, UnicodeEncodeError, ValueError):
        raise BadUploadReference("a kept file's reference is not base64") from None
    header, rest = raw[:_HEADER.size], raw[_HEADER.size:]
    if len(header) < _HEADER.size or len(rest) <= _NONCE_SIZE:
        raise BadUploadReference("a kept file's reference is too short")
    kind, kid, issued_at = _HEADER.unpack(header)
    cipher = _ext(app).keys(app).cipher(kid)
    if kind != b"U" or cipher is None:
        raise BadUploadReference("a kept file's reference names no key of this app")
    try:
        body = cipher.decrypt(rest[:_NONCE_SIZE], rest[_NONCE_SIZE:],
                              header + binding + ref.encode("utf-8"))
    except InvalidTag:
        raise BadUploadReference(
            "a kept file's reference is forged or of another session or action") from None
    upload_id, name, filename, content_type, size = read_json(body.decode("utf-8"))
    if not UPLOAD_ID.fullmatch(upload_id):
        # Only the app's key seals a reference; still, never a path.
        raise BadUploadReference(f"a kept file's reference names {upload_id!r}")
    if now() - issued_at > app.config["SERVER_ACTIONS_MAX_AGE"] + CLOCK_SKEW:
        raise UploadExpired(f"the kept file {filename!r} expired")
    return KeptFile(upload_id, name, filename, content_type, size, issued_at, binding, ref,
                    text)


def _ext(app: Flask) -> ServerActions:
    return t.cast("ServerActions", app.extensions["server_actions"])


def _binding(app: Flask) -> bytes:
    return binding_tag(_ext(app).binding())


def restore(app: Flask, ref: str, strict: bool = True) -> None:
    """Put the kept files of the current post back among its files, for
    the action ``ref`` (each field with a newly chosen file drops its kept
    one). Done once per request; :func:`files` then gives them.

    :param strict: raise for a reference that does not open or is gone;
        else (a page shown again anyway) leave it out.
    :raises BadUploadReference: see :func:`open_reference`.
    :raises UploadExpired: a kept file expired or is gone.
    """
    if g.get(_G_RESTORED) is not None or calls.is_json_call():
        return
    references = request.form.getlist(FIELD)
    sent = MultiDict(request.files.items(multi=True))
    restored = _Restored(sent)
    if not references:
        setattr(g, _G_RESTORED, restored)
        return
    chosen = {name for name, file in sent.items(multi=True) if file.filename}
    store = storage(app)
    binding = _binding(app)
    found: list[tuple[KeptFile, t.IO[bytes] | None]] = []
    for text in references:
        try:
            kept = open_reference(app, text, binding, ref)
        except (BadUploadReference, UploadExpired) as error:
            if strict:
                logs.info("Refused a kept file of a post to %r: %s", request.path, error.reason)
                raise
            continue
        found.append((kept, None if kept.field in chosen else store.open(kept.id)))
    if strict and any(kept.field not in chosen and stream is None for kept, stream in found):
        raise UploadExpired("a kept file is gone from the upload storage")
    for kept, stream in found:
        if stream is None:
            store.delete(kept.id)  # replaced by a new file (or gone)
            continue
        file = FileStorage(stream, kept.filename, kept.field, kept.content_type)
        sent.add(kept.field, file)
        restored.kept[id(file)] = kept
    # A file input left empty still sends an empty part: drop it where a kept file is.
    fields = {kept.field for kept in restored.kept.values()}
    restored.files = MultiDict()
    for name, file in sent.items(multi=True):
        if file.filename or name not in fields:
            restored.files.add(name, file)
        else:
            file.close()
    # The request's own files from now on: the view's code sees them there,
    # and the request closes them when it ends.
    request.__dict__["files"] = ImmutableMultiDict(restored.files.items(multi=True))
    setattr(g, _G_RESTORED, restored)
    if restored.kept:
        after_this_request(_remove_used)


def _remove_used(response: BaseResponse) -> BaseResponse:
    """Remove the kept files an action ran with, unless kept again."""
    restored = t.cast(_Restored, g.get(_G_RESTORED))
    again = {kept.id for kept in g.get(_G_KEPT, ())}
    store = storage(current_app._get_current_object())  # type: ignore[attr-defined]
    for kept in restored.kept.values():
        if kept.id not in again:
            store.delete(kept.id)
    return response


def files() -> MultiDict[str, FileStorage]:
    """The current post's files, with the kept ones :func:`restore` put back."""
    restored = t.cast("_Restored | None", g.get(_G_RESTORED))
    return restored.files if restored is not None else request.files


def keep(app: Flask, ref: str) -> None:
    """Keep the files of a failed post of the action ``ref`` for the page
    shown again (see :func:`kept_files`): the new ones are stored, those
    restored from references keep their reference."""
    if not ref:  # an action no longer known: a reference could never open
        return
    restore(app, ref, strict=False)
    restored = t.cast(_Restored, g.get(_G_RESTORED))
    kept_now: list[KeptFile] = []
    binding = _binding(app)
    ttl = app.config["SERVER_ACTIONS_MAX_AGE"] + CLOCK_SKEW
    for name, file in restored.files.items(multi=True):
        if not file.filename:
            continue
        kept = restored.kept.get(id(file))
        if kept is None:
            upload_id = secrets.token_hex(16)
            file.stream.seek(0)
            size = storage(app).save(upload_id, file.stream, ttl)
            kept = KeptFile(upload_id, name, file.filename, file.content_type or "", size,
                            now(), binding, ref)
            kept = replace(kept, reference=seal_reference(app, kept, binding, ref))
        kept_now.append(kept)
    setattr(g, _G_KEPT, kept_now)


def keep_references(app: Flask, ref: str) -> None:
    """Show the kept files of the current post again as it sent them, for a
    page shown while the storage cannot be reached: each reference that
    opens is kept (its file waits in the storage); a newly chosen file
    cannot be."""
    binding = _binding(app)
    kept = []
    for text in request.form.getlist(FIELD):
        with contextlib.suppress(BadUploadReference, UploadExpired):
            kept.append(open_reference(app, text, binding, ref))
    setattr(g, _G_KEPT, kept)


def kept_files(name: str) -> KeptFiles:
    """The files kept for the field ``name`` on the page shown again."""
    return KeptFiles(kept for kept in g.get(_G_KEPT, ()) if kept.field == name)


@click.command("purge-uploads")
@with_appcontext
def purge_command() -> None:
    """Remove kept uploads older than SERVER_ACTIONS_MAX_AGE."""
    app: Flask = current_app._get_current_object()  # type: ignore[attr-defined]
    removed = storage(app).purge(app.config["SERVER_ACTIONS_MAX_AGE"] + CLOCK_SKEW)
    click.echo(f"Removed {removed} expired upload{'' if removed == 1 else 's'}.")
