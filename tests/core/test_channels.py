"""Follow-up channels: WeChat and WeCom known, the team's list in salescrm.yaml, never quietly 其他."""

from __future__ import annotations

from datetime import date

import pytest

from salescrm.core.channels import parse_channel
from salescrm.core.config import Config, config_from_data
from salescrm.core.errors import UsageError
from salescrm.core.validate import validate_customer
from tests.scenario import customer, followups


@pytest.mark.parametrize(
    ("text", "key"),
    [("微信", "wechat"), ("wechat", "wechat"), ("weixin", "wechat"), ("企业微信", "wecom"), ("企微", "wecom"),
     ("WeCom", "wecom"), ("电话", "phone"), ("其他", "other")],
)  # fmt: skip
def test_wechat_and_wecom_are_channels(text: str, key: str) -> None:
    assert parse_channel(text, Config()) == key


def test_an_unknown_channel_lists_the_teams_channels() -> None:
    with pytest.raises(UsageError) as error:
        parse_channel("钉钉", Config())
    assert error.value.message == "unknown channel '钉钉'"
    assert error.value.hint == (
        "the team's channels: phone (电话), visit (拜访), email (邮件), meeting (线上会议), wechat (微信), "
        "wecom (企业微信), other (其他) (channels in salescrm.yaml)"
    )


def test_the_team_list_narrows_the_channels() -> None:
    config, problems = config_from_data({"channels": ["电话", "wechat", "拜访", "微信"]})
    assert problems == [] and config.channels == ["phone", "wechat", "visit"]
    assert parse_channel("微信", config) == "wechat"
    with pytest.raises(UsageError, match="channel '企业微信' is not in this team's list") as error:
        parse_channel("企业微信", config)
    assert (
        error.value.hint
        == "the team's channels: phone (电话), wechat (微信), visit (拜访) (channels in salescrm.yaml)"
    )


def test_an_unknown_configured_channel_is_a_config_problem() -> None:
    config, problems = config_from_data({"channels": ["phone", "飞鸽"]})
    assert [p.message for p in problems] == [
        "channels[1]: unknown channel '飞鸽'; choose one of: phone (电话), visit (拜访), email (邮件), "
        "meeting (线上会议), wechat (微信), wecom (企业微信), other (其他)"
    ]
    assert config.channels == ["phone"]


def test_records_with_a_channel_the_team_left_out_still_load() -> None:
    config, _ = config_from_data({"channels": ["phone"]})
    c = customer("CRM202611001", "甲", followups=followups(2, date(2026, 11, 26)))
    c.followups[0].via, c.followups[1].via = "wecom", "other"
    assert [p for p in validate_customer(c, config, "c.yaml") if p.severity == "error"] == []
