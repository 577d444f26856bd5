"""The typed context handlers receive: the runtime and the delivery loop, not bot_data["x"]."""

from dataclasses import dataclass, field

from telegram.ext import CallbackContext, ExtBot

from bot.runtime import Runtime

__all__ = ["BotContext", "BotData"]


@dataclass
class BotData:
    """What the application holds for its handlers; filled in ``post_init``."""

    runtime: Runtime | None = None
    delivery: "object | None" = None  # bot.delivery.Delivery; typed loosely to avoid an import cycle
    extra: dict = field(default_factory=dict)


class BotContext(CallbackContext[ExtBot, dict, dict, BotData]):
    """``context.runtime`` instead of a cast out of ``bot_data``."""

    @property
    def runtime(self) -> Runtime:
        runtime = self.bot_data.runtime
        if runtime is None:
            raise RuntimeError("the application has not been initialised")
        return runtime
