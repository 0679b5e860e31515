"""WTForms integration: which form an action takes, building and validating it.

An action asks for a validated form with ``@server_action(form=PostForm)``
or by annotating its form parameter, ``def update_post(form: PostForm)``.
For an action defined inside a view the class is found while the page is
rendered (the live function still has its decorator options and
annotations) and written into the token as ``module:qualname``, because a
worker that never ran the view only has the code object. For a module-level
action the live function is read at submit time.

A form the view sets up at render (a ``SelectField``'s ``choices``) is set
up the same way at submit by the ``setup=`` function given to
:func:`~flask_server_actions.server_action`, before it is validated; for an
inline action it travels by name like the form class. A form that still
cannot validate (WTForms raises) is logged with the fix, and the page is
shown again with the input.

The form is built with WTForms' own CSRF check switched off: the action
token already proves that the post comes from a page this app rendered for
this browser session, so a second token would only add a way to fail.
"""

from __future__ import annotations

import functools
import inspect
import logging
import types
import typing as t

from wtforms import Form

from . import logs
from .closures import ResolveError
from .closures import import_named
from .closures import reference
from .errors import UnresolvableAction
from .marking import options_of
from .messages import N_

if t.TYPE_CHECKING:
    from werkzeug.datastructures import MultiDict

    from .closures import ActionTarget
    from .errors import ActionError

#: The key of the form class's reference in a token's options.
OPTION = "form"
#: The key of the ``setup=`` function's reference in a token's options.
SETUP_OPTION = "form_setup"
#: The notice shown above a form that did not validate.
INVALID_NOTICE = N_("Please correct the marked fields and submit again.")
#: The notice shown above a form that could not be validated (a bug of the
#: app, logged with its fix): the user keeps the input and may try again.
BROKEN_NOTICE = N_("This form could not be checked. Please try again later.")

Setup = t.Callable[[t.Any], t.Any]


def _is_form_class(obj: object) -> t.TypeGuard[type[Form]]:
    return isinstance(obj, type) and issubclass(obj, Form)


@functools.lru_cache(maxsize=1024)
def _compiled(annotation: str) -> types.CodeType:
    # Compiling is most of an eval's cost, and pages mint on every render.
    return compile(annotation, "<annotation>", "eval")


def _annotated_form(fn: t.Callable[..., t.Any], bound: int) -> type[Form] | None:
    # Most actions wrap nothing: skip unwrap's loop and bookkeeping for them.
    plain = inspect.unwrap(fn) if hasattr(fn, "__wrapped__") else fn
    code = getattr(plain, "__code__", None)
    if code is None or code.co_argcount <= bound:
        return None
    hint = getattr(plain, "__annotations__", {}).get(code.co_varnames[bound])
    if isinstance(hint, str):
        # Under `from __future__ import annotations`: evaluate this one
        # annotation as typing.get_type_hints would, so that another one
        # naming a TYPE_CHECKING-only import cannot hide it. An annotation
        # that cannot be evaluated here is not a form class.
        namespace = getattr(plain, "__globals__", {})
        if hint.isidentifier():
            # What eval would find for a bare name (the usual `form: PostForm`),
            # without an eval per mint; a name found only among the builtins
            # (or not at all) is no form class either way.
            hint = namespace.get(hint)
        else:
            try:
                # the app's own source text
                hint = eval(_compiled(hint), namespace)
            except Exception:
                return None
    return hint if _is_form_class(hint) else None


def form_class_of(fn: t.Callable[..., t.Any], bound: int) -> type[Form] | None:
    """The WTForms class a live action takes after ``bound`` bound arguments.

    :param fn: the action as defined (with its decorator options and
        annotations).
    :param bound: how many arguments the template binds before the form.
    :return: the class from ``@server_action(form=...)``, else the form
        parameter's annotation if it is a :class:`wtforms.Form` subclass,
        else ``None`` (the action takes the raw form data).
    """
    options = options_of(fn)
    if options is not None and options.form is not None:
        return options.form
    return _annotated_form(fn, bound)


def form_ref(cls: type[Form], action: str) -> str:
    """How a token names ``cls`` so another worker can import it.

    :raises UnresolvableAction: the class is defined inside a function, so it
        cannot be imported by name.
    """
    if "<locals>" in cls.__qualname__:
        raise UnresolvableAction(
            f"The form class {cls.__qualname__} of the action {action} is defined inside a"
            " function, so a worker that never ran it cannot find it. Define form classes"
            " at module level.")
    return f"{cls.__module__}:{cls.__qualname__}"


def load_form_class(ref: str) -> type[Form]:
    """Import the form class a token names.

    :raises ResolveError: the class is gone or is no longer a WTForms form
        (the app changed since the token was minted).
    """
    obj = import_named(ref, "the form class")[1]
    if not _is_form_class(obj):
        raise ResolveError(f"{ref} is not a WTForms form class")
    return obj


def form_class_for(target: ActionTarget, options: t.Mapping[str, t.Any],
                   bound: int) -> type[Form] | None:
    """The form class of a resolved action, at submit time.

    :param options: the token's options (where an inline action's class is).
    :raises ResolveError: the token names a class that cannot be loaded.
    """
    if target.function is not None:
        return form_class_of(target.function, bound)
    ref = options.get(OPTION)
    return load_form_class(ref) if isinstance(ref, str) else None


def setup_ref(fn: t.Callable[..., t.Any], action: str) -> str | None:
    """How a token names the ``setup=`` function of the inline action ``fn``,
    or ``None`` without one.

    :raises UnresolvableAction: the function cannot be imported by name.
    """
    options = options_of(fn)
    setup = options.setup if options is not None else None
    if setup is None:
        return None
    ref = reference(setup)
    try:
        found = import_named(ref, "the setup= function")[1]
    except ResolveError:
        found = None
    if found is not setup:
        raise UnresolvableAction(
            f"The setup= function {setup!r} of the action {action} cannot be imported as"
            f" {ref}. An action defined inside a view is rebuilt from its token in any"
            " worker, so its form's setup travels by name: define it with `def` at module"
            " level (it may read the page's request.view_args).")
    return ref


def setup_for(target: ActionTarget, options: t.Mapping[str, t.Any]) -> Setup | None:
    """The ``setup=`` function of a resolved action, at submit time.

    :raises ResolveError: the token names a function that is gone.
    """
    if target.function is not None:
        live = options_of(target.function)
        return live.setup if live is not None else None
    ref = options.get(SETUP_OPTION)
    if not isinstance(ref, str):
        return None
    setup = import_named(ref, "the setup= function")[1]
    if not callable(setup):
        raise ResolveError(f"the setup= function {ref} is not callable")
    return t.cast(Setup, setup)


def validate(form: Form, setup: Setup | None, action: str) -> str | None:
    """Set ``form`` up with ``setup`` and validate it.

    :return: ``None`` if it is valid, else the notice to show: a form with
        errors, or one that could not be validated at all (WTForms raised:
        logged as an error naming the fix).
    """
    try:
        if setup is not None:
            setup(form)
        if form.validate():
            return None
    except (TypeError, ValueError, AttributeError) as error:
        name = type(form).__name__
        logs.log(
            logging.ERROR,
            "The form %s of the action %s could not be validated: %s: %s. A form the view"
            " sets up at render (a SelectField's choices) must be set up at submit too:"
            " @server_action(form=%s, setup=...) with a module-level function that does"
            " what the view does (see 'Forms the view sets up' in docs/forms.rst).",
            name, action, type(error).__name__, error, name)
        return BROKEN_NOTICE
    return INVALID_NOTICE


def build_form(cls: type[Form], formdata: MultiDict[str, t.Any], /, **kwargs: t.Any) -> Form:
    """Bind ``cls`` to the submitted fields and files, without CSRF.

    Works for plain :class:`wtforms.Form` and Flask-WTF's ``FlaskForm``
    (whose ``meta.csrf`` would otherwise demand its own token).

    :param kwargs: more arguments for ``cls`` (``obj``, ``data``, ...).
    """
    meta = {**kwargs.pop("meta", {}), "csrf": False}
    return cls(formdata=formdata, meta=meta, **kwargs)


def show_error(form: Form, error: ActionError) -> None:
    """Put an :class:`ActionError` about one field into that field's errors,
    so a template showing ``form.title.errors`` shows it too."""
    if error.field is not None and error.field in form:
        field = form[error.field]
        field.errors = [*field.errors, error.message]
