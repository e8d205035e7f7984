"""A person changes their own preferences: language, time zone and (HR) the morning digest."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from portal.db import audit
from portal.db.database import Database
from portal.db.people import Person, get_person, set_preferences
from portal.directory.service import as_self


@dataclass(frozen=True)
class PreferencesChoice:
    locale: str
    timezone: str | None  # None: the company's zone
    digest_opt_in: bool | None  # None: not offered (only HR get the digest)


async def change_preferences(
    db: Database, *, person: Person, choice: PreferencesChoice, now: datetime
) -> Person:
    """Save the choice if it changes anything, recording the differences in the audit log."""
    digest = person.digest_opt_in if choice.digest_opt_in is None else choice.digest_opt_in
    before = {
        "locale": person.locale,
        "timezone": person.timezone,
        "digest_opt_in": person.digest_opt_in,
    }
    after = {"locale": choice.locale, "timezone": choice.timezone, "digest_opt_in": digest}
    changes = {k: {"from": before[k], "to": after[k]} for k in before if before[k] != after[k]}
    if not changes:
        return person
    async with db.transaction():
        await set_preferences(
            db,
            person.id,
            locale=choice.locale,
            timezone=choice.timezone,
            digest_opt_in=digest,
            now=now,
        )
        await audit.record(
            db,
            "settings_changed",
            actor=as_self(person),
            at=now,
            target_kind="person",
            target_id=person.id,
            detail=changes,
        )
        updated = await get_person(db, person.id)
    assert updated is not None
    return updated
