"""The action token: an authenticated, encrypted envelope.

A token is an *envelope*, and for an action with bound arguments a *row
part* after a dot: ``envelope.row``, each base64url without padding.
The envelope, before base64url::

    version (1 byte) | key id (4) | issued at (4, seconds) | nonce (12) | ciphertext + tag

The first three fields travel in clear so that an expired token, or one of a
page opened before an upgrade, can be told apart from a forged one; they are
authenticated as associated data of AES-256-GCM (from ``cryptography``), so
changing any of them makes the token fail to open. The plaintext is the
session binding (8 bytes), the request binding (11 bytes, see
:meth:`KeyRing.request_tag`), then compact JSON
``[ref, args, captures, options]`` (``args`` the number of bound arguments,
``captures`` an object of the captured names and values, empty fields at
the end left out) and spaces up to a multiple of :data:`PAD_BLOCK` bytes
(see :func:`padded`).

Bound arguments travel in the row part when there are any: the row part is
the arguments' JSON (without its brackets, padded to :data:`ROW_BLOCK`
bytes) sealed with AES-256-GCM under a key of its envelope's own (see
:class:`RowSealer`), after the row's counter within that envelope (0 to 3
bytes). Every row of a page that binds one action to its rows shares one
envelope, byte for byte (compression takes the repeats away), and only the
row part, a counter, a tag and a few bytes, is the row's own. Version 4
(and 3) sealed row parts with AES-SIV, under one key, with the
envelope's header and nonce as associated data; they still open.

Keys are derived with HKDF-SHA256 from ``SECRET_KEY`` and each entry of
``SECRET_KEY_FALLBACKS``, with the app's identity (:func:`app_identity`)
mixed in; tokens are always minted with ``SECRET_KEY``.

Nonces are random. A page that mints many tokens draws them from a
:class:`NoncePool` that belongs to its request: one ``os.urandom`` call for
many tokens, each nonce still 12 fresh random bytes that no other request,
thread or process ever holds.
"""

from __future__ import annotations

import binascii
import functools
import hashlib
import hmac
import itertools
import json
import os
import struct
import typing as t
from dataclasses import dataclass
from dataclasses import field

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.ciphers.aead import AESSIV
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from ..errors import BadActionToken
from ..errors import EarlierVersion
from ..errors import ExpiredToken
from ..errors import RetiredKey
from ..errors import SessionEnded
from ..errors import StaleSubmission
from .serialization import compact_json
from .serialization import read_json

VERSION = 5
#: The plaintext is padded to a multiple of this many bytes (the page part
#: aside), so that short values of different lengths seal alike.
PAD_BLOCK = 16
#: A row part's arguments are padded to a multiple of this many bytes.
ROW_BLOCK = 4
#: The separator of a token's envelope and row part (not base64url).
ROW_SEPARATOR = "."
_HEADER = struct.Struct(">B4sI")
_NONCE_SIZE = 12
_TAG_SIZE = 16
BINDING_SIZE = 8
#: Bytes of the MAC of the whole request in a request binding (all the
#: binding a token of version 3 has).
WHOLE_TAG_SIZE = 8
#: Bytes of the MAC of the request's place (host, script root, path and
#: query) after it.
PLACE_TAG_SIZE = 3
#: Bytes of the request binding, after the session binding.
REQUEST_TAG_SIZE = WHOLE_TAG_SIZE + PLACE_TAG_SIZE
# Bytes of the request binding, by token version.
_REQUEST_TAG_SIZES = {VERSION: REQUEST_TAG_SIZE, 4: REQUEST_TAG_SIZE,
                      3: WHOLE_TAG_SIZE, 2: 0}
#: Bytes of a row counter, at most: an envelope seals up to 2**24 rows.
ROW_COUNTER_SIZE = 3
#: Smallest possible token, in bytes before base64 (a version 2 token,
#: of a page opened before the upgrade, has no request binding).
MIN_SIZE = _HEADER.size + _NONCE_SIZE + _TAG_SIZE + BINDING_SIZE
_ALPHABET = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"
_TO_STANDARD = bytes.maketrans(b"-_", b"+/")
_TO_URLSAFE = bytes.maketrans(b"+/", b"-_")
#: Tolerated clock difference between instances, in seconds.
CLOCK_SKEW = 60
_B64_VALUES = {chr(byte): index for index, byte in enumerate(_ALPHABET)}
# A string as compact_json writes it (the C function, when there is one).
_quoted = json.encoder.encode_basestring


def derive_key(secret: str | bytes, app_id: str = "",
               purpose: bytes = b"action-token/v2", length: int = 32) -> bytes:
    """Derive the 32-byte token key of the app ``app_id`` from one of its secrets.

    The app's identity is part of the derivation, so two apps sharing a
    secret still have distinct keys and never open each other's tokens.

    :param purpose: what the key is for: the token cipher (the default,
        unchanged since version 2, so that pages opened before an upgrade
        still open), ``b"request-tag/v3"``, the key of request bindings, or
        ``b"row/v3"``, the AES-SIV key of row parts of version 4, or
        ``b"row/v5"``, the key each envelope's row key is derived from
        (:func:`row_key`).
    :param length: bytes of key.
    """
    if isinstance(secret, str):
        secret = secret.encode("utf-8")
    hkdf = HKDF(algorithm=hashes.SHA256(), length=length, salt=b"flask-server-actions",
                info=purpose + b"\0" + app_id.encode("utf-8"))
    return hkdf.derive(secret)


def key_id(app_id: str, key: bytes) -> bytes:
    """The key id written in clear in each token: 2 bytes naming the app, so
    that a token of another app is told from one of a retired key, then 2
    bytes naming the key."""
    app_part = hashlib.blake2b(app_id.encode("utf-8"), digest_size=2, person=b"sa-app").digest()
    return app_part + hashlib.blake2b(key, digest_size=2, person=b"sa-key-id").digest()


def app_identity(import_name: str, config: t.Mapping[str, t.Any]) -> str:
    """The identity a token is bound to: ``SERVER_ACTIONS_APP_ID`` if set,
    else the app's import name and the settings that tell apart apps served
    side by side (the session cookie's name, domain and path, the
    application root and ``SERVER_NAME``).

    Every worker, instance and redeploy of one app shares these settings,
    so its tokens keep working across them; two apps with one import name
    and one ``SECRET_KEY`` that differ in none of them share their session
    cookies too, and must set ``SERVER_ACTIONS_APP_ID``.
    """
    chosen = config.get("SERVER_ACTIONS_APP_ID")
    if chosen:
        return f"id:{chosen}"
    parts = [import_name] + [str(config.get(name) or "") for name in (
        "SESSION_COOKIE_NAME", "SESSION_COOKIE_DOMAIN", "SESSION_COOKIE_PATH",
        "APPLICATION_ROOT", "SERVER_NAME")]
    return "\0".join(parts)


@functools.lru_cache(maxsize=4096)  # the same few sessions post again and again
def binding_tag(value: str) -> bytes:
    """The 8 bytes a token keeps of the browser session's binding value."""
    return hashlib.blake2b(value.encode("utf-8"), digest_size=BINDING_SIZE,
                           person=b"sa-binding").digest()


class KeyRing:
    """The current key and the retired ones still accepted.

    :param secrets: ``SECRET_KEY`` first, then ``SECRET_KEY_FALLBACKS``.
    :param app_id: the app's identity (:func:`app_identity`), mixed into
        the keys and written into key ids.
    """

    #: Request bindings kept (see :meth:`request_tag`).
    KEPT_REQUEST_TAGS = 1024

    def __init__(self, secrets: t.Sequence[str | bytes], app_id: str = "") -> None:
        if not secrets or not secrets[0]:
            raise RuntimeError(
                "flask-server-actions needs SECRET_KEY to encrypt action tokens."
                " Set app.config['SECRET_KEY'] to a long random value, for example"
                " from `python -c 'import secrets; print(secrets.token_hex())'`.")
        self.secrets = tuple(secrets)
        self.app_id = app_id
        keys = [derive_key(secret, app_id) for secret in secrets if secret]
        self.current_id = key_id(app_id, keys[0])
        self.app_tag = self.current_id[:2]
        self._ciphers = {}
        self._tag_keys = {}
        self._row_ciphers = {}
        self._row_keys = {}
        self._request_tags: dict[tuple[bytes, bytes], bytes] = {}
        for secret, key in reversed(list(zip([s for s in secrets if s], keys, strict=True))):
            # The current key wins a (harmless) id clash.
            kid = key_id(app_id, key)
            self._ciphers[kid] = AESGCM(key)
            self._tag_keys[kid] = derive_key(secret, app_id, b"request-tag/v3")
            self._row_ciphers[kid] = AESSIV(derive_key(secret, app_id, b"row/v3", 64))
            self._row_keys[kid] = derive_key(secret, app_id, b"row/v5")
        #: The cipher tokens are minted with.
        self.current = self._ciphers[self.current_id]
        #: The key the row keys of envelopes minted now are derived from.
        self.current_rows = self._row_keys[self.current_id]

    def cipher(self, kid: bytes) -> AESGCM | None:
        """The cipher for a key id, or ``None`` if no known key has it."""
        return self._ciphers.get(kid)

    def row_cipher(self, kid: bytes) -> AESSIV:
        """The cipher of row parts of version 4 of a known key id."""
        return self._row_ciphers[kid]

    def open_row(self, context: bytes, raw: bytes) -> bytes:
        """The padded plaintext of the row part ``raw`` (decoded) of the
        envelope of version 5 whose :func:`row_context` is ``context``.

        :raises cryptography.exceptions.InvalidTag: it does not
            authenticate under that envelope.
        """
        counter = len(raw) % 4  # the sealed part is a multiple of 4 bytes
        kid = context[1:5]
        cipher = AESGCM(row_key(self._row_keys[kid], context))
        return cipher.decrypt(_row_nonce(counter, int.from_bytes(raw[:counter], "big")),
                              raw[counter:], None)

    def request_tag(self, identity: RequestIdentity, kid: bytes | None = None) -> bytes:
        """The request binding of a token under the key ``kid`` (default:
        the current one): a MAC of the request's whole ``identity`` (see
        :func:`request_identity`), :data:`WHOLE_TAG_SIZE` bytes, then a MAC of
        its place alone, :data:`PLACE_TAG_SIZE` bytes.

        The first decides whether the token runs, as in version 3; the
        second only tells a token of this very URL whose view changed (a
        redeploy renamed it) from a token of another URL (see
        :func:`compare_requests`). Keyed with a secret of the app, so nobody
        can search offline for another request whose binding equals a
        token's.
        """
        kid = self.current_id if kid is None else kid
        place, whole = identity
        # The same pages are asked for again and again: their bindings are
        # kept, a bounded number of them (whole determines place).
        found = self._request_tags.get((kid, whole))
        if found is None:
            key = self._tag_keys[kid]
            found = (hashlib.blake2b(whole, digest_size=WHOLE_TAG_SIZE, key=key,
                                     person=b"sa-request").digest()
                     + hashlib.blake2b(place, digest_size=PLACE_TAG_SIZE, key=key,
                                       person=b"sa-place").digest())
            if len(self._request_tags) >= self.KEPT_REQUEST_TAGS:
                self._request_tags.clear()
            self._request_tags[kid, whole] = found
        return found


#: What a token binds of the request that minted it (see
#: :func:`request_identity`): its place, then the whole request, as JSON.
RequestIdentity = tuple[bytes, bytes]


def request_identity(host: str, script_root: str, path: str, query: bytes, rule: str,
                     endpoint: str) -> RequestIdentity:
    """What a token binds of the request that minted it: its *place*, the
    host (in lower case), the script root and the path as a pair and the
    query string as sent; and the whole request, the place and the matched
    rule and its endpoint (the minting view). JSON lists, so no two
    requests share one spelling.
    """
    whole = compact_json([host.lower(), script_root, path, query.decode("latin-1"), rule,
                          endpoint])
    # The place is the whole list without its last two items: cut their
    # JSON off rather than encode the place again (a post's hot path).
    cut = len(_quoted(rule)) + len(_quoted(endpoint)) + 3  # two commas and "]"
    return (whole[:-cut] + "]").encode("utf-8"), whole.encode("utf-8")


#: What :func:`compare_requests` finds: the token was minted by this very
#: request; at this place by another view or rule; or elsewhere.
SAME_REQUEST, SAME_PLACE, OTHER_REQUEST = "request", "place", "other"


def compare_requests(sealed: bytes, expected: bytes) -> str:
    """How the request binding ``sealed`` in a token compares with
    ``expected``, the posting request's (:meth:`KeyRing.request_tag`):
    :data:`SAME_REQUEST` if their whole MACs are equal (the only answer
    that lets a token run); else :data:`SAME_PLACE` if the token (of
    version 4) was minted at this host, script root, path and query by
    another view or rule; else :data:`OTHER_REQUEST`.

    A token of version 3 has the whole MAC only: it is of the same request
    or of another one.
    """
    whole = WHOLE_TAG_SIZE
    if hmac.compare_digest(sealed[:whole], expected[:whole]):
        return SAME_REQUEST
    if len(sealed) == REQUEST_TAG_SIZE and hmac.compare_digest(sealed[whole:],
                                                               expected[whole:]):
        return SAME_PLACE
    return OTHER_REQUEST


@dataclass
class ActionToken:
    """What a token says, once opened.

    ``values`` and ``args`` are still tagged JSON data: they are decoded only
    once the action is known to exist, so custom loaders never run for a
    token that will be refused.
    """

    #: ``module:qualname`` of the action.
    ref: str
    #: The binding of the request that minted the token
    #: (:meth:`KeyRing.request_tag`); 8 bytes for a token of version 3
    #: (its whole MAC alone), empty for one of version 2.
    request_tag: bytes
    #: Names of the captured variables, in the code object's order.
    names: list[str]
    #: Encoded captured values (and defaults), one per name.
    values: list[t.Any]
    #: Encoded bound arguments (sealed in the row part, when there are any).
    args: list[t.Any]
    #: Options of the action that cannot be found from its code alone, such
    #: as the form class of a decorated inline action (``{"form": ref}``).
    options: dict[str, t.Any] = field(default_factory=dict)
    #: Seconds since the epoch when the token was minted.
    issued_at: int = 0
    #: The token's unique id: its random nonce, in hex. One-time actions
    #: record it so the token cannot be used twice.
    token_id: str = ""
    #: The id of the key that opened the token.
    key_id: bytes = b""


def token_of(error: StaleSubmission) -> ActionToken:
    """The opened token a stale error of :func:`open_token` carries (each
    of them carries it), with its type."""
    token = error.token
    assert isinstance(token, ActionToken)
    return token


class NoncePool:
    """Random nonces for the tokens of one request, drawn from the system's
    random source in batches: one ``os.urandom`` call for many tokens.

    Each nonce is 12 bytes of ``os.urandom`` output handed out once, so
    nonces are exactly as unique as when each token drew its own. A pool
    must belong to one request (never to a module, a class or anything
    created before a server forks its workers): a forked copy would hand
    out the same bytes twice. Taking a nonce is one ``next()`` of an
    :func:`itertools.count`, atomic for the threads that may share a
    streamed response.
    """

    #: Nonces drawn per ``os.urandom`` call.
    BATCH = 32

    def __init__(self) -> None:
        self._batches: dict[int, bytes] = {}
        self._count = itertools.count()

    def take(self) -> bytes:
        """A nonce no other call of any pool returns."""
        index = next(self._count)
        batch, slot = divmod(index, self.BATCH)
        data = self._batches.get(batch)
        if data is None:
            # Two threads may both miss: setdefault keeps one batch, and
            # their indexes differ, so their slots do.
            data = self._batches.setdefault(batch, os.urandom(_NONCE_SIZE * self.BATCH))
            self._batches.pop(batch - 1, None)  # every slot of it is handed out or taken
        start = slot * _NONCE_SIZE
        return data[start:start + _NONCE_SIZE]


def padded(body: str, block: int = PAD_BLOCK) -> bytes:
    """``body`` in UTF-8 with spaces after it (JSON ignores them) up to a
    multiple of ``block`` bytes.

    A ``true`` counts as long as a ``false``: a captured flag never changes
    the token's length, whatever else the token holds.
    """
    data = body.encode("utf-8")
    trues = body.count("true")  # each padded by one byte more, as long as "false"
    return data + b" " * (-(len(data) + trues) % block + trues)


def _b64(raw: bytes) -> str:
    text = binascii.b2a_base64(raw, newline=False)
    return text.translate(_TO_URLSAFE).rstrip(b"=").decode("ascii")


def seal_body(body: str, keys: KeyRing, bindings: bytes, now: int, nonce: bytes) -> str:
    """Encrypt a token's JSON after its ``bindings``: the session's binding
    tag, then the request's (:meth:`KeyRing.request_tag`). The envelope's
    associated data for its row parts is :func:`row_context`."""
    header = _HEADER.pack(VERSION, keys.current_id, now)
    return _b64(header + nonce + keys.current.encrypt(nonce, bindings + padded(body), header))


def row_context(keys: KeyRing, now: int, nonce: bytes) -> bytes:
    """What a row part is bound to: the header and nonce of its envelope,
    minted under the current key at ``now`` with ``nonce``."""
    return _HEADER.pack(VERSION, keys.current_id, now) + nonce


def row_key(key: bytes, context: bytes) -> bytes:
    """The AES-256-GCM key of the row parts of one envelope: a keyed BLAKE2b
    (a PRF) of the envelope's :func:`row_context` under ``key``, the row
    key of the envelope's key id (:attr:`KeyRing.current_rows`).

    The context holds the envelope's random nonce, so every envelope has a
    key of its own, and a row part opens under its own envelope only."""
    return hashlib.blake2b(context, digest_size=32, key=key, person=b"sa-row-key").digest()


def _row_nonce(size: int, counter: int) -> bytes:
    """The AES-GCM nonce of the row whose counter is written in ``size``
    bytes: the size, then the counter. Every spelling of a counter has its
    nonce, so only the one that sealed it opens."""
    return (size << 88 | counter).to_bytes(_NONCE_SIZE, "big")


class RowSealer:
    """Seals the row parts of one envelope, each under the envelope's own
    key (:func:`row_key`) with a nonce no other row of it has.

    The nonce is the row's counter, taken from an :func:`itertools.count`
    (atomic for the threads of one streamed response) and written at the
    start of the row part in as few bytes as it takes (none for the first
    row), after its size (see :func:`_row_nonce`). A sealer belongs to one
    envelope of one request, whose nonce no other envelope has, so no two
    rows under one key share a nonce.

    :param start: the first counter (tests start near the last one).
    """

    __slots__ = ("_encrypt", "_count")

    #: Rows one envelope can seal.
    LIMIT = 1 << 8 * ROW_COUNTER_SIZE

    def __init__(self, key: bytes, context: bytes, start: int = 0) -> None:
        self._encrypt = AESGCM(row_key(key, context)).encrypt
        self._count = itertools.count(start)

    def seal(self, args: str) -> str | None:
        """The row part of ``args``, the bound arguments' JSON without its
        brackets; ``None`` once the envelope sealed :data:`LIMIT` rows (a
        new envelope must be sealed)."""
        return self._seal(padded(args, ROW_BLOCK), next(self._count))

    def seal_int(self, value: int) -> str | None:
        """The row part of one integer argument (not a bool), as
        :meth:`seal` seals its JSON: the usual row, in one Python call."""
        counter = next(self._count)
        data = b"%d" % value
        data += _INT_PADDING[len(data) & 3]
        if counter >= len(_SMALL_COUNTERS):
            return self._seal(data, counter)
        written, nonce = _SMALL_COUNTERS[counter]
        text = binascii.b2a_base64(written + self._encrypt(nonce, data, None), newline=False)
        return text.translate(_TO_URLSAFE).rstrip(b"=").decode("ascii")

    def _seal(self, data: bytes, counter: int) -> str | None:
        if counter < len(_SMALL_COUNTERS):
            written, nonce = _SMALL_COUNTERS[counter]
        else:
            size = (counter.bit_length() + 7) >> 3
            if size > ROW_COUNTER_SIZE:
                return None
            written, nonce = counter.to_bytes(size, "big"), _row_nonce(size, counter)
        return _b64(written + self._encrypt(nonce, data, None))


def seal_row(args: str, key: bytes, context: bytes) -> str:
    """The first row part of the envelope whose :func:`row_context` is
    ``context`` (the slow path, from scratch): ``args``, the bound
    arguments' JSON without its brackets, sealed under the row key ``key``."""
    part = RowSealer(key, context).seal(args)
    assert part is not None  # the first of its envelope
    return part


#: Spaces after an integer's digits up to a multiple of :data:`ROW_BLOCK`,
#: by their number modulo 4.
_INT_PADDING = (b"", b"   ", b"  ", b" ")
#: The first counters of an envelope's rows as a row part writes them, and
#: their nonces.
_SMALL_COUNTERS = [(counter.to_bytes(size, "big"), _row_nonce(size, counter))
                   for counter in range(256) for size in [(counter.bit_length() + 7) >> 3]]


def token_body(token: ActionToken) -> str:
    """The JSON a token's envelope holds after the bindings: ``[ref, args,
    captures, options]`` without empty fields at its end; ``args`` is the
    number of bound arguments, which travel in the row part."""
    fields: list[t.Any] = [token.ref, len(token.args),
                           dict(zip(token.names, token.values, strict=True)), token.options]
    while len(fields) > 1 and not fields[-1]:
        fields.pop()
    return compact_json(fields)


def seal(token: ActionToken, keys: KeyRing, binding: bytes, now: int) -> str:
    """Encrypt ``token`` for the session whose binding tag is ``binding``
    (the slow path, from scratch, that minting must match)."""
    nonce = os.urandom(_NONCE_SIZE)
    envelope = seal_body(token_body(token), keys, binding + token.request_tag, now, nonce)
    if not token.args:
        return envelope
    row = seal_row(compact_json(token.args)[1:-1], keys.current_rows,
                   row_context(keys, now, nonce))
    return f"{envelope}{ROW_SEPARATOR}{row}"


def _canonical(text: str) -> bool:
    """Whether the unused low bits of the last base64 character are zero, so
    that no other spelling of the same bytes is accepted (cheaper than
    encoding the bytes again and comparing)."""
    # A length of 4n + 1 never decodes, so it never gets here.
    unused = (0, 0, 4, 2)[len(text) % 4]
    return not _B64_VALUES[text[-1]] & ((1 << unused) - 1)


def _decoded(text: str, part: str) -> bytes:
    """The bytes of one base64url part of a token, spelled canonically."""
    # bytes.translate checks the alphabet several times faster than a regex.
    data = text.encode("ascii", "replace")
    if not data or data.translate(None, _ALPHABET):
        raise BadActionToken(f"token {part} is not base64url")
    try:
        raw = binascii.a2b_base64(data.translate(_TO_STANDARD) + b"=" * (-len(data) % 4))
    except binascii.Error as error:
        raise BadActionToken(f"token {part} is not base64url: {error}") from None
    if not _canonical(text):
        raise BadActionToken(f"token {part} is not in canonical base64url")
    return raw


def open_token(text: str, keys: KeyRing, binding: bytes | None, now: int,
               max_age: int, max_size: int) -> ActionToken:
    """Decrypt and check a token.

    :param binding: the binding tag of the posting browser session, or
        ``None`` if its session has no binding value.

    The request binding is not compared here: the caller compares
    :attr:`ActionToken.request_tag` with its request's (see
    :meth:`KeyRing.request_tag`), for an expired token or one of another
    session too, which the raised error carries.

    :raises BadActionToken: malformed, forged, tampered with, of another app,
        or minted with a key that is no longer accepted (:class:`RetiredKey`).
    :raises SessionEnded: minted for another browser session (expired or not).
    :raises ExpiredToken: of this session, older than ``max_age`` seconds.
    :raises EarlierVersion: a token of version 2, of a page opened before
        an upgrade (it opened, for this session: the input may be kept).
    """
    if len(text) > max_size:
        raise BadActionToken(f"token of {len(text)} characters is over the {max_size} limit")
    envelope, dot, row = text.partition(ROW_SEPARATOR)
    raw = _decoded(envelope, "envelope")
    if len(raw) < MIN_SIZE:
        raise BadActionToken(f"token of {len(raw)} bytes is too short")
    version, kid, issued_at = _HEADER.unpack_from(raw)
    request_tag_size = _REQUEST_TAG_SIZES.get(version)
    if request_tag_size is None:
        raise BadActionToken(f"unknown token version {version}")
    cipher = keys.cipher(kid)
    if cipher is None:
        if kid[:2] != keys.app_tag:
            raise BadActionToken(f"token of another app (key id {kid.hex()})")
        raise RetiredKey(f"no accepted key has id {kid.hex()}")
    start = _HEADER.size
    nonce = raw[start:start + _NONCE_SIZE]
    try:
        plain = cipher.decrypt(nonce, raw[start + _NONCE_SIZE:], raw[:start])
    except InvalidTag:
        raise BadActionToken("token does not authenticate") from None
    # Version 2 sealed the page's path in the JSON, no request binding, and
    # its arguments inline; version 3 differs from 4 in its request binding.
    start = BINDING_SIZE + request_tag_size
    try:
        fields: list[t.Any] = read_json(plain[start:].rstrip(b" ").decode("utf-8"))
        if version == 2:  # [ref, page, names, values, args, options]
            ref, _, names, values, args, options = fields
        else:
            # The fields left out at the end are empty (fresh objects: a
            # token's lists are its own).
            empty: list[t.Any] = ["", 0, {}, {}]
            if not 1 <= len(fields) <= len(empty):
                raise ValueError(f"{len(fields)} fields")
            ref, args, captures, options = [*fields, *empty[len(fields):]]
            names, values = list(captures), list(captures.values())
    except (ValueError, TypeError, IndexError, AttributeError) as error:  # a bug of ours
        raise BadActionToken(f"token body is malformed: {error}") from None
    token_id = nonce.hex()
    if type(args) is int and args > 0:  # the arguments travel in the row part
        if not dot:
            raise BadActionToken("token has no row part for its bound arguments")
        args, row_id = _open_row(row, keys, version, raw[:_HEADER.size + _NONCE_SIZE], args)
        token_id += row_id
    elif dot:
        raise BadActionToken("token has a row part but binds no arguments")
    elif args == 0:
        args = []
    elif not isinstance(args, list):  # only a bug of ours gets here
        raise BadActionToken(f"token body is malformed: arguments {args!r}")
    token = ActionToken(ref, plain[BINDING_SIZE:start], names, values, args, options,
                        issued_at, token_id, kid)
    age = now - issued_at
    if age < -CLOCK_SKEW:
        raise BadActionToken(f"token was issued {-age} s in the future")
    # Another session's before expired: an expired token of another session
    # is refused as one (unless the post proves its origin), never shown back.
    if binding is None or not hmac.compare_digest(plain[:BINDING_SIZE], binding):
        raise SessionEnded("token was minted for another browser session", token=token)
    if age > max_age:
        raise ExpiredToken(f"token is {age} s old, over the {max_age} s limit", issued_at,
                           token=token)
    if version == 2:
        raise EarlierVersion(f"token of version {version}, minted before an upgrade",
                             token=token)
    return token


def _open_row(text: str, keys: KeyRing, version: int, context: bytes,
              count: int) -> tuple[list[t.Any], str]:
    """The ``count`` bound arguments a row part of a token of ``version``
    seals, and its id."""
    raw = _decoded(text, "row part")
    try:
        if version == VERSION:
            plain = keys.open_row(context, raw)
            row_id = raw[-_TAG_SIZE:][:8].hex()  # the tag ends it
        else:  # versions 3 and 4: AES-SIV
            plain = keys.row_cipher(context[1:5]).decrypt(raw, [context])
            row_id = raw[:8].hex()  # the MAC starts the row part
    except (InvalidTag, ValueError):  # ValueError: shorter than its MAC
        raise BadActionToken("token row part does not authenticate") from None
    try:
        args = read_json(f"[{plain.rstrip(b' ').decode('utf-8')}]")
    except ValueError as error:  # only a bug of ours gets here
        raise BadActionToken(f"token row part is malformed: {error}") from None
    if len(args) != count:
        raise BadActionToken(f"token row part holds {len(args)} arguments, not {count}")
    # Rows of one envelope have distinct ids.
    return args, row_id
