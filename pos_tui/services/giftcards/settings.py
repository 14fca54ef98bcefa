"""``[gift_cards]`` in pos.toml: how the till numbers the cards it sells."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field


class GiftCardSettings(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    prefix: str = Field(default="9", pattern=r"^[0-9]{1,6}$")
    """First digits of every card number the till makes (16 digits with the Luhn check digit).
    Cards printed elsewhere may have any number whose check digit holds."""
