"""The candidate's uploaded résumé: HR uploads and removes it; HR and the panel read it."""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

from starlette.datastructures import UploadFile
from starlette.requests import Request
from starlette.responses import Response

from portal import resumes
from portal.db.candidates import get_candidate
from portal.db.resumes import get_resume_file
from portal.errors import NotFound
from portal.scheduling import ActorKind, ValidationFailed
from portal.web.core.access import require_actor, require_user
from portal.web.core.forms import after_post, error_texts
from portal.web.core.htmx import HtmxDetails
from portal.web.core.limits import KIB, BodyRule
from portal.web.core.rendering import render, translate
from portal.web.core.state import app_state, current_time

# The file plus the CSRF field and the multipart framing around them.
UPLOAD = BodyRule(max_bytes=resumes.MAX_BYTES + 64 * KIB, files=True)

# A PDF viewer needs none of the portal's scripts, and the file must never run any of its own:
# a sandboxed document with no sources is inert even if a browser sniffed it as something else.
SERVE_HEADERS = {
    "X-Content-Type-Options": "nosniff",
    "Content-Security-Policy": "sandbox; default-src 'none'",
    "Cache-Control": "private, no-store",
}


def disposition(filename: str) -> str:
    """`inline`, with the stored name in RFC 5987 form and a plain ASCII fallback."""
    return (
        f"inline; filename=\"{resumes.FALLBACK_NAME}\"; filename*=UTF-8''{quote(filename, safe='')}"
    )


async def serve(request: Request) -> Response:
    user = await require_user(request)
    found, content = await resumes.open_resume(
        app_state(request)["db"], user, request.path_params["candidate_id"]
    )
    headers = {
        **SERVE_HEADERS,
        "Content-Disposition": disposition(found.filename),
        "ETag": f'"{found.sha256}"',
        "Content-Length": str(found.size),
    }
    body = b"" if request.method == "HEAD" else content
    return Response(body, media_type="application/pdf", headers=headers)


def size_text(request: Request, size: int) -> str:
    if size >= 1024 * KIB:
        return translate(request, "%(size)s MB", size=f"{size / (1024 * KIB):.1f}")
    return translate(request, "%(size)s KB", size=max(1, round(size / KIB)))


async def section(request: Request, candidate_id: int) -> dict[str, Any]:
    """What the candidate page's résumé section shows."""
    found = await get_resume_file(app_state(request)["db"], candidate_id)
    return {
        "candidate_id": candidate_id,
        "file": found,
        "size": None if found is None else size_text(request, found.size),
    }


async def _section_response(
    request: Request, candidate_id: int, status: int = 200, errors: dict[str, str] | None = None
) -> Response:
    candidate = await get_candidate(app_state(request)["db"], candidate_id)
    if candidate is None:
        raise NotFound()
    values = {
        "name": candidate.name,
        "phone": candidate.phone or "",
        "email": candidate.email or "",
        "notes": candidate.notes or "",
        "resume_url": candidate.resume_url or "",
    }
    context = {
        "values": values,
        "errors": errors or {},
        "candidate_id": candidate_id,
        "resume": await section(request, candidate_id),
    }
    return render(
        request,
        "records/candidate_form.html",
        context,
        fragment="records/_resume.html",
        status=status,
    )


async def _sent_file(request: Request) -> tuple[bytes | None, str]:
    """The uploaded file's bytes and name; the spooled copy is closed once read."""
    async with request.form() as form:
        sent = form.get(resumes.FIELD)
        if not isinstance(sent, UploadFile):
            return None, ""
        # The route's body cap already bounds what is read here.
        content, filename = await sent.read(resumes.MAX_BYTES + 1), sent.filename or ""
    if not content and not filename:  # the browser's "no file chosen"
        return None, ""
    return content, filename


async def upload(request: Request) -> Response:
    candidate_id = request.path_params["candidate_id"]
    content, filename = await _sent_file(request)
    try:
        await resumes.upload(
            app_state(request)["db"],
            candidate_id,
            filename,
            content,
            actor=await require_actor(request, ActorKind.HR),
            now=current_time(request),
        )
    except ValidationFailed as exc:
        return await _section_response(request, candidate_id, 422, error_texts(request, exc))
    return await _done(request, candidate_id)


async def remove(request: Request) -> Response:
    candidate_id = request.path_params["candidate_id"]
    await resumes.remove(
        app_state(request)["db"],
        candidate_id,
        actor=await require_actor(request, ActorKind.HR),
        now=current_time(request),
    )
    return await _done(request, candidate_id)


async def _done(request: Request, candidate_id: int) -> Response:
    """htmx swaps the section in place; a plain form goes back to the candidate's page."""
    if HtmxDetails.of(request).request:
        return await _section_response(request, candidate_id)
    return after_post(
        request, request.url_for("records:candidate_edit", candidate_id=candidate_id).path
    )
