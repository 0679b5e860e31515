"""The Flask extension: configuration, request hooks, template globals, CLI."""

from __future__ import annotations

import functools
import logging
import typing as t

import click
from flask import Flask
from flask import Request
from flask import before_render_template
from flask import current_app
from flask import g
from flask import has_app_context
from flask import has_request_context
from flask import request
from flask import session
from flask.cli import AppGroup
from flask.globals import _cv_request
from flask.typing import ResponseReturnValue
from werkzeug.exceptions import HTTPException
from werkzeug.wrappers import Response as BaseResponse

from . import logs
from .errors import DuplicateRegistration
from .errors import PerProcessStore
from .htmx import htmx
from .integrations.login import end_tokens_on_login_change
from .integrations.stores import DEFAULT_TIMEOUT
from .integrations.stores import ActionStore
from .integrations.stores import Claim
from .integrations.stores import MemoryStore
from .integrations.stores import store_from_setting
from .listing import HEADERS as LIST_HEADERS
from .listing import list_actions
from .page.client import make_blueprint
from .page.fragments import use_fragment_templates
from .page.minting import keep_private
from .page.minting import minted_tokens
from .page.notices import error_of_request
from .page.notices import finish as notices_finish
from .page.notices import install as install_notices
from .page.rows import RowLoader
from .page.state import action_state
from .page.templating import ActionHelper
from .post.action_call import ActionCall
from .post.dispatch import answer_refusal
from .post.dispatch import checked_answer
from .post.dispatch import open_submission
from .post.dispatch import run_action
from .post.precognition import finish as precognition_finish
from .post.precognition import note_flashes
from .post.routing import ENVIRON_KEY as ROUTED_KEY
from .post.routing import install as install_routing
from .post.settings import FACTORY as SETTINGS_FACTORY
from .post.settings import PostSettings
from .post.settings import session_binding
from .post.settings import settings_for
from .post.submission import current
from .post.submission import read
from .post.uploads import purge_command
from .post.view_guards import guarded
from .token.envelope import KeyRing
from .token.envelope import app_identity
from .token.serialization import Serializer

#: Every setting with its default. ``docs/configuration.rst`` explains each.
DEFAULTS: dict[str, t.Any] = {
    "SERVER_ACTIONS_MAX_AGE": 24 * 60 * 60,
    "SERVER_ACTIONS_SESSION_KEY": "_server_actions",
    "SERVER_ACTIONS_ALLOWED_ORIGINS": (),
    "SERVER_ACTIONS_ALLOWED_REDIRECT_HOSTS": (),
    "SERVER_ACTIONS_MAX_CAPTURE_BYTES": 4096,
    "SERVER_ACTIONS_MAX_DEPTH": 32,
    "SERVER_ACTIONS_MAX_CALL_SIZE": 1024 * 1024,
    "SERVER_ACTIONS_MAX_TOKEN_SIZE": 8192,
    "SERVER_ACTIONS_APP_ID": None,
    "SERVER_ACTIONS_HTMX_SRC": None,
    "SERVER_ACTIONS_HTMX_VERSION": 4,
    "SERVER_ACTIONS_HTMX_REDIRECT": "auto",
    "SERVER_ACTIONS_HTMX_OOB": (),
    "SERVER_ACTIONS_MESSAGES": None,
    "SERVER_ACTIONS_URL_PREFIX": "/_server_actions",
    "SERVER_ACTIONS_ONCE": False,
    "SERVER_ACTIONS_STORE": None,
    "SERVER_ACTIONS_STORE_TIMEOUT": DEFAULT_TIMEOUT,
    "SERVER_ACTIONS_THROTTLE": "20/60",
    "SERVER_ACTIONS_VALIDATE_LIMIT": "60/minute",
    "SERVER_ACTIONS_IPV6_PREFIX": 64,
    "SERVER_ACTIONS_UPLOAD_STORAGE": None,
    "SERVER_ACTIONS_UPLOAD_DIR": None,
    "SERVER_ACTIONS_KEPT_UPLOAD_MAX_AGE": 60 * 60,
    "SERVER_ACTIONS_KEPT_UPLOADS_PER_POST": 10,
    "SERVER_ACTIONS_KEPT_UPLOADS_PER_SESSION": 20,
    "SERVER_ACTIONS_KEPT_UPLOAD_BYTES_PER_SESSION": 64 * 1024 * 1024,
    "SERVER_ACTIONS_KEPT_UPLOADS_PER_CLIENT": 100,
    "SERVER_ACTIONS_KEPT_UPLOAD_BYTES_PER_CLIENT": 256 * 1024 * 1024,
    "SERVER_ACTIONS_KEPT_UPLOAD_BYTES_PER_APP": 1024 * 1024 * 1024,
    "SERVER_ACTIONS_MAX_FORM_FIELDS": 1000,
    "SERVER_ACTIONS_ERROR_TITLE_PREFIX": None,  # None: the catalog's "Error: "
}

#: Keys of an app's own hooks, types and store in ``app.extensions``.
_STORE = "server_actions.store"
_HOOKS = "server_actions.before_action"
_RERENDER_HOOKS = "server_actions.before_rerender"
_SERIALIZER = "server_actions.serializer"
_SETTINGS = "server_actions.settings_built"
#: The settings a :class:`PostSettings` is built from (besides hooks and
#: types): the secrets and what the key ring's app identity reads, then
#: those it holds.
_SETTINGS_READ = (
    "SECRET_KEY", "SECRET_KEY_FALLBACKS", "SERVER_ACTIONS_APP_ID", "SESSION_COOKIE_NAME",
    "SESSION_COOKIE_DOMAIN", "SESSION_COOKIE_PATH", "APPLICATION_ROOT", "SERVER_NAME",
    "SERVER_ACTIONS_SESSION_KEY", "SERVER_ACTIONS_MAX_AGE", "SERVER_ACTIONS_MAX_TOKEN_SIZE",
    "SERVER_ACTIONS_ALLOWED_ORIGINS", "SERVER_ACTIONS_ALLOWED_REDIRECT_HOSTS",
    "SERVER_ACTIONS_ONCE")

#: A registered type: the class, its name, ``dump`` and ``load``.
_Registration = tuple[type, str, t.Callable[[t.Any], t.Any], t.Callable[[t.Any], t.Any]]

T = t.TypeVar("T")
C = t.TypeVar("C", bound=t.Callable[[ActionCall], t.Any])
R = t.TypeVar("R", bound=t.Callable[[], t.Any])
L = t.TypeVar("L", bound=RowLoader)


class _AppSerializer:
    """An app's own serializer, and how many of the types for every app it has."""

    def __init__(self, serializer: Serializer) -> None:
        self.serializer = serializer
        self.replayed = 0


class ServerActions:
    """Server actions for a Flask app.

    ::

        app = Flask(__name__)
        actions = ServerActions(app)

    or, with an app factory, ``actions = ServerActions()`` at import time and
    ``actions.init_app(app)`` in the factory. One instance may serve several
    apps; each app keeps its own keys.

    :param app: the app to set up now, or ``None`` to call :meth:`init_app`
        later.
    :param store: where one-time tokens are recorded once used (see
        :class:`~flask_server_actions.RedisStore`); ``SERVER_ACTIONS_STORE``
        overrides it per app. Default: a
        :class:`~flask_server_actions.MemoryStore` per app.
    """

    def __init__(self, app: Flask | None = None, store: ActionStore | None = None) -> None:
        self._serializer = Serializer()
        self._types: list[_Registration] = []
        #: The hooks registered with :meth:`before_action` for every app,
        #: in order (an app's own are in its ``app.extensions``).
        self.before_action_funcs: list[t.Callable[[ActionCall], t.Any]] = []
        #: The hooks registered with :meth:`before_rerender`, in order.
        self.before_rerender_funcs: list[t.Callable[[], t.Any]] = []
        #: The functions registered with :meth:`row_loader`, by part.
        self.row_loaders: dict[str, RowLoader] = {}
        self._store = store
        self._helper = ActionHelper()

        # What an action post runs in place of its page view's body, inside
        # the view's decorators (one function, so rebuilt chains are cached).
        def run(*args: t.Any, **kwargs: t.Any) -> ResponseReturnValue:
            post = current()
            assert post is not None  # read before the app's hooks
            try:
                return run_action(post)
            except HTTPException as error:
                answer_refusal(post, error)
                raise

        self.action_view_body: t.Callable[..., ResponseReturnValue] = run
        if app is not None:
            self.init_app(app)

    def init_app(self, app: Flask) -> None:
        """Set up ``app``: settings, template globals, request hooks, CLI."""
        for key, value in DEFAULTS.items():
            app.config.setdefault(key, value)
        app.extensions["server_actions"] = self
        app.extensions[SETTINGS_FACTORY] = self.settings
        app.jinja_env.globals.update(action=self._helper, action_state=action_state, htmx=htmx)
        use_fragment_templates(app)
        app.register_blueprint(make_blueprint(),
                               url_prefix=app.config["SERVER_ACTIONS_URL_PREFIX"])
        install_notices(app)
        app.after_request(self._after_request)
        install_routing(app)
        preprocess = app.preprocess_request

        # Before the app's URL value preprocessors and before_request hooks:
        # refuse a cross-site or forged post before any code of the app runs
        # for it.
        def preprocess_request() -> ResponseReturnValue | None:
            req: Request = _cv_request.get().request
            if ROUTED_KEY in req.environ and req.routing_exception is None:
                post = read(settings_for(app), req)
                try:
                    open_submission(post)
                except HTTPException as error:
                    answer_refusal(post, error)
                    raise
                if post.validate:
                    note_flashes(post)
            return preprocess()

        app.preprocess_request = preprocess_request  # type: ignore[method-assign]
        view_dispatch = app.dispatch_request
        # Each page view's decorators around the action, as the app calls them.
        runners: dict[t.Callable[..., t.Any], t.Callable[..., t.Any]] = {}

        # An action post was routed to its page's GET rule, and went through
        # the page's hooks; now run the view's decorators around the action.
        def dispatch_request() -> ResponseReturnValue:
            # An action post that was routed and read (preprocess_request),
            # and not refused before its view. Its request, not a former one
            # of the same app context (a test's ``with app.app_context()``).
            post = current()
            if post is None or post.request is not _cv_request.get().request:
                return view_dispatch()
            rule, view_args = post.request.url_rule, post.request.view_args
            assert rule is not None and view_args is not None  # routed: no routing_exception
            view = app.view_functions[rule.endpoint]
            run = runners.get(view)
            if run is None:
                run = runners[view] = app.ensure_sync(guarded(view, self.action_view_body))
            answer: ResponseReturnValue = run(**view_args)
            return answer

        app.dispatch_request = dispatch_request  # type: ignore[method-assign]
        app.cli.add_command(_cli)
        end_tokens_on_login_change(app)
        before_render_template.connect(_note_template, app)

    @property
    def serializer(self) -> Serializer:
        """Writes and reads captured values for the current app: with the
        types registered for every app and, in an app that registered its
        own (see :meth:`register_type`), those."""
        if has_app_context():
            own = t.cast("_AppSerializer | None", current_app.extensions.get(_SERIALIZER))
            if own is not None:
                # Types registered for every app after this app's own.
                for registration in self._types[own.replayed:]:
                    own.serializer.register(*registration)
                own.replayed = len(self._types)
                return own.serializer
        return self._serializer

    def register_type(self, cls: type[T], dump: t.Callable[[T], t.Any],
                      load: t.Callable[[t.Any], T], name: str | None = None) -> None:
        """Let values of ``cls`` be captured by actions and bound to them.

        ``dump`` turns a value into something serializable (typically its
        primary key) when the token is minted; ``load`` turns it back when
        the form is submitted::

            actions.register_type(Post, dump=lambda p: p.id, load=db.get_post)

        ``load`` runs before the action and may ``abort(404)`` for a row
        deleted since the page was shown.

        Called in an app context (``with app.app_context():`` in an app
        factory), the type is that app's own; else it is for every app the
        extension serves, and registering the same type again with other
        functions (as a factory would, for each app) is an error.

        :param name: the name written into tokens; defaults to the class's
            qualified name. Keep it stable across deploys: a token naming a
            type no longer registered shows the page again with the input
            and a notice (422) instead of running.
        :raises DuplicateRegistration: ``cls`` is registered for every app
            with other functions already.

        .. versionchanged:: 0.2.0
            Registered in an app context, the type is the app's own.
        """
        self._register((cls, name or cls.__qualname__, dump, load))

    def _register(self, registration: _Registration, again: bool = False) -> None:
        """Register a type for the app of the current context, else for
        every app; ``again`` lets it replace one registered for every app."""
        if has_app_context():
            app = current_app._get_current_object()  # type: ignore[attr-defined]
            if _SERIALIZER not in app.extensions:
                app.extensions[_SERIALIZER] = _AppSerializer(Serializer())
            self.serializer.register(*registration)  # after the types for every app
            return
        cls = registration[0]
        for known in self._types:
            if known[0] is cls and known[2:] != registration[2:] and not again:
                raise DuplicateRegistration(
                    f"The type {cls.__qualname__} is registered for every app a second time,"
                    " with other functions. Registered in an app factory, a type serves"
                    " every app: register it inside `with app.app_context():` to make it"
                    " the app's own, or once at import time.")
        self._types.append(registration)
        self._serializer.register(*registration)

    def before_action(self, fn: C) -> C:
        """Register a check that runs before every action, after the app's
        and the blueprint's ``before_request`` hooks.

        It is called with the :class:`~flask_server_actions.ActionCall`
        (the action's name, captured values and bound arguments). It may
        abort (``abort(401)``), return a response to send instead, return
        ``False`` to answer 403, or return ``None`` to let the action run::

            @actions.before_action
            def members_only(call):
                if not current_user.is_authenticated:
                    abort(401)

        A check is the app's whose extension it is registered on: on the
        extension an app was given to (``actions = ServerActions(app)``, in
        an app factory too), it runs for that app; on a shared extension
        (``ServerActions()`` at import time, ``init_app`` in the factory),
        registered at import time, it runs for every app the extension
        serves. No app context is needed. (On a shared extension, one
        registered in an app's context is that app's own, after those for
        every app.) Registering the same function on a shared extension
        twice, as a factory would once per app, is an error.

        :raises DuplicateRegistration: ``fn``'s code is registered for every
            app already.

        .. versionchanged:: 0.2.0
            Registered in an app context, the check is the app's own.
        """
        if has_app_context():
            current_app.extensions.setdefault(_HOOKS, []).append(fn)
            return fn
        code = getattr(fn, "__code__", None)
        if code is not None and any(
                getattr(known, "__code__", None) is code for known in self.before_action_funcs):
            raise DuplicateRegistration(
                f"The check {getattr(fn, '__qualname__', fn)!r} is registered with"
                " before_action() for every app a second time: this extension is shared"
                " by every app it was set up on. Give each app its own extension in the"
                " factory (`actions = ServerActions(app)`; what is registered on it is"
                " that app's), or register the check once, at import time.")
        self.before_action_funcs.append(fn)
        return fn

    def checks(self, app: Flask) -> list[t.Callable[[ActionCall], t.Any]]:
        """The :meth:`before_action` checks that run for ``app``: those for
        every app, then its own.

        .. versionadded:: 0.2.0
        """
        own = app.extensions.get(_HOOKS)
        return [*self.before_action_funcs, *own] if own else self.before_action_funcs

    def before_rerender(self, fn: R) -> R:
        """Register a function called with no arguments before a page is
        shown again after a failed action (an
        :class:`~flask_server_actions.ActionError`, an invalid form, a stale
        token), for example to roll back what the action wrote::

            @actions.before_rerender
            def roll_back():
                get_db().rollback()

        :meth:`use_sqlalchemy` registers its session's rollback here.
        Registered in an app context, the function is the app's own, as for
        :meth:`before_action`.

        .. versionadded:: 0.2.0
        """
        if has_app_context():
            current_app.extensions.setdefault(_RERENDER_HOOKS, []).append(fn)
        else:
            self.before_rerender_funcs.append(fn)
        return fn

    def rerender_hooks(self, app: Flask) -> list[t.Callable[[], t.Any]]:
        """The :meth:`before_rerender` functions that run for ``app``: those
        for every app, then its own.

        .. versionadded:: 0.2.0
        """
        own = app.extensions.get(_RERENDER_HOOKS)
        return [*self.before_rerender_funcs, *own] if own else self.before_rerender_funcs

    def row_loader(self, name: str) -> t.Callable[[L], L]:
        """Register how to find a row of a list by its bound arguments, for
        an htmx answer with a row the page shown again does not show (a row
        that came with "load more"). ``name`` is the row's partial (or its
        ``{% block %}``); the function is called with the bound arguments of
        the action submitted on the row and returns the variables the row
        renders with, or ``None`` if the row no longer exists or the list
        no longer shows it (filtered out by the change): it is then removed
        from the page::

            @actions.row_loader("_todo.html")
            def todo_row(todo_id):
                todo = db.todo(todo_id)
                return None if todo is None else {"todo": todo}

        A loader serves every app of the extension it is registered on
        (an app's own, given the app in the factory, or a shared one); see
        :ref:`htmx-load-more-rows`.

        :raises DuplicateRegistration: a function is registered for
            ``name`` already (on a shared extension, by a factory that
            registers it once per app: register it at import time).

        .. versionadded:: 0.3.0
        """
        def register(fn: L) -> L:
            if name in self.row_loaders:
                raise DuplicateRegistration(
                    f"A row loader is registered for {name!r} already"
                    f" ({getattr(self.row_loaders[name], '__qualname__', '?')}):"
                    " register one function per row partial or block.")
            self.row_loaders[name] = fn
            return fn

        return register

    def use_sqlalchemy(self, session: t.Any, base: type, name: str = "model") -> None:
        """Let rows of the classes mapped on ``base`` (and their subclasses)
        be captured by actions and bound to them: only the class, the
        primary key and a digest of the row's identity columns travel, and
        the row is loaded from ``session`` again on submit (a row that
        changed or is another row under the same key is never acted on). A
        failed action's writes are rolled back before its page is shown
        again. See :mod:`flask_server_actions.models` for the rules::

            actions.use_sqlalchemy(db.session, db.Model)

        :param session: Flask-SQLAlchemy's ``db.session``, a
            ``scoped_session`` or a ``Session``.
        :param base: the declarative base of the models.
        :param name: the type name written into tokens; give each base its
            own if the app has several.

        .. versionadded:: 0.2.0
        """
        from .integrations.models import SQLAlchemyRows  # SQLAlchemy is an optional extra

        rows = SQLAlchemyRows(session, base)
        # Per app in an app context; else for every app, again for each app a
        # factory makes: the session (Flask-SQLAlchemy's db.session) is
        # usually the one object that serves every app.
        self._register((base, name, rows.dump, rows.load), again=True)
        if not has_app_context():  # replace the rollback an earlier app added
            self.before_rerender_funcs[:] = [
                undo for undo in self.before_rerender_funcs
                if getattr(getattr(undo, "__self__", None), "base", None) is not base]
        self.before_rerender(rows.rollback)

    def store(self, app: Flask) -> ActionStore:
        """The store recording used one-time tokens and counting posts for
        ``app``.

        The default, for an app that chose none, is a
        :class:`~flask_server_actions.MemoryStore` that refuses to decide
        (:class:`~flask_server_actions.errors.PerProcessStore`) in a request
        served by one of several processes (``wsgi.multiprocess``), where it
        would record and count for its own process alone.

        .. versionchanged:: 0.3.0
            The default refuses to decide for a server of several processes.
        """
        store = t.cast("ActionStore | None", app.extensions.get(_STORE))
        if store is None:
            setting = app.config["SERVER_ACTIONS_STORE"]
            if setting is not None:
                store = store_from_setting(setting, app.config["SERVER_ACTIONS_STORE_TIMEOUT"])
            elif self._store is not None:
                store = self._store
            else:
                store = _DefaultStore()
            # setdefault: two first requests racing must end up with one store.
            store = app.extensions.setdefault(_STORE, store)
        return store

    def keys(self, app: Flask) -> KeyRing:
        """The key ring for ``app``, derived once per set of secrets."""
        secrets_ = (app.config.get("SECRET_KEY"), *(app.config.get("SECRET_KEY_FALLBACKS") or ()))
        ring = t.cast("KeyRing | None", app.extensions.get("server_actions.keys"))
        identity = app_identity(app.import_name, app.config)
        if ring is None or ring.secrets != secrets_ or ring.app_id != identity:
            ring = KeyRing(t.cast(t.Sequence[str | bytes], secrets_), identity)
            app.extensions["server_actions.keys"] = ring
        return ring

    def binding(self) -> str:
        """The random value that binds tokens to this browser session.

        It lives in Flask's session, which Flask decodes for every request
        anyway, so checking it costs a dictionary lookup; clearing the
        session (logging out) ends every token minted before.
        """
        return session_binding(session, current_app.config["SERVER_ACTIONS_SESSION_KEY"])

    def settings(self, app: Flask) -> PostSettings:
        """What the post and the render side of ``app`` read: its settings
        and services (the key ring, the store, the serializer, the hooks),
        handed down instead of this extension.

        Built once per app, and again only when something it was built from
        changed: a setting, the secrets, a hook or type registered since.

        .. versionadded:: 0.3.0
        """
        config, extensions = app.config, app.extensions
        hooks, undos = extensions.get(_HOOKS), extensions.get(_RERENDER_HOOKS)
        # Dictionary lookups and lengths only: no Python call on the hot path.
        fingerprint = (*map(config.get, _SETTINGS_READ), len(self.before_action_funcs),
                       len(hooks) if hooks else 0, len(self.before_rerender_funcs),
                       len(undos) if undos else 0, len(self._types),
                       extensions.get(_SERIALIZER), extensions.get(_STORE))
        cached = extensions.get(_SETTINGS)
        if cached is not None and cached[0] == fingerprint:
            found: PostSettings = cached[1]  # not t.cast(): a call on every post
            return found
        keys = self.keys(app)  # first: without SECRET_KEY, its error is the clear one
        built = PostSettings(
            app=app, keys=keys, serializer=self.serializer,
            session_key=config["SERVER_ACTIONS_SESSION_KEY"],
            max_age=config["SERVER_ACTIONS_MAX_AGE"],
            max_token_size=config["SERVER_ACTIONS_MAX_TOKEN_SIZE"],
            allowed_origins=config["SERVER_ACTIONS_ALLOWED_ORIGINS"],
            allowed_redirect_hosts=config["SERVER_ACTIONS_ALLOWED_REDIRECT_HOSTS"],
            once=bool(config["SERVER_ACTIONS_ONCE"]),
            checks=self.checks(app), rerender_hooks=self.rerender_hooks(app),
            row_loaders=self.row_loaders, view_body=self.action_view_body,
            describe_error=error_of_request, find_store=functools.partial(self.store, app),
            calls_directly=("ensure_sync" not in app.__dict__
                            and type(app).ensure_sync is Flask.ensure_sync))
        extensions[_SETTINGS] = (fingerprint, built)
        return built

    def _after_request(self, response: BaseResponse) -> BaseResponse:
        # One hook for the three steps, in this order: check an action's
        # answer, announce a failure to htmx in the notice region, then mark
        # the answer as varying on Precognition (a validate request's in JSON).
        post = current()
        if post is not None:
            if response is post.own_redirect and not post.htmx:
                # The library's own 303 to the page, never streamed: nothing
                # to check, and no error to announce.
                if minted_tokens():
                    keep_private(response)
                return response  # made with its Vary: Precognition
            response = checked_answer(post, response)
        response = notices_finish(self._keep_private(response))
        return response if post is None else precognition_finish(post, response)

    def _keep_private(self, response: BaseResponse) -> BaseResponse:
        """Keep ``response`` out of shared caches if it carries tokens."""
        if (response.is_streamed and response.mimetype == "text/html"
                and g.get(_G_TEMPLATE, False)):
            # A streamed template mints its tokens after the headers and the
            # session cookie are sent: bind the session now, keep it private.
            # Not for other streamed HTML (werkzeug's error pages): an
            # anonymous 404 must not start a session.
            self.binding()
        elif not minted_tokens():
            return response
        keep_private(response)
        return response


_G_TEMPLATE = "_server_actions_templated"


class _DefaultStore(MemoryStore):
    """The memory store of an app that chose none: it serves one process,
    and refuses to decide anything in a request of a server that runs
    several (``wsgi.multiprocess``), where each would decide alone."""

    def first_use(self, token_id: str, ttl: int) -> bool:
        _one_process()
        return super().first_use(token_id, ttl)

    def claim(self, token_id: str, ttl: int, issued_at: int) -> Claim:
        _one_process()
        return super().claim(token_id, ttl, issued_at)

    def peek(self, token_id: str, issued_at: int) -> Claim | None:
        _one_process()
        return super().peek(token_id, issued_at)

    def hit(self, key: str, window: int) -> tuple[int, float]:
        _one_process()
        return super().hit(key, window)


def _one_process() -> None:
    """Refuse to decide with the default store for a server of several
    processes: log the fix, answer 500.

    :raises PerProcessStore: the request says ``wsgi.multiprocess``.
    """
    if has_request_context() and request.environ.get("wsgi.multiprocess"):
        logs.log(logging.ERROR, "Refused to decide an action post with a store of this"
                 " process alone: %s", _PER_PROCESS_FIX)
        raise PerProcessStore(_PER_PROCESS_FIX)


_PER_PROCESS_FIX = (
    "SERVER_ACTIONS_STORE is not set, and several processes serve the app"
    " (wsgi.multiprocess): each would record one-time tokens and count limit=, the"
    " throttle and the kept-upload budgets in its own memory, letting through a multiple"
    " of each limit. Set"
    " SERVER_ACTIONS_STORE to a Redis URL (\"redis://...\") or a RedisStore every process"
    " shares, or to \"memory\" to count in each process knowingly.")


def _note_template(app: Flask, **extra: t.Any) -> None:
    """Note that the request renders a template (sent before it renders or
    streams): only then may a streamed response mint tokens."""
    setattr(g, _G_TEMPLATE, True)


_cli = AppGroup("actions", help="Inspect the app's server actions.")
_cli.add_command(purge_command)


@_cli.command("list")
def _list_command() -> None:
    """List every server action: module-level ones and those inside views."""
    rows = list_actions(current_app)
    if not rows:
        click.echo("No server actions found.")
        return
    headers = LIST_HEADERS
    widths = [max(len(row[i]) for row in [headers, *rows]) for i in range(len(headers))]
    for row in [headers, tuple("-" * w for w in widths), *rows]:
        cells = (cell.ljust(width) for cell, width in zip(row, widths, strict=True))
        click.echo("  ".join(cells).rstrip())
