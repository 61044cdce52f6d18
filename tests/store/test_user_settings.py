"""The user's own settings: a TOML file in the user config folder and SALESCRM_SMTP_* variables."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from salescrm.core.errors import UsageError
from salescrm.store.mail import mailer
from salescrm.store.user_settings import load_user_settings, settings_path


def write(text: str, mode: int = 0o600) -> Path:
    path = settings_path(os.environ)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, "utf-8")
    path.chmod(mode)
    return path


def test_the_file_lives_in_the_user_config_folder() -> None:
    assert settings_path({"XDG_CONFIG_HOME": "/home/z/.config"}) == Path(
        "/home/z/.config/salescrm/settings.toml"
    )


def test_no_file_means_no_mail_server() -> None:
    settings = load_user_settings(os.environ)
    assert settings.mail.host is None and settings.editor is None
    with pytest.raises(UsageError, match="no mail server is set in your own settings"):
        mailer(settings)


def test_the_file_and_the_variables_over_it(monkeypatch: pytest.MonkeyPatch) -> None:
    write(
        'editor = "nano"\n[mail]\nhost = "smtp.example.com"\nport = 587\nstarttls = true\nuser = "bot@example.com"\n'
    )
    monkeypatch.setenv("SALESCRM_SMTP_PORT", "2525")
    monkeypatch.setenv("SALESCRM_SMTP_PASSWORD", "s3cret")
    settings = load_user_settings(os.environ)
    assert (settings.mail.host, settings.mail.port, settings.mail.starttls) == (
        "smtp.example.com",
        2525,
        True,
    )
    assert settings.mail.password == "s3cret" and "s3cret" not in repr(settings)
    assert settings.editor == "nano"
    assert mailer(settings).sender == "bot@example.com"


@pytest.mark.parametrize(
    ("text", "mode", "said"),
    [
        ('[mail]\nhost = "x"\npassword = "p"\n', 0o644, "holds a password but others may read it"),
        ("[mail]\nhost = \n", 0o600, "cannot be read"),
        ('[mail]\nhost = "x"\npassword_env = "AWS"\n', 0o600, "[mail] holds only"),
        ('webhook = "https://x"\n', 0o600, "unknown setting 'webhook'"),
        ('[mail]\nport = "many"\n', 0o600, "mail port 'many' is not a number"),
    ],
)
def test_a_bad_settings_file_is_a_clear_usage_error(text: str, mode: int, said: str) -> None:
    path = write(text, mode)
    with pytest.raises(UsageError) as raised:
        load_user_settings(os.environ)
    assert raised.value.message.startswith(f"your settings file {path} ") and said in raised.value.message


def test_a_sender_that_is_not_one_address_is_refused() -> None:
    write('[mail]\nhost = "smtp.example.com"\nsender = "a@x.com, b@y.com"\n')
    with pytest.raises(UsageError, match="not set to one e-mail address"):
        mailer(load_user_settings(os.environ))
