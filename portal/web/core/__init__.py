"""The web plumbing every area shares: access rules, CSRF, htmx, rendering, SSE, errors, state."""
