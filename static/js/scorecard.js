// The scorecard saves each field on its own (htmx posts it; see templates/mine/_scorecard.html).
// This file only tells the person what happened: "Saving…", the server's "Saved 14:03", or
// "Not saved" when the network failed, and it retries those fields when the phone is back
// online or on the next change. The text stays in the field whatever happens.
(function () {
  "use strict";
  var unsaved = new Set();

  function form() { return document.getElementById("scorecard"); }

  function stateOf(elt) {
    var target = elt.getAttribute("hx-target");
    return target ? document.querySelector(target) : null;
  }

  function show(elt, text, failed) {
    var state = stateOf(elt);
    if (!state) { return; }
    state.textContent = text;
    state.classList.toggle("save-failed", failed);
    state.setAttribute("data-state", failed ? "unsaved" : "saving");
  }

  function field(event) {
    var elt = event.detail && event.detail.elt;
    return elt && elt.hasAttribute && elt.hasAttribute("data-field") ? elt : null;
  }

  // A radio group is one field: retry with whichever of its buttons is checked now.
  function current(elt) {
    if (elt.type !== "radio" || elt.checked) { return elt; }
    var checked = elt.form && elt.form.querySelector(
      'input[type="radio"][name="' + CSS.escape(elt.name) + '"]:checked');
    return checked || elt;
  }

  function retry() {
    if (!navigator.onLine) { return; }
    var pending = Array.from(unsaved);
    unsaved.clear();
    pending.forEach(function (elt) {
      if (document.body.contains(elt)) { htmx.trigger(current(elt), "change"); }
    });
  }

  function failed(event) {
    var elt = field(event);
    if (!elt || !form()) { return; }
    unsaved.add(elt);
    show(elt, form().getAttribute("data-unsaved"), true);
  }

  document.addEventListener("htmx:beforeRequest", function (event) {
    var elt = field(event);
    if (elt && form()) { show(elt, form().getAttribute("data-saving"), false); }
  });
  document.addEventListener("htmx:afterRequest", function (event) {
    var elt = field(event);
    if (!elt) { return; }
    var xhr = event.detail.xhr;
    if (xhr && xhr.status === 200) {
      var state = stateOf(elt);
      if (state) {
        state.classList.remove("save-failed");
        state.setAttribute("data-state", "saved");
      }
      unsaved.delete(elt);
      if (elt.type === "radio") {  // the group's other buttons are the same field
        Array.from(unsaved).forEach(function (other) {
          if (other.name === elt.name) { unsaved.delete(other); }
        });
      }
      if (unsaved.size) { retry(); }
    } else if (xhr && xhr.status !== 422) {
      failed(event);
    }
  });
  document.addEventListener("htmx:sendError", failed);
  document.addEventListener("htmx:timeout", failed);
  document.addEventListener("htmx:responseError", failed);
  window.addEventListener("online", retry);

  window.addEventListener("beforeunload", function (event) {
    if (unsaved.size && form()) {
      event.preventDefault();
      event.returnValue = form().getAttribute("data-leave");
    }
  });

  // Submitting is final: ask first. The whole form posts, so nothing unsaved is lost.
  document.addEventListener("click", function (event) {
    var button = event.target.closest && event.target.closest("[data-confirm-submit]");
    if (button && form() && !window.confirm(form().getAttribute("data-confirm"))) {
      event.preventDefault();
    }
  });
  document.addEventListener("submit", function () { unsaved.clear(); });
})();
