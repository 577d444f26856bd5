"""``disposisi demo``: see a whole case happen, without a Telegram token."""

from enum import StrEnum

import typer

__all__ = ["demo"]


class Scenario(StrEnum):
    happy = "happy"
    return_ = "return"
    reject = "reject"
    late = "late"


class ShippedSop(StrEnum):
    ldk = "ldk"
    dag = "dag"


def demo(
    scenario: Scenario = typer.Option(
        Scenario.happy,
        help="happy: letter (/baru) to receipt; return: the data sent back once; reject: refused at "
        "step 2; late: step 2 overdue, a reminder and an escalation.",
    ),
    sop: ShippedSop = typer.Option(
        ShippedSop.ldk,
        help="the shipped SOP to play: ldk (7.4.4.1, every scenario) or dag (7.4.4.2, happy).",
    ),
) -> None:
    """Run the real bot against a local Bot API server with scripted officials, and narrate it.

    Nothing reaches Telegram and no token is needed; the database is temporary (never ./data/).
    """
    from bot.demo.script import SCENARIOS  # the demo's Bot API server loads only for the demo
    from bot.demo.stage import run_demo

    if scenario.value not in SCENARIOS[sop.value]:
        plays = ", ".join(SCENARIOS[sop.value])
        raise typer.BadParameter(f"SOP {sop.value} plays: {plays}", param_hint="--scenario")
    raise typer.Exit(run_demo(scenario.value, sop.value))
