"""``--push``: a digest to the team chats, each delivered or reported on its own."""

from __future__ import annotations

import os
import time

from salescrm.cli.context import Session
from salescrm.core.errors import ConflictError, Msg
from salescrm.formats.chat import ChatMessage


def push_messages(s: Session, digest: str, messages: list[ChatMessage]) -> None:
    """Send every message to every chat salescrm.yaml names for ``digest`` (remind | review),
    or to every chat the user set up. A chat that fails is reported and the rest still get
    theirs; then the command fails (exit 4). Settings are checked before anything is sent."""
    from salescrm.cli.main import report_error
    from salescrm.store.push import chosen_chats, push
    from salescrm.store.user_settings import load_user_settings

    chats = chosen_chats(load_user_settings(os.environ), s.config.push.get(digest))
    if not messages:
        return
    failed = 0
    for chat in chats:
        try:
            for message in messages:
                push(chat, message, time.time_ns() // 1_000_000)
        except ConflictError as error:
            report_error(error, s.lang)
            failed += 1
    if failed:
        raise ConflictError(
            Msg(
                "{failed} of {count} team chats did not get the {digest} digest",
                failed=failed,
                count=len(chats),
                digest=digest,
            ),
            hint=Msg("check the chat's webhook and secret in your own settings and that it is reachable"),
        )
