"""The follow-up channels a team uses: the known ones (``labels.CHANNELS``), as many of them
as ``channels`` in salescrm.yaml lists. A record keeps any known channel it was written with,
even one the team has since left out; a new record takes only a listed one."""

from __future__ import annotations

from salescrm.core.config import Config
from salescrm.core.errors import CrmError, Msg, UsageError
from salescrm.core.labels import CHANNELS


def parse_channel(text: str, config: Config) -> str:
    """The key of the channel ``text`` names (key, Chinese label or alias), when the team uses
    it; else an error listing the team's channels — never quietly ``other``."""
    try:
        key: str | None = CHANNELS.parse(text)
    except CrmError:
        key = None
    if key is None or key not in config.channels:
        listed = ", ".join(f"{k} ({CHANNELS.label(k, 'zh')})" for k in config.channels)
        what = (
            Msg("unknown channel {text!r}", text=text)
            if key is None
            else Msg("channel {text!r} is not in this team's list", text=text)
        )
        raise UsageError(
            what, hint=Msg("the team's channels: {listed} (channels in salescrm.yaml)", listed=listed)
        )
    return key
