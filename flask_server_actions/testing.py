"""A test client for apps that use server actions.

Tokens are the routing of an action post, so tests cannot switch them off:
they submit what the page rendered, as a browser does. :class:`ActionClient`
wraps Flask's test client to do that::

    client = ActionClient(app)
    page = client.get("/notes")
    page = page.form(action="create_note").submit(title="Groceries")
    assert page.status_code == 200 and "Groceries" in page

A form is found by its ``id``, by the name of the action it (or one of its
buttons) calls, or by the label of one of its buttons; it is submitted with
JavaScript off: every successful control, the clicked button, an ``Origin``
header, the client's cookies, and the ``303`` followed. :meth:`Page.call`
calls an action as client code does (a JSON call with ``X-Server-Action``,
from an element's ``data-server-action``). :attr:`Page.state` is the
:class:`~flask_server_actions.ActionState` the page was rendered with.

``submit(htmx=True)`` sends the form as htmx does (its ``hx-post``, the
``HX-*`` request headers); the page is then the fragment htmx would swap,
with the answer's ``HX-*`` headers in :attr:`Page.htmx_headers`. Files are
given as ``(stream or bytes, filename[, content_type])`` tuples or
:class:`~werkzeug.datastructures.FileStorage` objects; ``headers=`` adds
request headers.

A form posts to its page's URL as the browser sent it (a query such as
``next=%2Ftasks`` stays encoded). :meth:`Form.validate` sends a validate
request, as live validation does; ``submit(by=other_client)`` submits a
form from another browser; submitting a form again replays its token; in
``with client.expired():`` every token posted is taken for expired.

HTML is read with the standard library's :mod:`html.parser`.

.. versionadded:: 0.2.0

.. versionchanged:: 0.3.0
    Files, htmx submissions, extra headers, :attr:`Form.clicked`, encoded
    page URLs, :meth:`Form.validate`, ``submit(by=)``,
    :meth:`ActionClient.expired`, expired forms found by their action,
    :attr:`Page.notices` one message each.
"""

from __future__ import annotations

import io
import sys
import time
import typing as t
from contextlib import contextmanager
from dataclasses import dataclass
from dataclasses import field
from html.parser import HTMLParser
from urllib.parse import quote
from urllib.parse import urlencode
from urllib.parse import urljoin

from flask import request
from flask import request_finished
from werkzeug.datastructures import FileStorage
from werkzeug.datastructures import MultiDict

from .errors import ServerActionError
from .page.minting import full_ref
from .page.state import ActionState
from .page.state import current_state
from .post.calls import HEADER
from .post.precognition import HEADER as VALIDATE_HEADER
from .post.precognition import ONLY_HEADER
from .token.envelope import binding_tag
from .token.envelope import open_token
from .token.serialization import read_json

if t.TYPE_CHECKING:
    from flask import Flask
    from flask.testing import FlaskClient
    from werkzeug.test import TestResponse

    from .extension import ServerActions

#: What a path keeps unquoted when the client writes a page's URL again.
_PATH_SAFE = "/:@!$&'()*+,;=~"
_UNSENT_INPUTS = frozenset({"submit", "button", "reset", "image", "file"})

#: A file to upload: ``(stream or bytes, filename)``, with a content type
#: as a third item if wanted, or a :class:`~werkzeug.datastructures.FileStorage`.
Upload = tuple[t.Any, ...] | FileStorage
#: What :meth:`Form.fill` takes for one field.
FieldValue = str | bool | t.Sequence[str] | Upload | t.Sequence[Upload]


def _is_upload(value: object) -> bool:
    return isinstance(value, FileStorage) or (
        isinstance(value, tuple) and 2 <= len(value) <= 3 and not isinstance(value[0], str))


def _upload(value: Upload) -> Upload:
    # Bytes are what a test usually has at hand: werkzeug wants a stream.
    if isinstance(value, tuple) and isinstance(value[0], bytes):
        return (io.BytesIO(value[0]), *value[1:])
    return value


@dataclass
class _Control:
    tag: str
    attrs: dict[str, str]
    text: str = ""
    options: list[tuple[dict[str, str], str]] = field(default_factory=list)

    @property
    def name(self) -> str:
        return self.attrs.get("name", "")

    @property
    def is_button(self) -> bool:
        if self.tag == "button":
            return self.attrs.get("type", "submit") == "submit"
        return self.tag == "input" and self.attrs.get("type") in ("submit", "image")

    @property
    def label(self) -> str:
        """A button's label: its text, or an input's value."""
        return " ".join((self.text or self.attrs.get("value", "")).split())

    def values(self) -> list[str]:
        """What a browser sends for this control (buttons aside)."""
        if "disabled" in self.attrs or not self.name:
            return []
        if self.tag == "textarea":
            return [self.text[1:] if self.text.startswith("\n") else self.text]
        if self.tag == "select":
            chosen = [(attrs, text) for attrs, text in self.options if "selected" in attrs]
            if not chosen and self.options and "multiple" not in self.attrs:
                chosen = self.options[:1]
            return [attrs.get("value", text.strip()) for attrs, text in chosen]
        kind = self.attrs.get("type", "text")
        if kind in ("checkbox", "radio"):
            return [self.attrs.get("value", "on")] if "checked" in self.attrs else []
        return [] if kind in _UNSENT_INPUTS else [self.attrs.get("value", "")]


@dataclass
class _FormNode:
    attrs: dict[str, str]
    controls: list[_Control] = field(default_factory=list)


class _PageParser(HTMLParser):
    """Collects forms with their controls, notices and elements carrying
    ``data-server-action``.

    A notice is the text of a ``role="alert"`` element; one that lists
    messages (the error summary) gives one notice per list item, its
    heading aside."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.forms: list[_FormNode] = []
        self.callables: list[dict[str, str]] = []
        self.notices: list[str] = []
        self._form: _FormNode | None = None
        self._text: list[_Control] = []
        self._select: _Control | None = None
        self._notice: list[str] | None = None
        #: The open ``role="alert"`` element: its tag and how deep in it.
        self._alert: tuple[str, int] | None = None
        self._listed = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = {name: value or "" for name, value in attrs}
        if "data-server-action" in found:
            self.callables.append(found)
        if tag == "form":
            self._form = _FormNode(found)
            self.forms.append(self._form)
        elif tag in ("input", "button", "textarea", "select"):
            control = _Control(tag, found)
            if self._form is not None:
                self._form.controls.append(control)
            if tag in ("button", "textarea"):
                self._text.append(control)
            elif tag == "select":
                self._select = control
        elif tag == "option" and self._select is not None:
            self._select.options.append((found, ""))
        if self._alert is not None:
            name, depth = self._alert
            self._alert = (name, depth + (tag == name))
            if tag == "li":
                self._listed = True
                self._notice = []
        elif found.get("role") == "alert":
            self._alert, self._listed, self._notice = (tag, 1), False, []

    def handle_endtag(self, tag: str) -> None:
        if tag == "form":
            self._form = None
        elif tag == "select":
            self._select = None
        if tag in ("button", "textarea") and self._text:
            self._text.pop()
        if self._alert is None:
            return
        name, depth = self._alert
        if tag == "li" and self._notice is not None:
            self._add_notice()
        if tag == name:
            self._alert = (name, depth - 1) if depth > 1 else None
            if self._alert is None and not self._listed:
                self._add_notice()

    def _add_notice(self) -> None:
        text = " ".join("".join(self._notice or ()).split())
        if text:
            self.notices.append(text)
        self._notice = None

    def handle_data(self, data: str) -> None:
        for holder in self._text:
            holder.text += data
        if self._select is not None and self._select.options:
            attrs, text = self._select.options[-1]
            self._select.options[-1] = (attrs, text + data)
        if self._notice is not None:
            self._notice.append(data)


class ActionClient:
    """Opens pages of ``app`` and submits their actions as a browser does.

    :param app: the app under test.
    :param client: the Flask test client to use (one keeps the cookies, so
        the session, across requests); default ``app.test_client()``.

    A pytest fixture, in ``conftest.py``::

        @pytest.fixture
        def actions(app):
            return ActionClient(app)
    """

    def __init__(self, app: Flask, client: FlaskClient | None = None) -> None:
        self.app = app
        #: The wrapped Flask test client.
        self.client = client if client is not None else app.test_client()
        server = app.config.get("SERVER_NAME") or "localhost"
        #: The ``Origin`` header sent with every action, as a browser would.
        self.origin = f"{app.config.get('PREFERRED_URL_SCHEME', 'http')}://{server}"
        self._states: list[ActionState] = []
        request_finished.connect(self._record_state, app)

    def _record_state(self, sender: Flask, **_extra: object) -> None:
        self._states.append(current_state())

    def _request(self, method: str, url: str, **kwargs: t.Any) -> Page:
        """Open ``url``, redirects followed; the page records the state of
        the first request (the action post, not the page redirected to)."""
        self._states.clear()
        response = self.client.open(url, method=method, follow_redirects=True, **kwargs)
        state = self._states[0] if self._states else ActionState()
        return Page(self, response, state)

    def get(self, url: str, **kwargs: t.Any) -> Page:
        """Open the page at ``url`` (redirects followed)."""
        return self._request("GET", url, **kwargs)

    @contextmanager
    def expired(self) -> t.Iterator[None]:
        """Within the block, the app takes every token posted to it for
        expired, as it would after ``SERVER_ACTIONS_MAX_AGE`` seconds: the
        page comes back (``422``) with the input and the "expired" notice,
        and fresh tokens that work once the block is left::

            page = actions.get("/notes")
            with actions.expired():
                page = page.form(action="create_note").submit(title="Tea")
            assert page.status_code == 422
            page.form(action="create_note").submit()  # the input was kept

        .. versionadded:: 0.3.0
        """
        config = self.app.config
        max_age = config["SERVER_ACTIONS_MAX_AGE"]
        config["SERVER_ACTIONS_MAX_AGE"] = -1  # a token minted this second is too old
        try:
            yield
        finally:
            config["SERVER_ACTIONS_MAX_AGE"] = max_age

    def action_of(self, token: str, url: str) -> str | None:
        """The ``module:qualname`` of the action a token found on the page
        at ``url`` calls, if it was minted for this client's session (an
        expired token names its action too: its form is still on the page).

        :param url: the page the token was found on: a token writes the
            name of an action defined in its page's view relative to the
            view (``~update_post``), which only the page can complete.

        .. versionchanged:: 0.3.0
            The ``url`` parameter; an expired token names its action.
        """
        ext = t.cast("ServerActions", self.app.extensions["server_actions"])
        config = self.app.config
        with self.client.session_transaction() as session:
            binding = session.get(config["SERVER_ACTIONS_SESSION_KEY"])
        try:
            opened = open_token(token, ext.keys(self.app),
                                binding_tag(binding) if isinstance(binding, str) else None,
                                int(time.time()), sys.maxsize,
                                config["SERVER_ACTIONS_MAX_TOKEN_SIZE"])
        except ServerActionError:
            return None
        with self.app.test_request_context(url):
            rule = request.url_rule
            view = self.app.view_functions.get(rule.endpoint) if rule is not None else None
        return full_ref(opened.ref, view)


def _names(ref: str | None, action: str) -> bool:
    """Whether ``ref`` (``module:qualname``) is the action called ``action``:
    its name, its qualified name, or the whole reference."""
    if ref is None:
        return False
    qualname = ref.partition(":")[2]
    return action in (ref, qualname, qualname.rpartition(".")[2])


class Page:
    """A page the client opened or an action answered with.

    ``"text" in page`` looks for text in the HTML.
    """

    def __init__(self, client: ActionClient, response: TestResponse,
                 state: ActionState) -> None:
        self.client = client
        #: The last response (after redirects).
        self.response = response
        #: The :class:`~flask_server_actions.ActionState` of the request
        #: that led here (empty after a successful action's redirect).
        self.state = state
        sent = response.request
        # As the browser sent them: a form posts to its page's URL, and a
        # query decoded (``next=/talks/new`` for ``next=%2Ftalks%2Fnew``)
        # would be another page's.
        query = sent.query_string.decode("utf-8", "replace")
        #: The path and query of the page, percent-encoded as sent.
        self.url = quote(sent.script_root + sent.path, safe=_PATH_SAFE) + (
            f"?{query}" if query else "")
        #: The HTML.
        self.html = response.get_data(as_text=True)
        self._parsed: _PageParser | None = None

    @property
    def status_code(self) -> int:
        """The status of the last response (200 after a followed 303)."""
        return self.response.status_code

    @property
    def redirects(self) -> list[int]:
        """The statuses of the redirects followed to get here, e.g. ``[303]``."""
        return [response.status_code for response in self.response.history]

    @property
    def htmx_headers(self) -> dict[str, str]:
        """The answer's ``HX-*`` headers (``HX-Redirect``, ``HX-Retarget``,
        ...), as htmx reads them after :meth:`Form.submit` with ``htmx=True``."""
        return {name: value for name, value in self.response.headers.items()
                if name.lower().startswith("hx-")}

    @property
    def notices(self) -> list[str]:
        """The messages the page shows in ``role="alert"`` elements, one
        each: the notice of ``action.notice()``, and each error listed by
        ``action.error_summary()`` (its heading aside).

        .. versionchanged:: 0.3.0
            One message each: the error summary's heading, links and the
            text after them are no longer run together.
        """
        return self._parser.notices

    def __contains__(self, text: str) -> bool:
        return text in self.html

    @property
    def _parser(self) -> _PageParser:
        if self._parsed is None:
            self._parsed = _PageParser()
            self._parsed.feed(self.html)
            self._parsed.close()
        return self._parsed

    def form(self, id: str | None = None, *, action: str | None = None,
             button: str | None = None) -> Form:
        """The form with this ``id``, or that calls ``action`` (by name, by
        qualified name or ``module:qualname``; with a button for it, that
        button is the one clicked), or that has a submit button labelled
        ``button``. Without arguments, the page's only form.

        :raises LookupError: no such form, or several without arguments.
        """
        parser = self._parser
        for node in parser.forms:
            if id is not None and node.attrs.get("id") != id:
                continue
            clicked: _Control | None = None
            if action is not None:
                clicked = next((control for control in node.controls if control.is_button
                                and _names(self._ref(control.attrs.get("value")), action)),
                               None)
                own = next((control for control in node.controls
                            if control.name == "__action"), None)
                if clicked is None and (own is None
                                        or not _names(self._ref(own.attrs.get("value")), action)):
                    continue
            if button is not None:
                clicked = next((control for control in node.controls if control.is_button
                                and control.label == button), None)
                if clicked is None:
                    continue
            if id is None and action is None and button is None and len(parser.forms) > 1:
                raise LookupError(f"{self.url} has {len(parser.forms)} forms: say which one"
                                  " with id=, action= or button=.")
            return Form(self, node, clicked)
        wanted = ", ".join(f"{key}={value!r}" for key, value in
                           (("id", id), ("action", action), ("button", button)) if value)
        raise LookupError(f"No form with {wanted or 'anything'} on {self.url}"
                          f" (status {self.status_code}).")

    def _ref(self, token: str | None) -> str | None:
        return self.client.action_of(token, self.url) if token else None

    def call(self, action: str, *args: object) -> CallResult:
        """Call ``action`` as client code does, from the element whose
        ``data-server-action`` token calls it: a JSON ``POST`` of ``args``
        with the token in ``X-Server-Action``.

        :raises LookupError: no element on the page calls ``action``.
        """
        for attrs in self._parser.callables:
            token = attrs["data-server-action"]
            if _names(self._ref(token), action):
                url = urljoin(self.url, attrs.get("data-server-action-url") or self.url)
                response = self.client.client.post(
                    url, json=list(args),
                    headers={HEADER: token, "Origin": self.client.origin})
                return CallResult(self.client, response)
        raise LookupError(f"No element with data-server-action for {action!r} on {self.url}.")


class Form:
    """A form of a :class:`Page`, to fill and submit."""

    def __init__(self, page: Page, node: _FormNode, clicked: _Control | None) -> None:
        self.page = page
        self._node = node
        self._clicked = clicked
        self._filled: dict[str, list[str]] = {}
        self._files: dict[str, list[Upload]] = {}

    @property
    def clicked(self) -> str | None:
        """The label of the button :meth:`submit` clicks unless told another:
        the one the form was found by, else its first submit button."""
        button = self._default_button()
        return button.label if button is not None else None

    def _default_button(self) -> _Control | None:
        if self._clicked is not None:
            return self._clicked
        return next((control for control in self._node.controls if control.is_button), None)

    @property
    def fields(self) -> MultiDict[str, str]:
        """What submitting the form now would send (buttons aside)."""
        data: MultiDict[str, str] = MultiDict()
        done: set[str] = set()
        for control in self._node.controls:
            name = control.name
            if name in self._filled:
                if name not in done:
                    done.add(name)
                    for value in self._filled[name]:
                        data.add(name, value)
                continue
            for value in control.values():
                data.add(name, value)
        return data

    def fill(self, **values: FieldValue) -> Form:
        """Set fields by name: text, ``True``/``False`` to tick or untick a
        checkbox, a list for several values; for a file input, a file (see
        :data:`Upload`) or a list of them.

        :raises LookupError: the form has no field of that name.
        :raises ValueError: a file for a field that is not a file input.
        """
        controls = {control.name: control for control in reversed(self._node.controls)
                    if control.name and not control.is_button}
        for name, value in values.items():
            if name not in controls:
                raise LookupError(f"The form has no field {name!r}; its fields:"
                                  f" {', '.join(sorted(controls))}.")
            control = controls[name]
            uploads = [value] if _is_upload(value) else (
                list(value) if isinstance(value, list) and value
                and all(map(_is_upload, value)) else None)
            if uploads is not None:
                if control.attrs.get("type") != "file":
                    raise ValueError(f"The field {name!r} is not a file input: give it text.")
                self._files[name] = [_upload(t.cast(Upload, item)) for item in uploads]
            elif value is True:
                self._filled[name] = [control.attrs.get("value", "on")]
            elif value is False:
                self._filled[name] = []
            else:
                self._filled[name] = ([value] if isinstance(value, str)
                                      else list(t.cast("t.Sequence[str]", value)))
        return self

    def submit(self, button: str | None = None, *, htmx: bool = False,
               headers: t.Mapping[str, str] | None = None, by: ActionClient | None = None,
               **values: FieldValue) -> Page:
        """Fill ``values``, click ``button`` (by label; default
        :attr:`clicked`) and follow the answer's redirects.

        A field named ``button``, ``htmx``, ``headers`` or ``by`` is set
        with :meth:`fill` first. Submitting the same form again posts the
        same token again, as the back button and a second click do.

        :param htmx: send the form as htmx does: to its (or the clicked
            button's) ``hx-post``, with ``HX-Request``, ``HX-Current-URL``,
            ``HX-Request-Type: partial``, ``HX-Target`` and ``HX-Trigger``.
            The page is then the fragment htmx swaps; its
            :attr:`~Page.htmx_headers` are the answer's ``HX-*`` headers.
        :param headers: more request headers, for example
            ``{"Accept-Language": "fr"}``.
        :param by: another client (another browser, its own cookies and
            session) that submits the form: a token of someone else's page.
        :raises ValueError: files for a form without
            ``enctype="multipart/form-data"`` (a browser would send only
            their names).

        .. versionchanged:: 0.3.0
            The ``by`` parameter.
        """
        self.fill(**values)
        buttons = [control for control in self._node.controls if control.is_button]
        clicked = self._default_button() if button is None else next(
            (control for control in buttons if control.label == button), None)
        if button is not None and clicked is None:
            raise LookupError(f"The form has no button labelled {button!r}.")
        data: MultiDict[str, t.Any] = MultiDict(self.fields)
        attrs = clicked.attrs if clicked is not None else {}
        if clicked is not None and clicked.name:
            data.add(clicked.name, clicked.attrs.get("value", ""))
        form = self._node.attrs
        enctype = form.get("enctype", "application/x-www-form-urlencoded")
        if self._files and enctype != "multipart/form-data":
            raise ValueError(
                f"The form {form.get('id') or ''!r} has no enctype=\"multipart/form-data\":"
                " a browser would send only the files' names. Add it to the <form>.")
        for name, files in self._files.items():
            for file in files:
                data.add(name, file)
        target = (attrs.get("hx-post") if htmx else None) or attrs.get("formaction") or (
            form.get("hx-post") if htmx else None) or form.get("action") or self.page.url
        url = urljoin(self.page.url, target)
        method = (attrs.get("formmethod") or form.get("method") or "get").upper()
        client = by or self.page.client
        sent = {"Origin": client.origin, **(self._htmx_headers(attrs) if htmx else {}),
                **(headers or {})}
        if method == "GET":
            return client.get(f"{url.partition('?')[0]}?{urlencode(list(data.items(multi=True)))}",
                              headers=sent)
        kwargs: dict[str, t.Any] = {"content_type": enctype} if self._files else {}
        return client._request("POST", url, data=data, headers=sent, **kwargs)

    def validate(self, only: t.Iterable[str] | None = None, **values: FieldValue) -> Validation:
        """Fill ``values`` and send the form as live validation does
        (``serverActions.validate``, a field written with
        ``action.field(name, live=True)``): a validate request with
        ``Precognition: true``, the form's fields without its files and
        without a clicked button. The action does not run.

        :param only: the fields to validate (``Precognition-Validate-Only``);
            default all of them.

        .. versionadded:: 0.3.0
        """
        self.fill(**values)
        client = self.page.client
        headers = {"Origin": client.origin, VALIDATE_HEADER: "true",
                   "Accept": "application/json"}
        if only is not None:
            headers[ONLY_HEADER] = ",".join(only)
        url = urljoin(self.page.url, self._node.attrs.get("action") or self.page.url)
        enctype = self._node.attrs.get("enctype", "application/x-www-form-urlencoded")
        return Validation(client.client.post(url, data=self.fields, headers=headers,
                                             content_type=enctype))

    def _htmx_headers(self, button: t.Mapping[str, str]) -> dict[str, str]:
        """The headers htmx 4 and 2 send with this form (or ``button`` when
        it makes the request itself with its own ``hx-post``)."""
        source = button if "hx-post" in button else self._node.attrs
        target = source.get("hx-target") or self._node.attrs.get("hx-target") or ""
        own_id = source.get("id", "")
        found = own_id if target in ("", "this") else target.lstrip("#")
        headers = {"HX-Request": "true", "HX-Request-Type": "partial",
                   "HX-Current-URL": self.page.client.origin + self.page.url}
        if found:
            headers["HX-Target"] = found
        if own_id:
            headers["HX-Trigger"] = own_id
        if source.get("name"):
            headers["HX-Trigger-Name"] = source["name"]
        return headers


class Validation:
    """The answer to :meth:`Form.validate`.

    .. versionadded:: 0.3.0
    """

    def __init__(self, response: TestResponse) -> None:
        #: The response.
        self.response = response
        #: ``204`` when the fields validated were valid, ``422`` when not,
        #: ``419`` when the token was stale, else the status the post would get.
        self.status_code = response.status_code
        body: t.Any = response.get_json(silent=True)
        body = body if isinstance(body, dict) else {}
        #: Whether the fields validated were valid.
        self.valid = self.status_code == 204
        #: The error messages of each invalid field validated.
        self.errors: dict[str, list[str]] = body.get("errors", {})
        #: The answer's message: what the form's notice would say.
        self.message: str = body.get("message", "")


class CallResult:
    """The answer to :meth:`Page.call`."""

    def __init__(self, client: ActionClient, response: TestResponse) -> None:
        #: The response.
        self.response = response
        #: Its status: 200 when the action ran, 422 when it failed or was stale.
        self.status_code = response.status_code
        data: t.Any = read_json(response.get_data(as_text=True)) if response.is_json else None
        failed = self.status_code >= 400 and isinstance(data, dict)
        #: The ``error`` message of a failed call.
        self.error: str | None = data.get("error") if failed else None
        #: The value the action returned, as client code receives it.
        self.value: t.Any = None
        if not failed and data is not None:
            ext = t.cast("ServerActions", client.app.extensions["server_actions"])
            with client.app.app_context():
                self.value = ext.serializer.decode(data)
