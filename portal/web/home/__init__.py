"""Home: the landing page (sends each person to their start page), the language switch, health."""

from portal.web.core.access import Access
from portal.web.core.routing import route
from portal.web.home import health, metrics, pages

routes = [
    route("/", pages.landing, name="landing", access=Access.PUBLIC),
    route(
        "/language", pages.switch_language, name="language", access=Access.PUBLIC, methods=["POST"]
    ),
    route("/healthz", health.healthz, name="health", access=Access.PUBLIC),
    # The bearer token is the proof (PORTAL_METRICS_TOKEN); no session, no CSRF.
    route("/metrics", metrics.metrics_page, name="metrics", access=Access.SIGNED),
]
