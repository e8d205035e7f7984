// Live status over SSE (templates/live/_anchor.html): the htmx SSE extension swaps the rows;
// this keeps the resume point current, skips elements the page does not show, reloads a page the
// server can no longer catch up, and shows whether the connection is up.
(function () {
  "use strict";

  function anchorOf(event) {
    var element = event.target;
    return element && element.closest ? element.closest("[sse-connect]") : null;
  }

  // htmx opens a new EventSource after a refused connection, and that one sends no
  // Last-Event-ID: keep `after` in the URL current so the server still resumes exactly.
  function remember(anchor, lastEventId) {
    if (!anchor || !lastEventId) { return; }
    var url = new URL(anchor.getAttribute("sse-connect"), window.location.href);
    url.searchParams.set("after", lastEventId);
    anchor.setAttribute("sse-connect", url.pathname + url.search);
  }

  // The elements of a message whose target this page does not have: dropped (htmx would
  // report each missing target). `missing` says one of them is a row the page should show
  // (new, or moved to this day); a marker deleting a row (data-live-gone) is simply skipped.
  function onPage(html) {
    var template = document.createElement("template");
    template.innerHTML = html;
    var result = { dropped: false, missing: false, id: null, template: template };
    Array.prototype.slice.call(template.content.children).forEach(function (element) {
      if (!element.id || document.getElementById(element.id)) { return; }
      result.dropped = true;
      if (!element.hasAttribute("data-live-gone")) {
        result.missing = true;
        result.id = result.id || element.id;
      }
      element.remove();
    });
    return result;
  }

  function setState(event, state) {
    var anchor = anchorOf(event);
    if (anchor) { anchor.setAttribute("data-live-state", state); }
  }

  document.addEventListener("htmx:sseBeforeMessage", function (event) {
    var anchor = anchorOf(event);
    remember(anchor, event.detail.lastEventId);
    var found = onPage(event.detail.data || "");
    if (!found.dropped) { return; }
    // Swap what this page has ourselves, out of band as the extension would.
    event.preventDefault();
    if (anchor && found.template.content.children.length) {
      htmx.swap(anchor, found.template.innerHTML, { swapStyle: "none" });
    }
    if (anchor && found.missing) {
      anchor.dispatchEvent(new CustomEvent("live-missing", { bubbles: true, detail: { id: found.id } }));
    }
  });
  document.addEventListener("htmx:sseClose", function (event) {
    if (event.detail && event.detail.type === "message") { window.location.reload(); }
  });
  document.addEventListener("htmx:sseOpen", function (event) { setState(event, "open"); });
  document.addEventListener("htmx:sseError", function (event) { setState(event, "lost"); });
})();
