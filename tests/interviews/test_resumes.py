"""The résumé: HR uploads a PDF or pastes a link; only HR and the panel read the file."""

from __future__ import annotations

import hashlib
from urllib.parse import quote

import httpx
import pytest

from portal.db.audit import list_entries
from portal.db.candidates import get_candidate
from portal.db.interview_writes import take_off_panel
from portal.db.resumes import get_resume_file, put_resume
from portal.db.tables import interviews
from portal.resumes import safe_filename
from tests.conftest import Auth
from tests.factories import World, add_candidate, add_interview
from tests.interviews.web import EN, HTMX, post
from tests.support.html import attr, one, soup
from tests.support.when import NOW

PDF = b"%PDF-1.7\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"
NAME = "王小明 简历.pdf"
NOT_PDF = "Only PDF files can be uploaded: this file is not a PDF."
SERVED = {
    "content-type": "application/pdf",
    "x-content-type-options": "nosniff",
    "content-security-policy": "sandbox; default-src 'none'",
    "cache-control": "private, no-store",
}


async def _upload(
    client: httpx.AsyncClient,
    token: str | None,
    candidate_id: int,
    content: bytes,
    *,
    filename: str = NAME,
    declared: str = "application/pdf",
    **headers: str,
) -> httpx.Response:
    data = {} if token is None else {"csrf_token": token}
    return await client.post(
        f"/candidates/{candidate_id}/resume",
        data=data,
        files={"resume": (filename, content, declared)},
        headers={**EN, **headers},
    )


def _assert_served(response: httpx.Response, content: bytes) -> None:
    assert response.status_code == 200
    assert {name: response.headers[name] for name in SERVED} == SERVED
    assert response.headers["etag"] == f'"{hashlib.sha256(content).hexdigest()}"'
    assert response.content == content


async def test_resume_upload_then_download_exact_bytes_and_safe_headers(
    client: httpx.AsyncClient, hr: Auth, world: World
) -> None:
    token = await hr.csrf_token()
    uploaded = await _upload(client, token, world.candidate_id, PDF, filename=f"C:\\docs\\{NAME}")
    assert uploaded.status_code == 303
    assert uploaded.headers["location"] == f"/candidates/{world.candidate_id}/edit"
    served = await client.get(f"/candidates/{world.candidate_id}/resume")
    _assert_served(served, PDF)
    assert served.headers["content-disposition"] == (
        f"inline; filename=\"resume.pdf\"; filename*=UTF-8''{quote(NAME, safe='')}"
    )
    head = await client.head(f"/candidates/{world.candidate_id}/resume")
    assert head.status_code == 200 and head.content == b""
    assert head.headers["content-length"] == str(len(PDF))
    page = soup(await client.get(f"/candidates/{world.candidate_id}/edit", headers=EN))
    link = one(page, "#candidate-resume a.resume-link")
    assert link.get_text() == NAME
    assert attr(link, "href") == f"/candidates/{world.candidate_id}/resume"
    assert one(page, "#candidate-resume .resume-size").get_text() == "1 KB"
    [entry] = (await list_entries(world.db, action="resume_uploaded")).items
    assert entry.actor_id == "liuyang" and entry.target_id == str(world.candidate_id)


async def test_resume_upload_by_htmx_swaps_the_section(
    client: httpx.AsyncClient, hr: Auth, world: World
) -> None:
    token = await hr.csrf_token()
    response = await _upload(client, token, world.candidate_id, PDF, **HTMX)
    assert response.status_code == 200
    section = one(soup(response), "#candidate-resume")
    assert one(section, "a.resume-link").get_text() == NAME
    assert section.select_one("form[action$='/resume/remove']") is not None


@pytest.mark.parametrize(
    ("filename", "content"),
    [
        ("resume.pdf", b"<html><script>alert(1)</script></html>"),
        ("resume.pdf", b" %PDF-1.7 but not at the start"),
        ("cv.exe", b"MZ\x90\x00"),
    ],
)
async def test_resume_upload_not_a_pdf_is_refused_and_nothing_stored(
    client: httpx.AsyncClient, hr: Auth, world: World, filename: str, content: bytes
) -> None:
    token = await hr.csrf_token()
    response = await _upload(client, token, world.candidate_id, content, filename=filename, **HTMX)
    assert response.status_code == 422
    assert one(soup(response), "#resume-error").get_text() == NOT_PDF
    assert await get_resume_file(world.db, world.candidate_id) is None
    assert (await client.get(f"/candidates/{world.candidate_id}/resume")).status_code == 404


async def test_resume_upload_refusal_is_translated(
    client: httpx.AsyncClient, hr: Auth, world: World
) -> None:
    token = await hr.csrf_token()
    response = await _upload(
        client, token, world.candidate_id, b"", **{"Accept-Language": "zh", "HX-Request": "true"}
    )
    assert response.status_code == 422
    assert one(soup(response), "#resume-error").get_text() == "文件是空的。"


async def test_resume_upload_too_big_is_413_before_reading(
    client: httpx.AsyncClient, hr: Auth, world: World
) -> None:
    token = await hr.csrf_token()
    big = PDF + b"0" * (10 * 1024 * 1024 + 64 * 1024)
    response = await _upload(client, token, world.candidate_id, big)
    assert response.status_code == 413
    assert await get_resume_file(world.db, world.candidate_id) is None


async def test_resume_upload_just_over_ten_mib_is_refused_with_the_message(
    client: httpx.AsyncClient, hr: Auth, world: World
) -> None:
    token = await hr.csrf_token()
    over = PDF + b"0" * (10 * 1024 * 1024 - len(PDF) + 1)
    response = await _upload(client, token, world.candidate_id, over)
    assert response.status_code == 422
    page = soup(response)  # a plain form gets the whole page back, the candidate's form too
    assert one(page, "#resume-error").get_text() == "The file is larger than 10 MB."
    assert attr(one(page, "#candidate-form input[name=name]"), "value") == "王小明"
    assert await get_resume_file(world.db, world.candidate_id) is None


async def test_resume_upload_without_csrf_is_403(
    client: httpx.AsyncClient, hr: Auth, world: World
) -> None:
    response = await _upload(client, None, world.candidate_id, PDF)
    assert response.status_code == 403
    assert await get_resume_file(world.db, world.candidate_id) is None


async def test_resume_upload_for_unknown_candidate_is_404(
    client: httpx.AsyncClient, hr: Auth, world: World
) -> None:
    token = await hr.csrf_token()
    assert (await _upload(client, token, 999, PDF)).status_code == 404


async def test_resume_upload_by_an_interviewer_is_refused(
    client: httpx.AsyncClient, interviewer: Auth, world: World
) -> None:
    token = await interviewer.csrf_token()
    response = await _upload(client, token, world.candidate_id, PDF)
    assert response.status_code == 403
    assert await get_resume_file(world.db, world.candidate_id) is None


async def test_resume_panel_member_reads_it(
    client: httpx.AsyncClient, auth: Auth, world: World
) -> None:
    await world.interview(panel=("lina",))
    await put_resume(
        world.db, world.candidate_id, filename=NAME, content=PDF, uploaded_by=None, now=NOW
    )
    await auth.login_as("lina")
    _assert_served(await client.get(f"/candidates/{world.candidate_id}/resume"), PDF)


async def test_resume_admin_reads_it(client: httpx.AsyncClient, auth: Auth, world: World) -> None:
    await put_resume(
        world.db, world.candidate_id, filename=NAME, content=PDF, uploaded_by=None, now=NOW
    )
    await auth.login_as("chenming")  # PORTAL_ADMINS
    _assert_served(await client.get(f"/candidates/{world.candidate_id}/resume"), PDF)


@pytest.mark.parametrize("who", ["no_interview", "other_candidate", "taken_off", "cancelled"])
async def test_resume_refused_to_staff_off_the_candidates_panels(
    client: httpx.AsyncClient, auth: Auth, world: World, who: str
) -> None:
    booked = await world.interview(panel=("zhangwei", "lina"))
    other = await add_candidate(world.db, "李雷", phone=None, email=None)
    await add_interview(world.db, panel=("sunhao",), candidate_id=other)
    if who == "taken_off":
        await take_off_panel(world.db, booked.interview_id, [world["lina"].id])
    if who == "cancelled":
        await world.db.execute(
            interviews.update()
            .where(interviews.c.id == booked.interview_id)
            .values(status="cancelled")
        )
    userid = {
        "no_interview": "zhengyu",
        "other_candidate": "sunhao",
        "taken_off": "lina",
        "cancelled": "zhangwei",
    }[who]
    await put_resume(
        world.db, world.candidate_id, filename=NAME, content=PDF, uploaded_by=None, now=NOW
    )
    await auth.login_as(userid)
    refused = await client.get(f"/candidates/{world.candidate_id}/resume", headers=EN)
    missing = await client.get(f"/candidates/{other}/resume", headers=EN)
    # Refused looks exactly like "no file": nothing says whether one exists.
    assert refused.status_code == missing.status_code == 404
    assert PDF not in refused.content
    assert "text/html" in refused.headers["content-type"]
    assert soup(refused).title == soup(missing).title


async def test_resume_signed_out_visitor_is_sent_to_sign_in(
    client: httpx.AsyncClient, world: World
) -> None:
    await put_resume(
        world.db, world.candidate_id, filename=NAME, content=PDF, uploaded_by=None, now=NOW
    )
    response = await client.get(f"/candidates/{world.candidate_id}/resume")
    assert response.status_code in (302, 303)
    assert response.headers["location"].startswith("/login")
    assert PDF not in response.content


async def test_resume_stored_with_an_html_name_is_still_served_as_inert_pdf(
    client: httpx.AsyncClient, hr: Auth, world: World
) -> None:
    html = b"<!doctype html><script>alert(document.cookie)</script>"
    await put_resume(
        world.db, world.candidate_id, filename="x.html", content=html, uploaded_by=None, now=NOW
    )
    response = await client.get(f"/candidates/{world.candidate_id}/resume")
    _assert_served(response, html)
    assert "html" not in response.headers["content-type"]
    assert 'filename="resume.pdf"' in response.headers["content-disposition"]


async def test_resume_remove_deletes_and_audits(
    client: httpx.AsyncClient, hr: Auth, world: World
) -> None:
    token = await hr.csrf_token()
    await _upload(client, token, world.candidate_id, PDF)
    removed = await post(client, token, f"/candidates/{world.candidate_id}/resume/remove", {})
    assert removed.status_code == 303
    assert await get_resume_file(world.db, world.candidate_id) is None
    assert (await client.get(f"/candidates/{world.candidate_id}/resume")).status_code == 404
    [entry] = (await list_entries(world.db, action="resume_removed")).items
    assert entry.actor_id == "liuyang" and entry.detail == {
        "filename": NAME,
        "sha256": hashlib.sha256(PDF).hexdigest(),
    }
    again = await post(client, token, f"/candidates/{world.candidate_id}/resume/remove", {})
    assert again.status_code == 404


async def test_resume_link_field_accepts_https_and_refuses_javascript(
    client: httpx.AsyncClient, hr: Auth, world: World
) -> None:
    token = await hr.csrf_token()
    url = f"/candidates/{world.candidate_id}/edit"
    fields = {"name": "王小明", "resume_url": "javascript:alert(1)"}
    refused = await post(client, token, url, fields, **HTMX)
    assert refused.status_code == 422
    assert one(soup(refused), "#resume_url-error").get_text() == (
        "Enter a link that starts with http:// or https://."
    )
    candidate = await get_candidate(world.db, world.candidate_id)
    assert candidate is not None and candidate.resume_url is None
    link = "https://drive.example.com/cv/1"
    saved = await post(client, token, url, {"name": "王小明", "resume_url": link})
    assert saved.status_code == 303
    candidate = await get_candidate(world.db, world.candidate_id)
    assert candidate is not None and candidate.resume_url == link
    edit = soup(await client.get(url, headers=EN))
    assert attr(one(edit, "input[name=resume_url]"), "value") == link


async def test_resume_shown_on_hrs_interview_page(
    client: httpx.AsyncClient, hr: Auth, world: World
) -> None:
    booked = await world.interview(panel=("lina",))
    page = soup(await client.get(f"/interviews/{booked.interview_id}", headers=EN))
    assert page.select_one(f"#interview-facts-{booked.interview_id} dd.resume") is None
    await put_resume(
        world.db, world.candidate_id, filename=NAME, content=PDF, uploaded_by=None, now=NOW
    )
    page = soup(await client.get(f"/interviews/{booked.interview_id}", headers=EN))
    link = one(page, f"#interview-facts-{booked.interview_id} dd.resume a")
    assert attr(link, "href") == f"/candidates/{world.candidate_id}/resume"
    assert link.get_text() == NAME


@pytest.mark.parametrize(
    ("raw", "stored"),
    [
        ("王小明 简历.pdf", "王小明 简历.pdf"),
        ("../../etc/passwd", "passwd.pdf"),
        ("C:\\Users\\hr\\cv.PDF", "cv.PDF"),
        ('a"b\r\nSet-Cookie: x.pdf', "abSet-Cookie x.pdf"),
        ("evil\u202efdp.exe", "evilfdp.exe.pdf"),
        ("", "resume.pdf"),
        ("...", "resume.pdf"),
        ("长" * 300 + ".pdf", "长" * 251 + ".pdf"),
    ],
)
def test_resume_safe_filename_keeps_the_name_and_drops_the_danger(raw: str, stored: str) -> None:
    assert safe_filename(raw) == stored
