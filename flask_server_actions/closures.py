"""Finding an action again from its name, and rebuilding its closure.

An action is named ``module:qualname``, for example
``blog.views:show_post.<locals>.update_post``. Resolving imports the module,
follows the qualified name through attributes and, at each ``<locals>``, into
the constants of the enclosing function's code object. The result is cached
per name, so a warm worker pays a dictionary lookup.

A function defined in a view is rebuilt from its code object with the values
it captured when the page was rendered.
"""

from __future__ import annotations

import importlib
import inspect
import sys
import types
import typing as t
from dataclasses import dataclass
from dataclasses import field

from .marking import ActionOptions
from .marking import is_marked_code
from .marking import is_marked_function
from .marking import options_of
from .token.serialization import NotSerializable
from .token.serialization import Serializer
from .token.serialization import TooDeep
from .token.serialization import compact_json

_LOCALS = "<locals>"
_DEFAULTS = "*defaults"
_KWDEFAULTS = "*kwdefaults"
_EMPTY_CELL = {"#empty": 0}
_BIG = 10**18


class ResolveError(LookupError):
    """A reference does not lead to exactly one marked function."""


@dataclass(frozen=True)
class ActionTarget:
    """What a reference resolves to."""

    #: ``module:qualname``.
    ref: str
    #: The module the action lives in.
    module: types.ModuleType
    #: The action's code object.
    code: types.CodeType
    #: The live function for module- and class-level actions; ``None`` for
    #: functions defined inside a view, which are rebuilt from :attr:`code`.
    function: t.Callable[..., t.Any] | None
    #: Whether the action takes the form data after its bound arguments.
    positional: int
    takes_varargs: bool
    #: The code of the function or class body an inline action is defined
    #: in, where its decorators are; ``None`` for module-level actions.
    parent: types.CodeType | None = None
    #: The qualified name, which an inline action rebuilt from its code gets.
    qualname: str = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "qualname", self.ref.partition(":")[2])

    @property
    def name(self) -> str:
        """The action's own name."""
        return self.code.co_name

    def takes_form(self, bound: int) -> bool:
        """Whether the form data is passed after ``bound`` bound arguments."""
        return self.takes_varargs or self.positional > bound


def reference(fn: t.Callable[..., t.Any]) -> str:
    """The name a token uses for ``fn``: ``module:qualname``."""
    return f"{fn.__module__}:{fn.__qualname__}"


def import_named(ref: str, what: str) -> tuple[types.ModuleType, object]:
    """Import the module-level object named ``module:qualname``.

    :param what: what the object is, for the error message ("the check").
    :return: the module and the object.
    :raises ResolveError: the module or the name is gone.
    """
    module_name, _, qualname = ref.partition(":")
    try:
        module = importlib.import_module(module_name)
        obj: object = module
        for part in qualname.split("."):
            obj = getattr(obj, part)
    except (ImportError, AttributeError, ValueError) as error:
        raise ResolveError(f"{what} {ref} cannot be imported: {error}") from None
    return module, obj


def _code_of(obj: object) -> types.CodeType:
    if isinstance(obj, types.CodeType):
        return obj
    obj = inspect.unwrap(t.cast(t.Callable[..., t.Any], obj))
    obj = getattr(obj, "__func__", obj)
    code = getattr(obj, "__code__", None)
    if not isinstance(code, types.CodeType):
        raise ResolveError(f"{obj!r} is not a function")
    return code


def _nested(parent: types.CodeType, name: str, qualname: str) -> types.CodeType:
    found = [
        const for const in parent.co_consts
        if isinstance(const, types.CodeType) and const.co_name == name
        and getattr(const, "co_qualname", qualname) == qualname
    ]
    if len(found) != 1:
        where = f"in {parent.co_name}()"
        if not found:
            raise ResolveError(f"no function {name!r} is defined {where}")
        raise ResolveError(
            f"{len(found)} functions named {name!r} are defined {where}; give each a"
            " distinct name so a token can tell them apart")
    return found[0]


def _resolve(ref: str) -> ActionTarget:
    module_name, _, qualname = ref.partition(":")
    if not module_name or not qualname:
        raise ResolveError(f"{ref!r} is not of the form module:qualname")
    try:
        module = importlib.import_module(module_name)
    except ImportError as error:
        raise ResolveError(f"module {module_name!r} cannot be imported: {error}") from None
    parts = qualname.split(".")
    obj: object = module
    parent: types.CodeType | None = None
    index = 0
    while index < len(parts):
        part = parts[index]
        if part == _LOCALS:
            if index + 1 >= len(parts):
                raise ResolveError(f"{ref!r} ends in {_LOCALS}")
            parent = _code_of(obj)
            obj = _nested(parent, parts[index + 1], ".".join(parts[:index + 2]))
            index += 2
            continue
        if isinstance(obj, types.CodeType):
            if obj.co_flags & inspect.CO_NEWLOCALS:  # a function: only <locals> leads inside
                raise ResolveError(f"{'.'.join(parts[:index])} has no attribute {part!r}")
            # A class defined inside a function (a MethodView in an app
            # factory): its methods are constants of the class body's code.
            parent = obj
            obj = _nested(parent, part, ".".join(parts[:index + 1]))
            index += 1
            continue
        try:
            obj = getattr(obj, part)
        except AttributeError:
            raise ResolveError(f"{'.'.join(parts[:index]) or module_name} has no"
                               f" attribute {part!r}") from None
        index += 1
    if isinstance(obj, types.CodeType):
        assert parent is not None
        if not is_marked_code(obj, parent):
            raise ResolveError(f"{ref} is not marked in its code: no \"use server\" docstring,"
                               " no @server_action directly above its def")
        return _target(ref, module, obj, None, parent)
    function = t.cast(t.Callable[..., t.Any], getattr(obj, "__func__", obj))
    plain = inspect.unwrap(function)
    if not isinstance(plain, types.FunctionType):
        raise ResolveError(f"{ref} is not a function")
    if not (options_of(function) is not None or is_marked_function(plain, module)):
        raise ResolveError(f"{ref} is not marked as a server action")
    return _target(ref, module, plain.__code__, t.cast(t.Callable[..., t.Any], obj))


def _target(ref: str, module: types.ModuleType, code: types.CodeType,
            function: t.Callable[..., t.Any] | None,
            parent: types.CodeType | None = None) -> ActionTarget:
    return ActionTarget(ref, module, code, function, code.co_argcount,
                        bool(code.co_flags & inspect.CO_VARARGS), parent)


_cache: dict[str, ActionTarget] = {}


def resolve(ref: str) -> ActionTarget:
    """Find the action named ``ref``.

    :raises ResolveError: the name leads nowhere, to more than one function,
        or to a function that is not marked.
    """
    target = _cache.get(ref)
    # A module replaced in sys.modules (a reload, a test) invalidates the entry.
    if target is None or sys.modules.get(target.module.__name__) is not target.module:
        target = _cache[ref] = _resolve(ref)
    return target


def captured(fn: types.FunctionType) -> tuple[list[str], list[object]]:
    """The names and values a function defined in a view carries into its
    token (a module-level action has nothing to capture)."""
    names = list(fn.__code__.co_freevars)
    values: list[object] = []
    for cell in fn.__closure__ or ():
        try:
            values.append(cell.cell_contents)
        except ValueError:  # assigned after the def: keep it unassigned
            values.append(_EMPTY_CELL)
    if fn.__defaults__:
        names.append(_DEFAULTS)
        values.append(fn.__defaults__)
    if fn.__kwdefaults__:
        names.append(_KWDEFAULTS)
        values.append(fn.__kwdefaults__)
    return names, values


def type_name(value: object) -> str:
    """The type of ``value`` as a user would import it, e.g. ``sqlite3.Connection``."""
    kind = type(value)
    if kind.__module__ == "builtins":
        return kind.__qualname__
    return f"{kind.__module__}.{kind.__qualname__}"


class CaptureError(ValueError):
    """A captured value cannot be encoded; says which one and why."""

    def __init__(self, name: str, value: object, reason: str) -> None:
        super().__init__(reason)
        self.name = name
        self.value = value
        self.reason = reason


def _utf8_size(data: t.Any) -> int:
    return len(compact_json(data).encode("utf-8"))


def encode_values(serializer: Serializer, names: t.Sequence[str],
                  values: t.Sequence[object], max_bytes: int) -> list[t.Any]:
    """Encode captured values, within ``max_bytes`` of JSON (in UTF-8) in all.

    :raises CaptureError: naming the variable that could not be encoded.
    """
    encoded: list[t.Any] = []
    bound = 0  # an upper bound of the JSON size, while it is cheap to know
    for name, value in zip(names, values, strict=True):
        if value is _EMPTY_CELL:
            encoded.append(_EMPTY_CELL)
            continue
        kind = type(value)
        # Plain small values are their own encoding: no call to encode them.
        if kind is str:
            # Worst case: all \u escapes (6 bytes a character, more than
            # the 4 bytes of the longest UTF-8 sequence).
            bound += 6 * len(t.cast(str, value)) + 2
            encoded.append(value)
            continue
        if kind is int and -_BIG < t.cast(int, value) < _BIG or kind is bool or value is None:
            bound += 20
            encoded.append(value)
            continue
        bound = max_bytes + 1
        try:
            encoded.append(serializer.encode(value))
        except NotSerializable as error:
            part = "" if error.value is value else f" (it holds a {type_name(error.value)})"
            hint = ("; define that function at module level, where the action finds it"
                    if isinstance(value, types.FunctionType) else "")
            raise CaptureError(name, value, f"its type {type_name(value)}{part} cannot"
                               f" be serialized{hint}") from None
        except TooDeep as error:
            raise CaptureError(name, value, f"it is {error} (SERVER_ACTIONS_MAX_DEPTH)") from None
    # Plain small values are not encoded to be measured. Else one encoding of
    # the whole list bounds the sum of the values' sizes from above (it adds
    # brackets and commas); only when that is over the limit are the values
    # measured one by one, to name the biggest.
    if bound > max_bytes and _utf8_size(encoded) > max_bytes:
        sizes = [0 if data is _EMPTY_CELL else _utf8_size(data) for data in encoded]
        if sum(sizes) > max_bytes:
            biggest = max(range(len(sizes)), key=sizes.__getitem__)
            raise CaptureError(
                names[biggest], values[biggest],
                f"the captured values take {sum(sizes)} bytes, over the limit of"
                f" {max_bytes} (SERVER_ACTIONS_MAX_CAPTURE_BYTES); this one takes"
                f" {sizes[biggest]}")
    return encoded


def rebuild(target: ActionTarget, names: list[str], values: list[t.Any],
            serializer: Serializer) -> t.Callable[..., t.Any]:
    """Turn a resolved action and its captured values into a callable.

    :raises ResolveError: the names the token captured are not the ones the
        code captures now (the view changed since the token was minted).
    """
    if target.function is not None:  # module-level: nothing was captured
        return target.function
    code = target.code
    free = code.co_freevars
    if len(names) != len(values) or (tuple(names) != free and _captured_names(names) != free):
        raise ResolveError(f"{target.ref} now captures {list(free)}, the token has"
                           f" {list(_captured_names(names))}")
    # A plain loop: a comprehension costs a function call per rebuild.
    decode = serializer.decode
    cells = []
    defaults = kwdefaults = None
    for name, value in zip(names, values, strict=True):
        if name == _DEFAULTS:
            defaults = decode(value)
        elif name == _KWDEFAULTS:
            kwdefaults = decode(value)
        else:
            cells.append(types.CellType() if value == _EMPTY_CELL
                         else types.CellType(decode(value)))
    fn = types.FunctionType(code, target.module.__dict__, code.co_name,
                            defaults, tuple(cells) or None)
    if kwdefaults is not None:
        fn.__kwdefaults__ = kwdefaults
    fn.__qualname__ = target.qualname
    return fn


def _captured_names(names: list[str]) -> tuple[str, ...]:
    """The names of captured variables among a token's ``names`` (which
    also name the defaults)."""
    return tuple(name for name in names if name not in (_DEFAULTS, _KWDEFAULTS))


#: Token option set when the action was minted not to receive the form data.
NO_FORM_OPTION = "noform"


def check_call(target: ActionTarget, fn: t.Callable[..., t.Any], bound: int,
               options: t.Mapping[str, t.Any]) -> None:
    """Check that the token's call still fits the action's signature.

    A redeploy may add a parameter, or drop the form parameter so that a
    bound argument would land in its place; the token is then stale.

    :raises ResolveError: the call ``fn(*bound_args[, form])`` no longer fits.
    """
    takes_form = target.takes_form(bound)
    if takes_form == bool(options.get(NO_FORM_OPTION)):
        raise ResolveError(f"{target.ref} {'now' if takes_form else 'no longer'} takes the"
                           " form data")
    code = target.code
    # An inline action was rebuilt here, unwrapped; a module-level one may be wrapped.
    plain = fn if target.function is None else inspect.unwrap(fn)
    defaults = len(getattr(plain, "__defaults__", None) or ())
    kwdefaults = len(getattr(plain, "__kwdefaults__", None) or ())
    given = bound + takes_form
    if (given < code.co_argcount - defaults or code.co_kwonlyargcount > kwdefaults
            or (given > code.co_argcount and not target.takes_varargs)):
        raise ResolveError(f"{target.ref} cannot be called with {given} arguments any more")


def target_options(target: ActionTarget) -> ActionOptions | None:
    """The live :func:`server_action` options of a module-level action."""
    return options_of(target.function) if target.function is not None else None
