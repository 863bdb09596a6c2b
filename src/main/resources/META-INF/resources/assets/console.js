// The console's only script of its own: the CSRF header on every htmx request, the current section in the nav,
// error answers shown to the person instead of silently dropped, and copy buttons.
(function () {
  "use strict";
  var token = document.querySelector('meta[name="csrf-token"]');
  document.addEventListener("htmx:configRequest", function (event) {
    if (token) {
      event.detail.headers["X-CSRF-Token"] = token.content;
    }
  });

  function showToast(message) {
    var toast = document.getElementById("toast");
    if (!toast) { return; }
    toast.textContent = message;
    toast.hidden = false;
    clearTimeout(showToast.timer);
    showToast.timer = setTimeout(function () { toast.hidden = true; }, 8000);
  }

  document.addEventListener("htmx:responseError", function (event) {
    var xhr = event.detail.xhr;
    var message = "The request failed (" + xhr.status + ").";
    try {
      var problem = JSON.parse(xhr.responseText);
      if (problem && (problem.detail || problem.title)) {
        message = (problem.title || "Refused") + ": " + (problem.detail || "");
      }
    } catch (ignored) {
      if (xhr.responseText && xhr.responseText.length < 300) { message = xhr.responseText; }
    }
    if (xhr.status === 403) { message = "Not allowed: " + message; }
    showToast(message);
  });
  document.addEventListener("htmx:sendError", function () {
    showToast("The service cannot be reached. Check your connection and try again.");
  });

  function markCurrent() {
    var path = window.location.pathname;
    document.querySelectorAll("header.top nav a").forEach(function (link) {
      var href = link.getAttribute("href");
      var current = href === "/" ? path === "/" : path === href || path.indexOf(href + "/") === 0;
      if (current) { link.setAttribute("aria-current", "page"); } else { link.removeAttribute("aria-current"); }
    });
  }
  document.addEventListener("DOMContentLoaded", markCurrent);

  document.addEventListener("click", function (event) {
    var button = event.target.closest("[data-copy]");
    if (!button) { return; }
    var source = document.getElementById(button.getAttribute("data-copy"));
    if (!source) { return; }
    var text = source.value !== undefined ? source.value : source.textContent;
    var done = function () { button.textContent = "Copied"; };
    if (navigator.clipboard && window.isSecureContext) {
      navigator.clipboard.writeText(text).then(done, function () { source.select && source.select(); });
    } else if (source.select) {
      source.select();
      document.execCommand("copy");
      done();
    }
  });
})();
