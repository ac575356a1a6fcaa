"""Production refuses to start with a SECRET_KEY that is plainly not random, or a BASE_URL that is
not https://; development and the tests take what they are given, as before."""

from __future__ import annotations

import secrets
from collections.abc import Iterator
from pathlib import Path

import pytest
from flask import Flask

from config import DEV_SECRET_KEY, MAKE_SECRET_KEY, ProductionConfig, secret_key_problem
from tests import factories
from tracker import create_app

BASE_URL = "https://tracker.keycities.test"


@pytest.fixture
def production_env(monkeypatch: pytest.MonkeyPatch, app: Flask) -> Iterator[pytest.MonkeyPatch]:
    """Everything production needs, right; each test spoils one of them. The session app's Celery
    is put back as the default after (create_app makes its own the default)."""
    monkeypatch.setenv("SECRET_KEY", factories.PRODUCTION_SECRET_KEY)
    monkeypatch.setenv("DATABASE_URL", "postgresql+psycopg://tracker@db.internal/tracker")
    monkeypatch.setenv("BASE_URL", BASE_URL)
    monkeypatch.setenv("REDIS_URL", "redis://127.0.0.1:6379/15")
    yield monkeypatch
    app.extensions["celery"].set_current()
    app.extensions["celery"].set_default()


@pytest.mark.parametrize("key", [
    "a" * 32, "a" * 100, "ab" * 16, "password" * 4, "changeme-" * 4, "0123" * 10,
    "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaab1", "short", "", DEV_SECRET_KEY,
])
def test_production_refuses_a_weak_secret_key_and_says_how_to_make_one(
        production_env: pytest.MonkeyPatch, key: str, tmp_path: Path) -> None:
    production_env.setenv("SECRET_KEY", key)
    with pytest.raises(RuntimeError) as refused:
        create_app("production", overrides={"INSTANCE_DIR": str(tmp_path)})
    message = str(refused.value)
    assert message.startswith("SECRET_KEY ")
    assert MAKE_SECRET_KEY in message and "at least 32 characters" in message
    if key:
        assert key not in message  # a real key, even a weak one, is never written to a log


# Made when the test runs (not when it is collected: xdist's workers must collect the same tests).
KEYS = {
    "the tests' key": lambda: factories.PRODUCTION_SECRET_KEY,
    "token_urlsafe(48)": lambda: secrets.token_urlsafe(48),
    "token_hex(32)": lambda: secrets.token_hex(32),
    "token_hex(16)": lambda: secrets.token_hex(16),
    "a passphrase": lambda: "correct horse battery staple lantern moorland",
}


@pytest.mark.parametrize("kind", list(KEYS))
def test_production_accepts_random_keys(production_env: pytest.MonkeyPatch, kind: str) -> None:
    key = KEYS[kind]()
    production_env.setenv("SECRET_KEY", key)
    config: dict[str, object] = {}
    ProductionConfig.apply_environment(config)
    assert config["SECRET_KEY"] == key


def test_the_advice_makes_a_key_production_accepts() -> None:
    # What MAKE_SECRET_KEY runs: secrets.token_urlsafe(48).
    assert all(secret_key_problem(secrets.token_urlsafe(48)) is None for _ in range(1000))


@pytest.mark.parametrize("url", ["http://tracker.keycities.test", "HTTP://tracker.keycities.test", "https://",
                                 "tracker.keycities.test", "ftp://tracker.keycities.test", ""])
def test_production_refuses_a_base_url_that_is_not_https(
        production_env: pytest.MonkeyPatch, url: str, tmp_path: Path) -> None:
    production_env.setenv("BASE_URL", url)
    with pytest.raises(RuntimeError, match="BASE_URL") as refused:
        create_app("production", overrides={"INSTANCE_DIR": str(tmp_path)})
    assert "https://" in str(refused.value)


def test_production_starts_with_a_random_key_and_an_https_address(
        production_env: pytest.MonkeyPatch, database_url: str, tmp_path: Path) -> None:
    production_env.setenv("DATABASE_URL", database_url)
    served = create_app("production", overrides={"INSTANCE_DIR": str(tmp_path)})
    assert served.config["SECRET_KEY"] == factories.PRODUCTION_SECRET_KEY
    assert served.config["BASE_URL"] == BASE_URL


def test_development_and_tests_are_unaffected(
        production_env: pytest.MonkeyPatch, app: Flask, tmp_path: Path) -> None:
    production_env.setenv("SECRET_KEY", "a" * 32)
    production_env.setenv("BASE_URL", "http://127.0.0.1:5000")
    development = create_app("development", overrides={
        "INSTANCE_DIR": str(tmp_path), "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'dev.sqlite'}"})
    assert development.config["ENV_NAME"] == "development"
    assert development.config["BASE_URL"].startswith("http://")  # `make run` on a laptop
    assert app.config["SECRET_KEY"] == "test-secret-key" and app.config["BASE_URL"] == "http://tracker.test"
