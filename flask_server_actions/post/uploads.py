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
``SERVER_ACTIONS_KEPT_UPLOAD_MAX_AGE`` (never later than a token): an older
one is not read, and the page is shown again with a notice
(:class:`~.errors.UploadExpired`). A reference that does not open (forged,
another session's or action's) is refused, 400
(:class:`~.errors.BadUploadReference`), before anything is read, and
counts toward the client's ``SERVER_ACTIONS_THROTTLE``.

What it costs is bounded: copies of a reference are one file, opened only
when the action reads it; a post carries no more references than its
form's file fields can; new files are kept only for a post whose token
authenticated for this session, only for the form's own file fields, not
when their field's validators refused them, and within budgets per
session, per client and for the app (``SERVER_ACTIONS_KEPT_UPLOAD*``). A
validate request (live validation) restores, reads and deletes nothing.

A kept file is removed once an action has run with it; ``flask actions
purge-uploads`` removes those whose submission never came back.

.. versionadded:: 0.3.0
"""

from __future__ import annotations

import binascii
import collections
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
from flask import session
from flask.cli import with_appcontext
from flask.globals import _cv_app
from flask.globals import _cv_request
from markupsafe import Markup
from werkzeug.datastructures import FileStorage
from werkzeug.datastructures import ImmutableMultiDict
from werkzeug.datastructures import MultiDict
from wtforms import FileField
from wtforms import MultipleFileField

from .. import logs
from ..errors import BadUploadReference
from ..errors import UploadExpired
from ..forms import build_form
from ..integrations.stores import outages
from ..integrations.upload_storage import UPLOAD_ID
from ..integrations.upload_storage import DirectoryStorage
from ..integrations.upload_storage import RedisUploadStorage
from ..integrations.upload_storage import UploadStorage
from ..integrations.upload_storage import storage_from_setting
from ..page.accessible import keep_file_label
from ..token.envelope import CLOCK_SKEW
from ..token.envelope import binding_tag
from ..token.serialization import compact_json
from ..token.serialization import read_json
from . import upload_budgets
from .settings import settings_for
from .upload_budgets import Budgets

if t.TYPE_CHECKING:
    from flask import Flask
    from flask import Request
    from flask.ctx import _AppCtxGlobals
    from werkzeug.wrappers import Response as BaseResponse
    from wtforms import Form

    from ..integrations.stores import ActionStore

__all__ = ["FIELD", "DirectoryStorage", "KeptFile", "KeptFiles", "RedisUploadStorage",
           "UploadStorage", "files", "keep", "keep_references", "kept_files", "restore", "storage"]

#: The field that carries the references of kept files.
FIELD = "__action_upload"
# "U", the key id, the issue time: in clear, authenticated.
_HEADER = struct.Struct(">c4sI")
_NONCE_SIZE = 12
_G_RESTORED = "_server_actions_uploads"
_G_KEPT = "_server_actions_kept_files"
_G_BUDGET = "_server_actions_kept_budget"
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
        return Markup('<label class="action-kept-file">{} {}</label>').format(
            self.input(), keep_file_label(self.filename))


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
    #: A validate request's fields whose kept file its references name
    #: (nothing restored).
    referenced: frozenset[str] = frozenset()


#: The store and the client's address the budgets are counted with.
_Budget = tuple["ActionStore", t.Callable[[], str]]


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
    keys = settings_for(app).keys
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
    :raises UploadExpired: it is older than :func:`lifetime`.
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
    cipher = settings_for(app).keys.cipher(kid)
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
    if now() - issued_at > lifetime(app) + CLOCK_SKEW:
        raise UploadExpired(f"the kept file {filename!r} expired")
    return KeptFile(upload_id, name, filename, content_type, size, issued_at, binding, ref,
                    text)


def _binding(app: Flask) -> bytes:
    return binding_tag(settings_for(app).binding(session))


def lifetime(app: Flask) -> int:
    """How long a kept file lives, in seconds: ``SERVER_ACTIONS_KEPT_UPLOAD_MAX_AGE``,
    never longer than a token (``SERVER_ACTIONS_MAX_AGE``)."""
    config = app.config
    return min(int(config["SERVER_ACTIONS_KEPT_UPLOAD_MAX_AGE"]),
               int(config["SERVER_ACTIONS_MAX_AGE"]))


def file_fields(form: Form) -> dict[str, bool]:
    """The file fields of ``form``: each name, and whether it takes several files."""
    return {field.name: isinstance(field, MultipleFileField)
            for field in form if isinstance(field, FileField)}


def _capacities(fields: dict[str, bool] | None, sent: MultiDict[str, FileStorage],
                per_post: int) -> dict[str, int]:
    """How many files each field of the form can carry: one for a single
    file field, ``per_post`` for a multiple one. Without a WTForms form, the
    file parts the browser sent (one per file input, empty or not) are the
    form's file fields."""
    if fields is None:
        return dict.fromkeys(sent, per_post)
    return {name: per_post if several else 1 for name, several in fields.items()}


def restore(app: Flask, ref: str, strict: bool = True, *, form_class: type[Form] | None = None,
            validating: bool = False, store: ActionStore | None = None,
            address: t.Callable[[], str] | None = None) -> None:
    """Put the kept files of the current post back among its files, for
    the action ``ref`` (each field with a newly chosen file drops its kept
    one). Done once per request; :func:`files` then gives them.

    Copies of one reference are one file, and a post carries no more
    references than its form's file fields can (see :func:`_capacities`).
    A kept file is opened only when the action reads it.

    :param strict: raise for a reference that does not open or is gone;
        else (a page shown again anyway) leave it out.
    :param form_class: the action's WTForms form, whose file fields are the
        only ones a reference may be for.
    :param validating: a validate request (live validation): the references
        are opened and checked, but no kept file is restored, read or
        deleted.
    :param store: with ``address``, given by :func:`~.guards.guard` for a
        post whose token authenticated for this session: the store and the
        client address :func:`keep` counts its budgets with. Without them
        no new file is kept.
    :raises BadUploadReference: see :func:`open_reference`; also more
        references than the form carries.
    :raises UploadExpired: a kept file expired or is gone.
    """
    # g and the request themselves, not their proxies: asked once per post.
    state: _AppCtxGlobals = _cv_app.get().g
    found = state.__dict__  # not g's own methods: once per post
    if found.get(_G_RESTORED) is not None:
        return
    if store is not None and address is not None:
        found[_G_BUDGET] = (store, address)
    req: Request = _cv_request.get().request
    files, form = req.files, req.form
    if not files and FIELD not in form:  # the usual post: no file, nothing kept
        found[_G_RESTORED] = _Restored(files)
        return
    sent = MultiDict(files.items(multi=True))
    restored = _Restored(sent)
    # Copies of a reference are one file: it is opened once, at most.
    references = list(dict.fromkeys(form.getlist(FIELD)))
    if references:
        fields = None if form_class is None else file_fields(build_form(form_class, MultiDict()))
        capacities = _capacities(fields, sent, app.config["SERVER_ACTIONS_KEPT_UPLOADS_PER_POST"])
        opened = _opened(app, ref, references, capacities, strict)
        if validating:
            restored.referenced = frozenset(kept.field for kept in opened)
        else:
            _put_back(app, restored, opened, strict)
    found[_G_RESTORED] = restored


def _opened(app: Flask, ref: str, references: list[str], capacities: dict[str, int],
            strict: bool) -> list[KeptFile]:
    """Open the distinct ``references``, within what each field carries."""
    per_post = app.config["SERVER_ACTIONS_KEPT_UPLOADS_PER_POST"]
    binding = _binding(app)
    found: dict[str, KeptFile] = {}
    counts: collections.Counter[str] = collections.Counter()
    for number, text in enumerate(references):
        try:
            if number >= per_post:  # no form carries that many: not a browser's post
                raise BadUploadReference(
                    f"{len(references)} kept files' references, over"
                    f" SERVER_ACTIONS_KEPT_UPLOADS_PER_POST ({per_post})")
            kept = open_reference(app, text, binding, ref)
            if kept.id not in found and counts[kept.field] >= capacities.get(kept.field, 0):
                raise BadUploadReference(
                    f"more kept files for {kept.field!r} than the form's file fields carry")
        except (BadUploadReference, UploadExpired) as error:
            if strict:
                logs.info("Refused a kept file of a post to %r: %s", request.path, error.reason)
                raise
            continue
        if kept.id not in found:
            found[kept.id] = kept
            counts[kept.field] += 1
    return list(found.values())


def _put_back(app: Flask, restored: _Restored, opened: list[KeptFile], strict: bool) -> None:
    """Give the request the kept files ``opened``, as streams opened when read."""
    sent = restored.files
    chosen = {name for name, file in sent.items(multi=True) if file.filename}
    store = storage(app)
    present = {kept.id: kept.field not in chosen and store.exists(kept.id) for kept in opened}
    if strict and any(kept.field not in chosen and not present[kept.id] for kept in opened):
        raise UploadExpired("a kept file is gone from the upload storage")
    for kept in opened:
        if not present[kept.id]:
            store.delete(kept.id)  # replaced by a new file (or gone)
            continue
        file = FileStorage(t.cast(t.IO[bytes], _OpenedWhenRead(store, kept)), kept.filename,
                           kept.field, kept.content_type)
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
    if restored.kept:
        after_this_request(_remove_used)


class _OpenedWhenRead:
    """A kept file's stream, opened from the storage when it is first used:
    a post that never reads its kept file (refused, or over its limit)
    opens nothing."""

    def __init__(self, store: UploadStorage, kept: KeptFile) -> None:
        self._store = store
        self._kept = kept
        self._stream: t.IO[bytes] | None = None

    def _opened(self) -> t.IO[bytes]:
        if self._stream is None:
            stream = self._store.open(self._kept.id)
            if stream is None:  # removed since it was found (a purge, another post)
                raise UploadExpired(f"the kept file {self._kept.filename!r} is gone")
            self._stream = stream
        return self._stream

    def __getattr__(self, name: str) -> t.Any:
        return getattr(self._opened(), name)

    def __iter__(self) -> t.Iterator[bytes]:
        return iter(self._opened())

    def close(self) -> None:
        """Close the file if it was opened."""
        if self._stream is not None:
            self._stream.close()


def _remove_used(response: BaseResponse) -> BaseResponse:
    """Remove the kept files an action ran with, unless kept again."""
    restored = t.cast(_Restored, g.get(_G_RESTORED))
    again = {kept.id for kept in g.get(_G_KEPT, ())}
    store = storage(current_app._get_current_object())  # type: ignore[attr-defined]
    for kept in restored.kept.values():
        if kept.id not in again:
            try:
                store.delete(kept.id)
            except outages() as error:
                # The action ran: its answer stands, and the file expires
                # with its own lifetime (SERVER_ACTIONS_KEPT_UPLOAD_MAX_AGE).
                logs.warning("Kept file %s: could not remove it after its action ran: %s",
                             kept.id, error)
    return response


def files() -> MultiDict[str, FileStorage]:
    """The current post's files, with the kept ones :func:`restore` put back."""
    # Not the proxies: once per post.
    restored: _Restored | None = _cv_app.get().g.__dict__.get(_G_RESTORED)
    return restored.files if restored is not None else _cv_request.get().request.files


def skip_files_left_out(form: Form) -> None:
    """Skip the validators of ``form``'s file fields whose file a validate
    request left out: no part for the field at all (the client script
    leaves files out unless the form asks for them), or a kept file
    standing for it (a validate request restores none)."""
    restored = t.cast("_Restored | None", g.get(_G_RESTORED))
    referenced = restored.referenced if restored is not None else frozenset()
    sent = request.files
    for field_ in form:
        if not isinstance(field_, FileField):
            continue
        chosen = any(file.filename for file in sent.getlist(field_.name))
        if field_.name not in sent or (field_.name in referenced and not chosen):
            field_.validate = _valid  # type: ignore[method-assign,assignment]


def _valid(form: Form, extra_validators: t.Sequence[t.Any] = ()) -> bool:
    return True


def keep(app: Flask, ref: str, form: Form | None = None) -> None:
    """Keep the files of a failed post of the action ``ref`` for the page
    shown again (see :func:`kept_files`): those restored from references
    keep their reference; new ones are stored only for a post whose token
    authenticated for this session, within the budgets.

    :param form: the action's WTForms form, validated: only its file
        fields keep files, and none whose field shows an error (a file its
        validators refused).
    """
    if not ref:  # an action no longer known: a reference could never open
        return
    restore(app, ref, strict=False)
    restored = t.cast(_Restored, g.get(_G_RESTORED))
    budget = t.cast("_Budget | None", g.get(_G_BUDGET))
    per_post = app.config["SERVER_ACTIONS_KEPT_UPLOADS_PER_POST"]
    refused: set[str] = set()
    fields = None
    if form is not None:
        fields = file_fields(form)
        refused = {field_.name for field_ in form if field_.name in fields and field_.errors}
    capacities = _capacities(fields, restored.files, per_post)
    counts: collections.Counter[str] = collections.Counter()
    kept_now: list[KeptFile] = []
    for name, file in restored.files.items(multi=True):
        if (not file.filename or name in refused or counts[name] >= capacities.get(name, 0)
                or len(kept_now) >= per_post):
            continue
        kept = restored.kept.get(id(file))
        if kept is None:
            if budget is None:  # the token did not authenticate for this session
                continue
            kept = _store(app, ref, name, file, budget)
            if kept is None:
                continue
        counts[name] += 1
        kept_now.append(kept)
    setattr(g, _G_KEPT, kept_now)


def _store(app: Flask, ref: str, name: str, file: FileStorage,
           budget: _Budget) -> KeptFile | None:
    """Store a new file within the budgets; ``None`` if over one of them."""
    stream = file.stream
    stream.seek(0, os.SEEK_END)
    size = stream.tell()
    store, address = budget
    if not upload_budgets.within(store, Budgets.from_config(app.config), _binding(app).hex(),
                                 address(), size, lifetime(app)):
        logs.info("Did not keep %r of a post to %r: over a kept-upload budget",
                  file.filename, request.path)
        return None
    stream.seek(0)
    upload_id = secrets.token_hex(16)
    size = storage(app).save(upload_id, stream, lifetime(app) + CLOCK_SKEW)
    binding = _binding(app)
    kept = KeptFile(upload_id, name, file.filename or "", file.content_type or "", size, now(),
                    binding, ref)
    return replace(kept, reference=seal_reference(app, kept, binding, ref))


def keep_references(app: Flask, ref: str) -> None:
    """Show the kept files of the current post again as it sent them, for a
    page shown while the storage cannot be reached: each reference that
    opens is kept (its file waits in the storage); a newly chosen file
    cannot be."""
    binding = _binding(app)
    kept = []
    for text in dict.fromkeys(request.form.getlist(FIELD)):  # copies are one file
        with contextlib.suppress(BadUploadReference, UploadExpired):
            kept.append(open_reference(app, text, binding, ref))
    setattr(g, _G_KEPT, kept)


def kept_files(name: str) -> KeptFiles:
    """The files kept for the field ``name`` on the page shown again."""
    return KeptFiles(kept for kept in g.get(_G_KEPT, ()) if kept.field == name)


@click.command("purge-uploads")
@with_appcontext
def purge_command() -> None:
    """Remove kept uploads older than SERVER_ACTIONS_KEPT_UPLOAD_MAX_AGE."""
    app: Flask = current_app._get_current_object()  # type: ignore[attr-defined]
    removed = storage(app).purge(lifetime(app) + CLOCK_SKEW)
    click.echo(f"Removed {removed} expired upload{'' if removed == 1 else 's'}.")
