// Live status over SSE (templates/live/_anchor.html): the htmx SSE extension swaps the rows;
// this keeps the resume point current, skips rows the page does not show, reloads a page the
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

  function targetId(html) {
    var template = document.createElement("template");
    template.innerHTML = html;
    var root = template.content.firstElementChild;
    return root && root.id ? root.id : null;
  }

  function setState(event, state) {
    var anchor = anchorOf(event);
    if (anchor) { anchor.setAttribute("data-live-state", state); }
  }

  document.addEventListener("htmx:sseBeforeMessage", function (event) {
    var anchor = anchorOf(event);
    remember(anchor, event.detail.lastEventId);
    var id = targetId(event.detail.data || "");
    if (id && !document.getElementById(id)) {
      // Not on this page (another day, a filter): htmx would report a missing target.
      event.preventDefault();
      if (anchor) {
        anchor.dispatchEvent(new CustomEvent("live-missing", { bubbles: true, detail: { id: id } }));
      }
    }
  });
  document.addEventListener("htmx:sseClose", function (event) {
    if (event.detail && event.detail.type === "message") { window.location.reload(); }
  });
  document.addEventListener("htmx:sseOpen", function (event) { setState(event, "open"); });
  document.addEventListener("htmx:sseError", function (event) { setState(event, "lost"); });
})();
