/* flask-server-actions: upload progress for forms that htmx sends.
 *
 *   <form method="post" enctype="multipart/form-data" hx-boost="true">
 *     <input type="file" name="attachment">
 *     <progress data-server-action-progress hidden></progress>
 *     <button>Send</button>
 *   </form>
 *
 * While htmx (2 or 4) sends the form, each <progress data-server-action-progress>
 * inside it is shown and its value follows the bytes sent, from 0 to its max;
 * once a successful answer has arrived (or the request was aborted) it is
 * hidden again. If the answer is an error (a 413 for a file over the size
 * limit, whose message the server sends to the page's notice region) or the
 * connection failed, the bar stays where it got, with a data-failed
 * attribute to style it by (progress[data-failed]), until the next upload.
 * A plain post (JavaScript off, or no htmx on the form) is the browser's
 * own: nothing here runs, and the hidden bar stays hidden.
 *
 * htmx 2 sends with XMLHttpRequest: its upload events are followed. htmx 4
 * sends with fetch, which reports no upload progress: for a form with a bar,
 * a multipart body to this site is sent with XMLHttpRequest instead (its
 * ctx.fetch), answered with a Response as fetch would (status, headers,
 * final URL after redirects, abort through the request's signal).
 */
(function () {
  "use strict";
  if (window.serverActionsProgress) return;  // both script tags on one page

  var BAR = "progress[data-server-action-progress]";

  function barsOf(element) {
    var form = element && (element.form || (element.closest && element.closest("form")));
    return form ? Array.prototype.slice.call(form.querySelectorAll(BAR)) : [];
  }

  function show(bars, fraction) {
    bars.forEach(function (bar) {
      var value = fraction * bar.max;
      bar.hidden = false;
      // Set only a change: the value never goes back or repeats.
      if (!bar.hasAttribute("value") || bar.value < value) bar.value = value;
    });
  }

  // Hidden and empty, ready for the next upload.
  function hide(bars) {
    bars.forEach(function (bar) {
      bar.hidden = true;
      bar.removeAttribute("value");
      bar.removeAttribute("data-failed");
    });
  }

  // Left in view where the upload got, marked as failed.
  function fail(bars) {
    bars.forEach(function (bar) {
      bar.hidden = false;
      bar.setAttribute("data-failed", "");
    });
  }

  // Follow an XMLHttpRequest's upload, then, when it ends, hide the bars
  // (an answer that is no error, or an abort) or show that it failed.
  function follow(xhr, bars) {
    var aborted = false;
    xhr.upload.addEventListener("loadstart", function () {
      hide(bars);  // a bar that failed before starts again from 0
      show(bars, 0);
    });
    xhr.upload.addEventListener("progress", function (event) {
      if (event.lengthComputable && event.total) show(bars, event.loaded / event.total);
    });
    xhr.upload.addEventListener("load", function () { show(bars, 1); });
    xhr.addEventListener("abort", function () { aborted = true; });
    xhr.addEventListener("loadend", function () {
      if (!aborted && (xhr.status === 0 || xhr.status >= 400)) fail(bars);
      else hide(bars);
    });
  }

  function headersOf(xhr) {
    var headers = new Headers();
    xhr.getAllResponseHeaders().split("\r\n").forEach(function (line) {
      var colon = line.indexOf(":");
      if (colon > 0) headers.append(line.slice(0, colon).trim(), line.slice(colon + 1).trim());
    });
    return headers;
  }

  function responseOf(xhr) {
    // fetch gives these statuses no body; the Response constructor refuses one.
    var empty = [101, 103, 204, 205, 304].indexOf(xhr.status) >= 0;
    var response = new Response(empty ? null : xhr.response, {
      status: xhr.status, statusText: xhr.statusText, headers: headersOf(xhr)});
    // Where redirects led, which htmx 4 reads for hx-push-url="true".
    Object.defineProperty(response, "url", {value: xhr.responseURL});
    return response;
  }

  function sameOrigin(url) {
    return new URL(url, document.baseURI).origin === window.location.origin;
  }

  // A fetch for htmx 4's ctx.fetch that sends a form body with
  // XMLHttpRequest, so that its upload can be followed.
  function fetchWithProgress(bars) {
    return function (url, init) {
      if (!(init.body instanceof FormData) || !sameOrigin(url)) return window.fetch(url, init);
      return new Promise(function (resolve, reject) {
        var signal = init.signal;
        if (signal && signal.aborted) return reject(signal.reason);
        var xhr = new XMLHttpRequest();
        xhr.open(init.method || "POST", url, true);
        xhr.responseType = "blob";
        xhr.withCredentials = init.credentials === "include";
        new Headers(init.headers || {}).forEach(function (value, name) {
          xhr.setRequestHeader(name, value);
        });
        follow(xhr, bars);
        xhr.addEventListener("load", function () { resolve(responseOf(xhr)); });
        xhr.addEventListener("error", function () { reject(new TypeError("Failed to fetch")); });
        if (signal) {
          signal.addEventListener("abort", function () {
            xhr.abort();
            reject(signal.reason);
          });
        }
        xhr.send(init.body);
      });
    };
  }

  // htmx 2: the request is an XMLHttpRequest about to be sent.
  document.addEventListener("htmx:beforeSend", function (event) {
    var bars = barsOf(event.detail.elt);
    if (bars.length) follow(event.detail.xhr, bars);
  });

  // htmx 4: before it picks window.fetch (ctx.fetch ||= window.fetch), and
  // only if nothing else chose a fetch for this request.
  document.addEventListener("htmx:config:request", function (event) {
    var ctx = event.detail.ctx;
    var bars = barsOf(ctx.request.form || ctx.sourceElement);
    if (bars.length && !ctx.fetch) ctx.fetch = fetchWithProgress(bars);
  });

  window.serverActionsProgress = {selector: BAR};
})();
