"""The app itself: its name, whether it is enabled, and its visible range (可见范围).

The visible range decides whom the app may read and message (wecom-api.md §4): members
listed one by one, departments (each with everything below it) and tags.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from portal.wecom.client import WeComClient

JSON = dict[str, Any]


@dataclass(frozen=True)
class AppInfo:
    """agent/get: `allow_userinfos`, `allow_partys`, `allow_tags` as flat tuples."""

    agent_id: int
    name: str | None
    closed: bool
    userids: tuple[str, ...] = ()
    department_ids: tuple[int, ...] = ()
    tag_ids: tuple[int, ...] = ()

    @classmethod
    def from_api(cls, data: JSON) -> AppInfo:
        users = (data.get("allow_userinfos") or {}).get("user") or ()
        return cls(
            agent_id=int(data["agentid"]),
            name=str(data["name"]) if data.get("name") else None,
            closed=bool(data.get("close")),
            userids=tuple(str(row["userid"]) for row in users if row.get("userid")),
            department_ids=tuple(
                int(d) for d in (data.get("allow_partys") or {}).get("partyid") or ()
            ),
            tag_ids=tuple(int(t) for t in (data.get("allow_tags") or {}).get("tagid") or ()),
        )


class Agents:
    """`client.agent`: read the app's own settings."""

    def __init__(self, client: WeComClient) -> None:
        self._client = client

    async def get(self, agent_id: int | None = None) -> AppInfo:
        """The app's details and visible range (this client's app unless `agent_id` is given).

        https://developer.work.weixin.qq.com/document/path/90227
        """
        wanted = self._client.agent_id if agent_id is None else agent_id
        return AppInfo.from_api(await self._client.get("agent/get", {"agentid": wanted}))
