// htmx 2 swaps no error answer (4xx, 5xx) by default. An answer that the
// server retargets to the page's notice region is a message for the user
// about a refused or failed action: let htmx 2 swap it there, as htmx 4 does.
document.addEventListener("htmx:beforeSwap", function (event) {
  var xhr = event.detail.xhr;
  if (xhr && xhr.getResponseHeader("HX-Retarget") === "#action-notice") {
    event.detail.shouldSwap = true;
  }
});
