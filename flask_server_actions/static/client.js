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

  window.serverActions = {call: call, decode: decode};
})();
