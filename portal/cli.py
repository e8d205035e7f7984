"""`portal serve | worker | migrate | doctor | demo | sandbox | rooms-sandbox | sync-contacts`
(also `python -m portal`)."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable, Sequence
from typing import Any

from portal.settings import Settings, SettingsError, load_settings


def _fail(message: str) -> int:
    print(f"portal: {message}", file=sys.stderr)
    return 2


def _settings(args: argparse.Namespace, *, demo: bool = False) -> Settings:
    return load_settings(demo=demo, demo_port=getattr(args, "port", 8000))


# Bounds on what one request may hold: its head (h11 refuses a larger one with 431) and an
# idle keep-alive connection. The head and body read deadlines come from the settings.
MAX_REQUEST_HEAD = 16 * 1024
KEEP_ALIVE_SECONDS = 5


def server_config(app: Any, settings: Settings, *, host: str, port: int) -> Any:
    """`portal serve`'s uvicorn configuration (tests run the same one on a loopback port)."""
    import uvicorn

    from portal.web.core.slowloris import guarded_h11

    return uvicorn.Config(
        app,
        host=host,
        port=port,
        http=guarded_h11(settings.header_timeout),
        timeout_keep_alive=KEEP_ALIVE_SECONDS,
        h11_max_incomplete_event_size=MAX_REQUEST_HEAD,
        access_log=False,
        log_config=None,
        proxy_headers=True,
    )


def cmd_serve(args: argparse.Namespace) -> int:
    import uvicorn

    from portal.app import create_app
    from portal.logs import configure_logging

    settings = _settings(args)
    configure_logging(settings.log_level, settings.log_format)
    app = create_app(settings, run_worker=not args.no_worker)
    server = uvicorn.Server(server_config(app, settings, host=args.host, port=args.port))
    server.run()
    return 0 if server.started else 3  # as `uvicorn.run`: 3 when start-up failed


def cmd_migrate(args: argparse.Namespace) -> int:
    from portal.db.migrate import current_revision, upgrade
    from portal.db.urls import redacted
    from portal.logs import configure_logging

    settings = load_settings(demo=True) if args.demo else _settings(args)
    configure_logging("WARNING")
    before = current_revision(settings.database_url)
    upgrade(settings.database_url)
    after = current_revision(settings.database_url)
    where = redacted(settings.database_url)
    if before == after:
        print(f"{where}: already at {after}; nothing to do")
    else:
        print(f"{where}: migrated {before or 'empty'} -> {after}")
    return 0


def cmd_doctor(args: argparse.Namespace) -> int:
    import asyncio
    import logging

    from portal.doctor import run_doctor

    if not 0 < args.timeout <= 600:
        return _fail("--timeout must be above 0 and at most 600 seconds")
    logging.getLogger().addHandler(logging.NullHandler())  # the report is the only output
    return asyncio.run(run_doctor(timeout=args.timeout))


def cmd_worker(args: argparse.Namespace) -> int:
    import asyncio

    from portal.background import run_worker
    from portal.logs import configure_logging

    settings = _settings(args)
    configure_logging(settings.log_level, settings.log_format)
    asyncio.run(run_worker(settings))
    return 0


def cmd_sync_contacts(args: argparse.Namespace) -> int:
    import asyncio

    from portal.background import sync_contacts_once
    from portal.directory.errors import from_wecom
    from portal.logs import configure_logging
    from portal.wecom import WeComError

    settings = _settings(args)
    configure_logging("WARNING")
    try:
        report = asyncio.run(sync_contacts_once(settings))
    except WeComError as exc:
        refusal = from_wecom(exc)
        return _fail(f"WeCom refused the sync: errcode {exc.errcode} ({exc.errmsg}). {refusal}")
    skipped = report["skipped_departments"]
    print(
        f"added {report['added']}, updated {report['updated']}, "
        f"deactivated {report['deactivated']}, unchanged {report['unchanged']}, "
        f"departments {report['departments']}"
        + (f", skipped departments {skipped}" if skipped else "")
    )
    return 0


def cmd_demo(args: argparse.Namespace) -> int:
    from portal.demo import run_demo

    return run_demo(host=args.host, port=args.port)


def cmd_sandbox(args: argparse.Namespace) -> int:
    import uvicorn

    from portal.logs import configure_logging
    from portal.settings import load_wecom_sandbox_settings
    from portal.wecom.sandbox import SandboxConfig, create_sandbox_app

    # The corp the portal is configured for, so a staging portal's credentials are accepted.
    found = load_wecom_sandbox_settings()
    config = SandboxConfig(
        corp_id=found.corp_id,
        corp_secret=found.secret,
        agent_id=found.agent_id,
        callback_token=found.callback_token,
        callback_aes_key=found.callback_aes_key,
        callback_url=found.callback_url,
    )
    configure_logging("INFO")
    print(
        f"WeCom sandbox for corp {found.corp_id} on http://{args.host}:{args.port}"
        f"  (inboxes: /inbox, card buttons post to {found.callback_url})"
    )
    uvicorn.run(create_sandbox_app(config), host=args.host, port=args.port, log_config=None)
    return 0


def cmd_rooms_sandbox(args: argparse.Namespace) -> int:
    import uvicorn

    from portal.logs import configure_logging
    from portal.platform.sandbox import PlatformSandboxConfig, create_platform_sandbox
    from portal.settings import load_platform_sandbox_settings

    found = load_platform_sandbox_settings()
    config = PlatformSandboxConfig(
        api_key=found.api_key,
        webhook_secret=found.webhook_secret,
        webhook_url=found.webhook_url,
    )
    configure_logging("INFO")
    print(
        f"Interview platform sandbox on http://{args.host}:{args.port}"
        f"  (API: /open_api/v1/, control: /_control/, webhooks to {found.webhook_url})"
    )
    uvicorn.run(create_platform_sandbox(config), host=args.host, port=args.port, log_config=None)
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="portal", description="Interviewer portal for WeCom (企业微信)."
    )
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    def add(name: str, handler: Callable[[argparse.Namespace], int], text: str) -> Any:
        sub = commands.add_parser(name, help=text, description=text)
        sub.set_defaults(handler=handler)
        return sub

    serve = add("serve", cmd_serve, "Run the portal (configuration from the environment / .env).")
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--port", type=int, default=8000)
    serve.add_argument(
        "--no-worker", action="store_true", help="Do not run the notification worker in-process."
    )
    add("worker", cmd_worker, "Run the background jobs (notifications, daily contact sync).")
    add("sync-contacts", cmd_sync_contacts, "Sync departments and members from WeCom now.")
    migrate = add("migrate", cmd_migrate, "Apply database migrations; a no-op when up to date.")
    migrate.add_argument(
        "--demo", action="store_true", help="Use the demo defaults (no secrets needed)."
    )
    doctor = add("doctor", cmd_doctor, "Check this deployment's settings and services.")
    doctor.add_argument("--timeout", type=float, default=10.0, help="Seconds per check.")
    demo = add(
        "demo",
        cmd_demo,
        "Run the portal on SQLite with the built-in WeCom sandbox and demo data.",
    )
    demo.add_argument("--host", default="127.0.0.1")
    demo.add_argument("--port", type=int, default=8000)
    sandbox = add("sandbox", cmd_sandbox, "Run the WeCom sandbox alone.")
    sandbox.add_argument("--host", default="127.0.0.1")
    sandbox.add_argument("--port", type=int, default=8100)
    rooms = add("rooms-sandbox", cmd_rooms_sandbox, "Run the interview platform sandbox alone.")
    rooms.add_argument("--host", default="127.0.0.1")
    rooms.add_argument("--port", type=int, default=8200)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        result: int = args.handler(args)
    except SettingsError as exc:
        return _fail(f"{exc.variable} {exc.problem}")
    except KeyboardInterrupt:
        return 130
    return result
