/* flask-server-actions: call a server action from JavaScript.
 *
 *   <button {{ action.data(fetch_users) }} onclick="load(this)">Load</button>
 *   serverActions.call(button, [arg1, arg2]).then(function (value) { ... })
 *   serverActions.call(button, {title: "Hi"})  // an action taking a WTForms form
 *
 * The first argument is an element carrying data-server-action (and
 * data-server-action-url) attributes, or a bare token (then the call goes to
 * this page's URL). The promise resolves with the action's return value and
 * rejects with an Error carrying .status, .field and .body. No build step.
 *
 *   serverActions.validate(form, ["email"]).then(function (result) { ... })
 *
 * validates the form's fields on the server without running its action
 * (Laravel Precognition's protocol): the promise resolves with {message,
 * errors} (errors empty when valid) and rejects with an Error carrying
 * .status and .body when the post is refused. The form's files are left
 * out (the server skips their fields' validators) unless the form carries
 * data-action-validate-files, as Laravel's validateFiles() asks. Fields written with
 * action.field(name, live=True) are validated as the user types (after a
 * pause) and when they leave a field they typed in. Under htmx, a form is
 * aria-busy while its post is in flight, its clicked button shows its
 * data-action-submitting label, and after a 422 focus moves to the error
 * summary (or the first invalid field); after any other swap that
 * took the focused control away, focus goes to the same control in the new
 * content (or the next element's), not to <body>. A live field's error
 * element becomes a live region when the user first types in it.
 */
(function () {
  "use strict";

  // Tagged JSON (see serialization.py) to plain JavaScript values.
  function decode(value) {
    if (Array.isArray(value)) return value.map(decode);
    if (value === null || typeof value !== "object") return value;
    var keys = Object.keys(value);
    if (keys.length === 1 && keys[0].charAt(0) === "#") {
      var inner = value[keys[0]];
      switch (keys[0]) {
        case "#t": case "#s": case "#f": return inner.map(decode);
        case "#m": return new Map(inner.map(function (pair) {
          return [decode(pair[0]), decode(pair[1])];
        }));
        case "#x": return decode(inner[1]);
        case "#td": return inner[0] * 86400 + inner[1] + inner[2] / 1e6;
        default: return inner;  // dates, times, UUIDs, decimals, bytes: as text
      }
    }
    var out = {};
    keys.forEach(function (key) { out[key] = decode(value[key]); });
    return out;
  }

  function call(target, args) {
    var token = target, url = window.location.href;
    if (typeof target !== "string") {
      token = target.getAttribute("data-server-action") || target.value;
      url = target.getAttribute("data-server-action-url") || url;
    }
    return fetch(url, {
      method: "POST",
      credentials: "same-origin",
      headers: {
        "Content-Type": "application/json",
        "Accept": "application/json",
        "X-Server-Action": token
      },
      body: JSON.stringify(args === undefined ? [] : args)
    }).then(function (response) {
      return response.text().then(function (text) {
        var body = null;
        try { body = JSON.parse(text); } catch (ignored) { body = text; }
        if (response.ok) return decode(body);
        var error = new Error((body && body.error) || response.statusText);
        error.status = response.status;
        error.field = body && body.field;
        error.body = body;
        throw error;
      });
    });
  }

  function validate(form, fields) {
    var headers = {"Precognition": "true", "Accept": "application/json"};
    if (fields && fields.length) headers["Precognition-Validate-Only"] = fields.join(",");
    var data = new FormData(form);
    if (!form.hasAttribute("data-action-validate-files")) {
      // A pause in typing must not upload the chosen files again.
      var fields = new FormData();
      data.forEach(function (value, name) {
        if (!(value instanceof File)) fields.append(name, value);
      });
      data = fields;
    }
    var multipart = (form.getAttribute("enctype") || "").toLowerCase() === "multipart/form-data";
    return fetch(form.getAttribute("action") || window.location.href, {
      method: "POST",
      credentials: "same-origin",
      redirect: "manual",
      headers: headers,
      body: multipart ? data : new URLSearchParams(data)
    }).then(function (response) {
      if (response.status === 204) return {message: "", errors: {}};
      return response.text().then(function (text) {
        var body = null;
        try { body = JSON.parse(text); } catch (ignored) { body = null; }
        if (response.status === 422 && body && body.errors) return body;
        var error = new Error((body && body.message) || response.statusText || "refused");
        error.status = response.status;
        error.body = body;
        throw error;
      });
    });
  }

  // Live fields: which ones the user typed in, per form; the pending pause;
  // what was last sent (leaving a field after a pause sends nothing new).
  var DELAY = 500, touched = new WeakMap(), timers = new WeakMap(),
      sent = new WeakMap(), latest = new WeakMap();

  function liveField(target) {
    return target && target.form && target.hasAttribute &&
      target.hasAttribute("data-action-live") ? target : null;
  }

  function show(form, name, messages) {
    var field = form.elements[name];
    if (!field || !field.id) return;
    var error = document.getElementById(field.id + "-error");
    if (error) error.textContent = messages.join(" ");
    if (messages.length) {
      field.setAttribute("aria-invalid", "true");
      if (error) field.setAttribute("aria-describedby", error.id);
    } else {
      field.removeAttribute("aria-invalid");
      field.removeAttribute("aria-describedby");
    }
  }

  function check(form) {
    clearTimeout(timers.get(form));
    var names = Array.from(touched.get(form) || []);
    var key = names.join(",") + "?" + new URLSearchParams(new FormData(form)).toString();
    if (!names.length || sent.get(form) === key) return;
    sent.set(form, key);
    var mine = (latest.get(form) || 0) + 1;
    latest.set(form, mine);
    validate(form, names).then(function (result) {
      if (latest.get(form) !== mine) return;  // an answer overtaken by a newer one
      names.forEach(function (name) { show(form, name, result.errors[name] || []); });
    }, function () { sent.delete(form); });
  }

  document.addEventListener("input", function (event) {
    var field = liveField(event.target);
    if (!field) return;
    // Its message is announced when it comes: a live region before it does.
    var error = field.id && document.getElementById(field.id + "-error");
    if (error && !error.hasAttribute("aria-live")) error.setAttribute("aria-live", "polite");
    var form = field.form, names = touched.get(form);
    if (!names) touched.set(form, names = new Set());
    names.add(field.name);
    clearTimeout(timers.get(form));
    timers.set(form, setTimeout(function () { check(form); }, DELAY));
  });

  document.addEventListener("focusout", function (event) {
    var field = liveField(event.target);
    var names = field && touched.get(field.form);
    if (names && names.has(field.name)) check(field.form);
  });

  // htmx 2 and htmx 4 name their events differently.
  var submitters = new WeakMap();
  document.addEventListener("submit", function (event) {
    if (event.submitter) submitters.set(event.target, event.submitter);
  }, true);

  function formOf(event) {
    var detail = event.detail || {};
    var element = detail.elt || (detail.ctx && detail.ctx.sourceElement) || event.target;
    return element && element.closest ? element.closest("form") : null;
  }

  function busy(event) {
    var form = formOf(event);
    if (!form) return;
    form.setAttribute("aria-busy", "true");
    var button = submitters.get(form);
    var label = button && button.getAttribute("data-action-submitting");
    if (label && !button.hasAttribute("data-action-label")) {
      button.setAttribute("data-action-label", button.textContent);
      button.textContent = label;
    }
  }

  function done(event) {
    var form = formOf(event);
    if (!form) return;
    form.removeAttribute("aria-busy");
    var button = submitters.get(form);
    if (button && button.hasAttribute("data-action-label")) {
      button.textContent = button.getAttribute("data-action-label");
      button.removeAttribute("data-action-label");
    }
  }

  // Focus after a swap. Before a request: where focus is, as the closest
  // element with an id, a selector within it and its rank among the
  // matches, and that element's neighbours. After the swap, if focus fell
  // to <body> (the focused control was swapped out or disabled), it goes
  // to the same control in the new element, else the next one's (a
  // deleted row's Delete leads to the next row's), else the first control
  // of what took its place ("load more": the first new row), else the
  // previous one's.
  var focusBefore = null;

  function describe(element) {
    if (!element || element === document.body || !element.closest) return null;
    var scope = element.closest("[id]");
    if (!scope) return null;
    var selector = element.tagName.toLowerCase();
    Array.prototype.forEach.call(element.classList, function (name) {
      if (name.indexOf("htmx-") !== 0) selector += "." + CSS.escape(name);  // not htmx's own
    });
    var name = element.getAttribute("name");
    if (name && name !== "__action_button") selector += '[name="' + CSS.escape(name) + '"]';
    var matches = scope === element ? [element] :
      Array.prototype.slice.call(scope.querySelectorAll(selector));
    var next = scope.nextElementSibling, previous = scope.previousElementSibling;
    return {id: scope.id, self: scope === element, selector: selector,
            rank: Math.max(matches.indexOf(element), 0),
            next: next && next.id, previous: previous && previous.id};
  }

  function find(record, id) {
    var scope = id && document.getElementById(id);
    if (!scope) return null;
    if (record.self && id === record.id) return scope;
    var matches = scope.querySelectorAll(record.selector);
    return matches[Math.min(record.rank, matches.length - 1)] || null;
  }

  function lost() {
    var active = document.activeElement;
    return !active || active === document.body || !active.isConnected;
  }

  function remember() {
    focusBefore = describe(document.activeElement);
  }

  var FOCUSABLE = "a[href], button:not([disabled]), input:not([type=hidden]):not([disabled])," +
    " select:not([disabled]), textarea:not([disabled]), [tabindex]";

  function restore() {
    var record = focusBefore;
    if (!record || !lost()) return;
    var target = find(record, record.id) || find(record, record.next);
    if (!target) {
      // What now follows the previous element came in its place ("load
      // more": the first new row): its first control, else the previous's.
      var previous = record.previous && document.getElementById(record.previous);
      var after = previous && previous.nextElementSibling;
      target = (after && after.querySelector(FOCUSABLE)) || find(record, record.previous);
    }
    if (target && !target.disabled) target.focus();
  }

  function statusOf(event) {
    var detail = event.detail || {};
    return detail.xhr ? detail.xhr.status :
      (detail.ctx && detail.ctx.response && detail.ctx.response.status);
  }

  function swapped(event) {
    if (statusOf(event) !== 422) return restore();
    // The failed form's summary, else its first invalid field: in the
    // element that had focus when possible (a row), else the page's.
    var scope = (focusBefore && document.getElementById(focusBefore.id)) || document;
    var target = null;
    [scope, document].some(function (root) {
      target = root.querySelector(".action-error-summary") ||
        root.querySelector("[aria-invalid=true]");
      return target;
    });
    if (target && document.activeElement !== target) target.focus();
  }

  ["htmx:beforeRequest", "htmx:before:request"].forEach(function (name) {
    document.addEventListener(name, remember);
    document.addEventListener(name, busy);
  });
  ["htmx:afterRequest", "htmx:finally:request"].forEach(function (name) {
    document.addEventListener(name, done);
    document.addEventListener(name, swapped);
  });
  ["htmx:afterSettle", "htmx:after:swap"].forEach(function (name) {
    document.addEventListener(name, swapped);
  });

  window.serverActions = {call: call, decode: decode, validate: validate};
})();
