"""What must hold before an action runs: authorization and one-time use.

Once a token has opened and its action is rebuilt, and before the action is
called:

1. every :meth:`~flask_server_actions.ServerActions.before_action` hook runs,
   then the action's own ``require=`` check; each gets the
   :class:`ActionCall` and may abort, return a response, or return ``False``
   (403);
2. if the action is one-time (``once=True`` or ``SERVER_ACTIONS_ONCE``), its
   token id is recorded in the store as pending (:func:`record_once`); a
   token seen before is refused with
   :class:`~flask_server_actions.errors.AlreadySubmitted` if its action
   finished, else with :class:`~flask_server_actions.errors.OutcomeUnknown`
   (its post died on the way, or the store lost its records since). Once
   the post is over, :func:`finish_once` marks the record finished.

Then an action with ``limit=`` is counted (:mod:`.limits`): past its
limit it does not run. Checks and the limit come first so that a refused
request does not use up the token. The store is consulted for one-time and
limited actions only, so other actions never pay a round trip to it.

A validate request (live validation) runs the same checks, is counted
against the action's validate budget instead of its ``limit=``, records no
one-time token, and is refused as the real post would be when its token
was used already.

A client that keeps sending tokens that do not open is throttled
(:func:`throttle`), counted in the same store.

For an action defined inside a view, the options given to
:func:`~flask_server_actions.server_action` exist only while the view runs,
so they travel in the (authenticated) token: ``once`` as a flag, ``require``
as the ``module:qualname`` of an importable function. With them travels a
digest of the decorator as the code writes it (:func:`decorator_digest`);
a worker compares it with today's code, so a token minted before a deploy
added or changed ``require=`` or ``once=`` is stale (422), not run under
the options it was minted with.
"""

from __future__ import annotations

import base64
import dis
import hashlib
import ipaddress
import sys
import types
import typing as t

from flask import current_app
from flask import request
from werkzeug.exceptions import Forbidden

from .. import logs
from ..closures import ResolveError
from ..closures import import_named
from ..closures import reference
from ..closures import resolve
from ..closures import target_options
from ..errors import ActionNotFound
from ..errors import AlreadySubmitted
from ..errors import BadUploadReference
from ..errors import OutcomeUnknown
from ..errors import StaleSubmission
from ..errors import TooManyRefusals
from ..errors import UnresolvableAction
from ..integrations.stores import Claim
from ..integrations.stores import outages
from ..marking import ActionOptions
from ..marking import decorated_in
from ..token.envelope import CLOCK_SKEW
from ..token.envelope import token_of
from .action_call import ActionCall as ActionCall
from .action_call import Check
from .kinds import Effect
from .kinds import Kind
from .limits import KEYS
from .limits import digest_of
from .limits import enforce
from .plans import GuardOptions
from .uploads import restore

if t.TYPE_CHECKING:
    from flask import Flask
    from flask.typing import ResponseReturnValue
    from wtforms import Form

    from ..closures import ActionTarget
    from ..token.envelope import ActionToken
    from .plans import ActionPlan
    from .settings import PostSettings
    from .submission import ActionPost

def check_ref(check: t.Callable[..., t.Any], action: str, option: str = "require") -> str:
    """The ``module:qualname`` a token carries for the ``require=`` check
    (or the ``key=`` function, ``option="key"``) of an action defined in a view.

    :raises UnresolvableAction: the check cannot be imported by that name.
    """
    ref = reference(check)
    try:
        found = load_check(ref)
    except ResolveError:
        found = None
    if found is not check:
        raise UnresolvableAction(
            f"The {option}= check {check!r} of the action {action} cannot be imported as"
            f" {ref}. An action defined inside a view is rebuilt from its token in"
            " any worker, so its check travels by name: define the check with `def` at"
            " module level (not a lambda, a partial or a function inside the view).")
    return ref


_checks: dict[str, tuple[types.ModuleType, Check]] = {}


def load_check(ref: str) -> Check:
    """Import the check named ``module:qualname``.

    :raises ResolveError: nothing callable has that name.
    """
    module_name = ref.partition(":")[0]
    cached = _checks.get(ref)
    # A module replaced in sys.modules (a reload, a test) invalidates the entry.
    if cached is not None and sys.modules.get(module_name) is cached[0]:
        return cached[1]
    module, obj = import_named(ref, "the check")
    if not callable(obj):
        raise ResolveError(f"the check {ref} is not callable")
    check = t.cast(Check, obj)
    _checks[ref] = (module, check)
    return check


#: The token option holding :func:`decorator_digest`.
DECORATOR_OPTION = "decorator"
# By id: code objects compare by value, and the same action body under
# another decorator (another deploy) is an equal code object.
_digests: dict[int, tuple[types.CodeType, str | None]] = {}


def decorator_digest(target: ActionTarget) -> str | None:
    """A digest of the decorator expression written above an inline
    action's ``def`` (the names and constants it loads, so ``require=`` and
    ``once=`` and what they name), or ``None`` if it has none.

    It is read from the enclosing function's bytecode, so a worker that
    never ran the view knows it, and it changes when a deploy changes the
    decorator.
    """
    code, parent = target.code, target.parent
    cached = _digests.get(id(code))
    if cached is not None and cached[0] is code:
        return cached[1]
    digest = None
    if parent is not None and decorated_in(parent, code):
        instructions = list(dis.get_instructions(parent))
        end = next(index for index, instruction in enumerate(instructions)
                   if instruction.opname == "LOAD_CONST" and instruction.argval is code)
        start = end
        while start > 0 and not (instructions[start - 1].opname.startswith("STORE_")
                                 or instructions[start - 1].opname == "POP_TOP"):
            start -= 1
        # Names and constants only: offsets and line numbers move with
        # unrelated edits, and code objects print their address.
        loaded = [
            # KW_NAMES (3.11, 3.12) holds an index of the keywords in the constants.
            repr(parent.co_consts[t.cast(int, instruction.arg)] if instruction.opname == "KW_NAMES"
                 else instruction.argval)
            for instruction in instructions[start:end]
            if (instruction.opname.startswith("LOAD_") or instruction.opname == "KW_NAMES")
            and not isinstance(instruction.argval, types.CodeType)]
        raw = hashlib.sha256("\n".join(loaded).encode()).digest()[:9]
        digest = base64.urlsafe_b64encode(raw).decode("ascii")
    _digests[id(code)] = (code, digest)
    return digest


def token_options(live: ActionOptions, action: str) -> dict[str, t.Any]:
    """The options of the inline action ``action`` that its token must carry."""
    options: dict[str, t.Any] = {DECORATOR_OPTION: decorator_digest(resolve(action))}
    if live.once:
        options["once"] = True
    if live.require is not None:
        options["require"] = check_ref(live.require, action)
    if live.limit is not None:
        options["limit"] = live.limit
    if live.validate_limit is not None:
        options["validate_limit"] = live.validate_limit
    if (live.limit is not None or live.validate_limit is not None) and live.key is not None:
        options["key"] = check_ref(live.key, action, "key") if callable(live.key) else live.key
    return options


def _planned_options(plan: ActionPlan, target: ActionTarget,
                     token: ActionToken) -> GuardOptions:
    """The guard options of ``plan``'s action, which has none kept yet:
    worked out, and kept unless its token names a check or key function to
    load (loaded on every post, so that a reloaded module of checks is
    seen)."""
    found = _options(target, token)
    options = token.options
    if target.function is not None or (
            "require" not in options and options.get("key") in _NOT_LOADED):
        plan.guards = found
    return found


#: The ``key=`` of a token that names no function to load.
_NOT_LOADED = frozenset({None, *KEYS})


def _options(target: ActionTarget, token: ActionToken) -> GuardOptions:
    if target.function is not None:
        live = target_options(target)
        if live is None:
            return GuardOptions()
        return GuardOptions(live.once, live.require, live.limit, live.key, live.validate_limit)
    if token.options.get(DECORATOR_OPTION) != decorator_digest(target):
        raise ActionNotFound(f"the decorator of {target.ref} changed since its token was minted")
    options = token.options
    try:
        # Fail closed: a check or key function the page was rendered with is gone.
        require = load_check(options["require"]) if "require" in options else None
        key = options.get("key")
        if key is not None and key not in KEYS:
            key = load_check(key)
    except ResolveError as error:
        raise ActionNotFound(str(error)) from None
    return GuardOptions(bool(options.get("once")), require, options.get("limit"), key,
                        options.get("validate_limit"))


def _captured(fn: t.Callable[..., t.Any]) -> dict[str, t.Any]:
    if not isinstance(fn, types.FunctionType) or not fn.__closure__:
        return {}
    values = {}
    for name, cell in zip(fn.__code__.co_freevars, fn.__closure__, strict=True):
        try:
            values[name] = cell.cell_contents
        except ValueError:  # captured before it was assigned
            continue
    return values


def _verdict(app: Flask, check: Check, call: ActionCall) -> ResponseReturnValue | None:
    result = app.ensure_sync(check)(call)
    if result is None or result is True:
        return None
    if result is False:
        raise Forbidden(f"You are not allowed to use {call.name!r}.")
    return t.cast("ResponseReturnValue", result)


def guard(post: ActionPost, token: ActionToken, target: ActionTarget,
          fn: t.Callable[..., t.Any], args: t.Sequence[t.Any],
          now: int, form_class: type[Form] | None) -> ResponseReturnValue | None:
    """Run the checks for an action about to be called and, if it is a
    one-time action, record its token.

    What applies depends on the post's kind (:data:`~.kinds.EFFECTS`): a
    validate request (:mod:`.precognition`), which never runs the action,
    is counted against the validate budget instead of ``limit=``, records
    no one-time token and is refused if its token was used already.

    :return: a response to send instead of running the action, or ``None``.
    :raises RateLimited: the action's ``limit=`` (or, for a validate
        request, its validate budget) is used up for this key.
    :raises BadUploadReference: a kept file's reference does not open.
    :raises UploadExpired: a kept file expired.
    :raises AlreadySubmitted: a one-time token was used before.
    :raises OutcomeUnknown: a one-time token was recorded, but whether its
        action ran cannot be known.
    :raises StoreUnavailable: the store did not answer in time (redis-py's
        connection and timeout errors, from the limits and kept files, are
        not translated: see :func:`~.stores.outages`).
    :raises ActionNotFound: the token's ``require=`` check or ``key=``
        function is gone.
    """
    settings = post.settings
    app = settings.app
    assert post.plan is not None  # made before the guards run
    plan = post.plan
    options = plan.guards or _planned_options(plan, target, token)
    once = options.once or settings.once
    require = options.require
    checks = [*settings.checks, *([require] if require is not None else [])]

    def call() -> ActionCall:
        return ActionCall(target.ref, target.name, _captured(fn), tuple(args), once)

    if checks:
        described = call()
        for check in checks:
            answer = _verdict(app, check, described)
            if answer is not None:
                return answer
    if post.kind is Kind.VALIDATE:
        _check_validate_request(settings, options, once, token, target.ref, call)
    elif options.limit is not None and post.does(Effect.COUNTS_LIMIT):
        enforce(settings.store, target.ref, options.limit, options.key, call, _client)
    # Files kept from a failed submission: a reference that does not open
    # refuses the post before a one-time token is used up, and counts as a
    # forged token does. A validate request restores none.
    try:
        if not post.call:  # a JSON call carries no files
            restore(app, target.ref, form_class=form_class,
                    validating=post.kind is Kind.VALIDATE, store=settings.store, address=_client)
    except BadUploadReference:
        throttle(settings)
        raise
    if once and post.does(Effect.RECORDS_ONCE):
        record_once(post, token, target.ref, now)
    return None


def record_once(post: ActionPost, token: ActionToken, ref: str, now: int) -> None:
    """Record the one-time token of ``post``, as pending, before its
    action runs.

    :raises AlreadySubmitted: it was recorded and its action finished.
    :raises OutcomeUnknown: it was recorded but never marked finished (the
        post that recorded it died on the way, or is still running), or
        the store lost its records since it was issued.
    :raises StoreUnavailable: the store could not say in time.
    """
    settings = post.settings
    ttl = token.issued_at + settings.max_age - now + CLOCK_SKEW
    claim = settings.store.claim(token.token_id, ttl, token.issued_at)
    if claim is Claim.DONE:
        raise AlreadySubmitted(f"token {token.token_id} of {ref} was used before")
    if claim is not Claim.FIRST:
        raise OutcomeUnknown(f"token {token.token_id} of {ref} was recorded but not known to"
                             f" have run ({claim.value})")
    post.claimed = (token.token_id, ttl)


def stale_outcome(post: ActionPost, stale: StaleSubmission) -> StaleSubmission:
    """The refusal to show for a stale one-time form (another session's,
    an earlier version's, expired): if it was sent before, the truth about
    that (:class:`~flask_server_actions.errors.AlreadySubmitted` or
    :class:`~flask_server_actions.errors.OutcomeUnknown`), not the stale
    notice's "please submit again", which would run it a second time."""
    settings = post.settings
    token = token_of(stale)
    try:
        once = settings.once or _options(resolve(token.ref), token).once
    except (ResolveError, ActionNotFound):  # the stale notice says it well enough
        return stale
    try:
        claim = settings.store.peek(token.token_id, token.issued_at) if once else None
    except outages():
        claim = None
    if claim is None:
        return stale
    reason = f"{stale.reason}; its one-time record says {claim.value}"
    if claim is Claim.DONE:
        return AlreadySubmitted(reason, token=token)
    return OutcomeUnknown(reason, token=token)


def finish_once(post: ActionPost) -> None:
    """Mark the one-time token this post recorded (if any) finished: its
    action returned, raised :class:`~flask_server_actions.ActionError`, or
    its form did not validate. A store that cannot be reached now leaves it
    pending: a replay is then refused as unknown, which is true to it."""
    claimed = post.claimed
    if claimed is None:
        return
    post.claimed = None
    try:
        post.settings.store.finish(*claimed)
    except outages() as error:
        logs.warning("Could not mark one-time token %s finished (%s): a replay of it will"
                     " be refused as unknown", claimed[0], error)


def _check_validate_request(settings: PostSettings, options: GuardOptions, once: bool,
                            token: ActionToken, ref: str,
                            call: t.Callable[[], ActionCall]) -> None:
    """Count a validate request against its own budget, never the post's
    ``limit=``: the action's ``validate_limit=``, else for a limited action
    ``SERVER_ACTIONS_VALIDATE_LIMIT``; and refuse it, as the real post would
    be, if its one-time token was recorded (without recording it).

    :raises RateLimited: the validate budget is used up for this key.
    :raises AlreadySubmitted: the one-time token's action ran.
    :raises OutcomeUnknown: the one-time token was recorded, but whether its
        action ran cannot be known.
    """
    budget = options.validate_limit or (
        settings.app.config["SERVER_ACTIONS_VALIDATE_LIMIT"] if options.limit is not None else None)
    if budget:
        enforce(settings.store, ref, budget, options.key, call, _client, "validate")
    claim = settings.store.peek(token.token_id, token.issued_at) if once else None
    if claim is Claim.DONE:
        raise AlreadySubmitted(f"token {token.token_id} of {ref} was used before")
    if claim is not None:
        raise OutcomeUnknown(f"token {token.token_id} of {ref} was recorded but not known to"
                             f" have run ({claim.value})")


def _throttle_setting(value: object) -> tuple[int, int]:
    limit, slash, window = value.partition("/") if isinstance(value, str) else ("", "", "")
    if slash and limit.isdigit() and window.isdigit() and int(limit) > 0 and int(window) > 0:
        return int(limit), int(window)
    raise ValueError(
        f"SERVER_ACTIONS_THROTTLE is {value!r}. Set it to \"refusals/seconds\", such as"
        " \"20/60\" for 20 refused tokens a minute per client, or to None to turn the"
        " throttle off.")


def _ipv6_prefix(value: object) -> int:
    if isinstance(value, int) and not isinstance(value, bool) and 1 <= value <= 128:
        return value
    raise ValueError(
        f"SERVER_ACTIONS_IPV6_PREFIX is {value!r}. Set it to the length of the IPv6"
        " network counted as one client, from 1 to 128: 64 (the default) for a /64,"
        " 48 for a /48, 128 for each address.")


def _client() -> str:
    """The client as limits and the throttle count it: its IPv4 address, or
    its IPv6 network of ``SERVER_ACTIONS_IPV6_PREFIX`` bits (a /64 by default)."""
    address = request.remote_addr or "unknown"
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return address
    if ip.version == 4:
        return str(ip)
    if ip.ipv4_mapped is not None:
        # How a dual-stack server sees an IPv4 client: one address, not one network.
        return str(ip.ipv4_mapped)
    # One IPv6 client holds a whole network (a /64 or more): count it as one.
    prefix = _ipv6_prefix(current_app.config["SERVER_ACTIONS_IPV6_PREFIX"])
    return str(ipaddress.ip_network(f"{ip}/{prefix}", strict=False))


def throttle(settings: PostSettings) -> None:
    """Count a token that did not open against its client's address and
    refuse the client once it sent more than ``SERVER_ACTIONS_THROTTLE``
    allows (``"20/60"``: 20 in 60 seconds).

    The address is :attr:`request.remote_addr <flask.Request.remote_addr>`:
    behind a proxy, wrap the app in ``ProxyFix`` so that it is the client's.
    An IPv6 client is counted by its network of ``SERVER_ACTIONS_IPV6_PREFIX``
    bits (a /64 by default).

    :raises TooManyRefusals: the client is over the limit (429).
    """
    setting = settings.app.config["SERVER_ACTIONS_THROTTLE"]
    if not setting:
        return
    limit, window = _throttle_setting(setting)
    client = _client()
    refused = settings.store.count(f"refused:{digest_of(client)}", window)
    if refused > limit:
        logs.info("Throttled %s: %s tokens that do not open within %s seconds",
                  client, refused, window)
        raise TooManyRefusals(client, window)
