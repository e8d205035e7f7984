"""HTTP: routes by area, templating, htmx helpers and middleware."""
