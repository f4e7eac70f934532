// Polled fragments ([data-poll-visible], htmx `every Ns, poll-now`) ask nothing while the tab is
// hidden, and catch up at once when it shows again. htmx's own trigger filter would need eval,
// which our Content-Security-Policy forbids; its cancellable htmx:beforeRequest event does not.
(function () {
  "use strict";
  document.addEventListener("htmx:beforeRequest", function (event) {
    if (document.hidden && event.detail.elt.hasAttribute("data-poll-visible")) {
      event.preventDefault();
    }
  });
  document.addEventListener("visibilitychange", function () {
    if (document.hidden || !window.htmx) {
      return;
    }
    document.querySelectorAll("[data-poll-visible]").forEach(function (elt) {
      window.htmx.trigger(elt, "poll-now");
    });
  });
}());
