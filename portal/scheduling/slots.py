"""A bookable time range in UTC."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from portal.errors import DomainError
from portal.scheduling.messages import N_

MIN_DURATION = timedelta(minutes=15)
MAX_DURATION = timedelta(hours=8)
NO_BUFFER = timedelta(0)

END_BEFORE_START = N_("The end must be after the start.")
TOO_SHORT = N_("An interview lasts at least %(minutes)s minutes.")
TOO_LONG = N_("An interview lasts at most %(hours)s hours.")


class InvalidSlot(DomainError):
    status = 422


@dataclass(frozen=True, slots=True)
class Slot:
    """`[starts_at, ends_at)`: an interview ending at 11:00 leaves 11:00 free.

    Any aware datetime is accepted and stored in UTC, so equal instants compare equal.
    """

    starts_at: datetime
    ends_at: datetime

    def __post_init__(self) -> None:
        if self.starts_at.tzinfo is None or self.ends_at.tzinfo is None:
            raise ValueError("Slot needs timezone-aware datetimes")
        object.__setattr__(self, "starts_at", self.starts_at.astimezone(UTC))
        object.__setattr__(self, "ends_at", self.ends_at.astimezone(UTC))
        if self.ends_at <= self.starts_at:
            raise InvalidSlot(END_BEFORE_START)
        if self.duration < MIN_DURATION:
            raise InvalidSlot(TOO_SHORT, {"minutes": MIN_DURATION // timedelta(minutes=1)})
        if self.duration > MAX_DURATION:
            raise InvalidSlot(TOO_LONG, {"hours": MAX_DURATION // timedelta(hours=1)})

    @classmethod
    def starting(cls, starts_at: datetime, duration: timedelta) -> Slot:
        return cls(starts_at, starts_at + duration)

    @property
    def duration(self) -> timedelta:
        return self.ends_at - self.starts_at

    def overlaps(self, other: Slot, buffer: timedelta = NO_BUFFER) -> bool:
        """True if the two slots are closer than `buffer`; touching slots with no buffer don't."""
        return self.starts_at < other.ends_at + buffer and other.starts_at < self.ends_at + buffer
