"""Candidates' résumés: a link HR pasted or a PDF HR uploaded, shown to the panel and HR only."""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from datetime import datetime

from portal.db import audit
from portal.db.candidates import get_candidate
from portal.db.database import Database
from portal.db.people import Person
from portal.db.resumes import (
    ResumeFile,
    delete_resume,
    get_resume_file,
    is_on_candidate_panel,
    put_resume,
    read_resume_content,
)
from portal.errors import NotFound
from portal.i18n import N_
from portal.scheduling import Actor, ValidationFailed

MAX_BYTES = 10 * 1024 * 1024
MAX_NAME = 255
FALLBACK_NAME = "resume.pdf"
FIELD = "resume"  # the upload form's file field

NO_FILE = N_("Choose a PDF file to upload.")
EMPTY = N_("The file is empty.")
TOO_BIG = N_("The file is larger than 10 MB.")
NOT_PDF = N_("Only PDF files can be uploaded: this file is not a PDF.")

# Characters a file name must not carry into a header, a path or a download dialog.
_UNSAFE = set('/\\:*?"<>|')


@dataclass(frozen=True)
class ResumeLink:
    """Where the kit's "Résumé" goes: the portal's copy of an upload, or HR's link."""

    kind: str  # file, link
    url: str
    filename: str | None


async def kit_resume(db: Database, candidate_id: int) -> ResumeLink | None:
    """The candidate's résumé for the kit: an uploaded file first, else the link."""
    found = await get_resume_file(db, candidate_id)
    if found is not None:
        return ResumeLink("file", f"/candidates/{candidate_id}/resume", found.filename)
    candidate = await get_candidate(db, candidate_id)
    if candidate is not None and candidate.resume_url:
        return ResumeLink("link", candidate.resume_url, None)
    return None


def safe_filename(raw: str) -> str:
    """The name to store: its last path segment, without control, format or path characters."""
    base = raw.replace("\\", "/").rsplit("/", 1)[-1]
    # Cf covers bidi overrides, which make "fdp.exe" read as "exe.pdf".
    kept = "".join(
        char
        for char in unicodedata.normalize("NFC", base)
        if unicodedata.category(char) not in {"Cc", "Cf", "Cs", "Zl", "Zp"} and char not in _UNSAFE
    )
    name = kept.strip(" .")
    if not name:
        return FALLBACK_NAME
    if not name.lower().endswith(".pdf"):
        name = f"{name[: MAX_NAME - 4]}.pdf"
    return name if len(name) <= MAX_NAME else f"{name[: MAX_NAME - 4].rstrip(' .')}.pdf"


def _refuse(message: str) -> ValidationFailed:
    return ValidationFailed({FIELD: message}, {})


def check_pdf(content: bytes | None) -> bytes:
    """The content if it may be stored as a résumé, else `ValidationFailed` on the file field.

    Only the bytes decide: a browser's declared type and the file's name are the sender's word.
    """
    if content is None:
        raise _refuse(NO_FILE)
    if not content:
        raise _refuse(EMPTY)
    if len(content) > MAX_BYTES:
        raise _refuse(TOO_BIG)
    if not content.startswith(b"%PDF-"):
        raise _refuse(NOT_PDF)
    return content


async def upload(
    db: Database,
    candidate_id: int,
    filename: str,
    content: bytes | None,
    *,
    actor: Actor,
    now: datetime,
) -> ResumeFile:
    """Store HR's PDF as the candidate's résumé (replacing any earlier one), audited."""
    checked = check_pdf(content)
    name = safe_filename(filename)
    async with db.transaction():
        if await get_candidate(db, candidate_id) is None:
            raise NotFound()
        await put_resume(
            db, candidate_id, filename=name, content=checked, uploaded_by=actor.person_id, now=now
        )
        stored = await get_resume_file(db, candidate_id)
        assert stored is not None
        await audit.record(
            db,
            "resume_uploaded",
            actor=actor,
            at=now,
            target_kind="candidate",
            target_id=candidate_id,
            detail={"filename": name, "size": stored.size, "sha256": stored.sha256},
        )
    return stored


async def remove(db: Database, candidate_id: int, *, actor: Actor, now: datetime) -> None:
    """Delete the candidate's uploaded résumé, audited; none there is a 404."""
    async with db.transaction():
        found = await get_resume_file(db, candidate_id)
        if found is None:
            raise NotFound()
        await delete_resume(db, candidate_id)
        await audit.record(
            db,
            "resume_removed",
            actor=actor,
            at=now,
            target_kind="candidate",
            target_id=candidate_id,
            detail={"filename": found.filename, "sha256": found.sha256},
        )


async def may_read(db: Database, person: Person, candidate_id: int) -> bool:
    """HR and admins, and anyone on an active panel of the candidate's interviews."""
    return person.is_hr or await is_on_candidate_panel(db, person.id, candidate_id)


async def open_resume(db: Database, person: Person, candidate_id: int) -> tuple[ResumeFile, bytes]:
    """The file and its bytes for `person`; refused and missing are the same 404."""
    if not await may_read(db, person, candidate_id):
        raise NotFound()
    found = await get_resume_file(db, candidate_id)
    content = None if found is None else await read_resume_content(db, candidate_id)
    if found is None or content is None:
        raise NotFound()
    return found, content
