"""``[gift_cards]`` in pos.toml: how the till numbers the cards it sells."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field


class GiftCardSettings(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    prefix: str = Field(default="9", pattern=r"^[0-9]{1,6}$")
    """First digits of every card number the till makes (16 digits with the Luhn check digit).
    Cards printed elsewhere may have any number whose check digit holds."""
    offline_after_minutes: int = Field(default=0, ge=0)
    """In a chain: once head office has not been heard for this long, gift-card payments above
    `offline_redeem_limit` are refused until the store syncs (0: never refused)."""
    offline_redeem_limit: int = Field(default=0, ge=0)
    """Minor units one sale may pay by gift card while the store is offline (see `offline_after_minutes`)."""
