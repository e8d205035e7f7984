// The candidate page shows times in the browser's time zone. The server does not know it until
// this script reports it: report a zone that differs from the one shown, or (once) that the
// browser gave none, and swap in the page that comes back. A browser already in the zone
// shown (the company's, say) reports nothing and the page says nothing about zones.
(function () {
  "use strict";
  function browserZone() {
    try {
      return Intl.DateTimeFormat().resolvedOptions().timeZone || "";
    } catch (error) {
      return "";
    }
  }
  function worthReporting(zone, shown, source) {
    if (!zone) { return source === "company"; }
    return zone !== shown || source === "unreadable";
  }
  document.addEventListener("DOMContentLoaded", function () {
    var page = document.getElementById("candidate-page");
    if (!page || !window.htmx) { return; }
    var zone = browserZone();
    var source = page.getAttribute("data-zone-source");
    if (!worthReporting(zone, page.getAttribute("data-zone"), source)) { return; }
    var url = page.getAttribute("data-page-url") + "?tz=" + encodeURIComponent(zone);
    page.setAttribute("data-zone", zone);
    page.setAttribute("data-zone-source", zone ? "browser" : "unreadable");
    window.htmx.ajax("GET", url, { target: "#candidate-page", swap: "innerHTML" });
  });
})();
