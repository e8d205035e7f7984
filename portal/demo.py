"""`portal demo`: the whole portal in one process on SQLite, with the WeCom sandbox mounted."""

from __future__ import annotations

from portal.settings import load_settings


def run_demo(*, host: str = "127.0.0.1", port: int = 8000) -> int:
    import uvicorn

    from portal.app import create_app
    from portal.db.migrate import upgrade
    from portal.db.urls import redacted
    from portal.logs import configure_logging

    settings = load_settings(demo=True, demo_port=port)
    configure_logging(settings.log_level)
    upgrade(settings.database_url)
    base = settings.base_url
    print(
        "\n".join(
            [
                "",
                "  Interview portal demo (WeCom is simulated by the built-in sandbox)",
                f"  Portal:           {base}/",
                f"  Sign in:          {base}/login",
                f"  Sandbox inboxes:  {base}{settings.sandbox_mount}/inbox",
                f"  Database:         {redacted(settings.database_url)}",
                "",
            ]
        ),
        flush=True,
    )
    uvicorn.run(create_app(settings), host=host, port=port, access_log=False, log_config=None)
    return 0
