"""``[api]`` in pos.toml: where `pos api serve` listens, how orders taken elsewhere post, webhook retries."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field


class ApiSettings(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    host: str = "127.0.0.1"
    """Address `pos api serve` listens on. Keep 127.0.0.1 and put TLS in front (README: nginx) for more."""
    port: int = Field(default=8080, ge=1, le=65535)
    terminal: str = Field(default="WEB", pattern=r"^[A-Za-z0-9_-]{1,16}$")
    """Sales posted through the API are numbered on this terminal (WEB-000001...), apart from the tills."""
    sale_tender: str = Field(default="online", pattern=r"^[a-z0-9_-]{1,24}$")
    """The payment method an API sale is paid by (a [[tenders]] code; added for the API when not there)."""
    sale_account: str = "assets:online-receivable"
    """Where an API sale's money is owed, when ``sale_tender`` is not one of the [[tenders]]."""
    page_limit: int = Field(default=500, ge=1, le=10_000)
    """The most rows one page of /api/items, /api/inventory or /api/sales returns."""
    webhook_timeout_ms: int = Field(default=10_000, ge=100)
    """How long a receiver has to answer one delivery."""
    webhook_retry_ms: list[int] = Field(default_factory=lambda: [0, 5_000, 300_000, 1_800_000, 7_200_000])
    """Waits before each attempt at a delivery (the last repeats): the Standard Webhooks schedule, shortened."""
    webhook_disable_after_ms: int = Field(default=5 * 24 * 3_600_000, ge=0)
    """A subscription failing this long without one success is disabled (`pos api webhook replay` resumes it)."""
    webhook_poll_ms: int = Field(default=500, ge=10)
    """How often the dispatcher looks for new journal entries."""
