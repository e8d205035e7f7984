"""`portal demo`: the whole portal in one process on SQLite, with the WeCom sandbox mounted."""

from __future__ import annotations

from portal.settings import load_settings


def run_demo(*, host: str = "127.0.0.1", port: int = 8000) -> int:
    import uvicorn

    from portal.app import create_app
    from portal.db.migrate import upgrade
    from portal.db.urls import redacted
    from portal.logs import configure_logging
    from portal.wecom import sandbox

    settings = load_settings(demo=True, demo_port=port)
    configure_logging(settings.log_level, settings.log_format)
    upgrade(settings.database_url)
    base = settings.base_url
    print(
        "\n".join(
            [
                "",
                "  Interview portal demo (WeCom is simulated by the built-in sandbox)",
                f"  Portal:           {base}/",
                f"  Sign in:          {base}/login  (the sandbox shows a member chooser)",
                f"    as HR:          {_member(sandbox.DEMO_HR_USERID)}",
                f"    as interviewer: {_member(sandbox.DEMO_INTERVIEWER_USERID)}",
                f"    as admin:       {_member(sandbox.DEMO_ADMIN_USERID)}",
                f"  Sandbox inboxes:  {base}{settings.sandbox_mount}/inbox",
                f"  Platform rooms:   {base}{settings.platform_mount}/_control/rooms"
                "  (the interview platform's sandbox)",
                f"  Candidate mail:   {base}{settings.mail_mount}/  (the demo's own mail server)",
                f"  Database:         {redacted(settings.database_url)}",
                "",
            ]
        ),
        flush=True,
    )
    app = create_app(settings, run_worker=True)  # the first job turn syncs the demo contacts
    uvicorn.run(app, host=host, port=port, access_log=False, log_config=None)
    return 0


def _member(userid: str) -> str:
    from portal.wecom import sandbox

    member = next(m for m in sandbox.demo_org().members if m.userid == userid)
    return f"{member.name} / {member.name_en} ({userid})"
