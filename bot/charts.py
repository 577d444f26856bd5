"""The digest's chart: a panel per SOP section, each step's median and p90 working time this month
against its SOP time.

Drawn with matplotlib's Agg canvas on a ``Figure`` of its own (no pyplot, no global state, no
screen), so it is safe in the bot's worker threads.
"""

import io

from matplotlib.axes import Axes
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

from bot.templating import sop_text
from workflow.digest import Digest, Section

__all__ = ["step_times_chart"]

#: The chart's few words per language (axis labels and legend, not sentences).
WORDS = {
    "id": {
        "title": "Waktu kerja per langkah, {start} s.d. {end}",
        "minutes": "menit kerja",
        "hours": "jam kerja",
        "step": "Langkah (jumlah selesai)",
        "median": "Median",
        "p90": "P90",
        "sla": "Waktu SOP",
    },
    "en": {
        "title": "Working time per step, {start} to {end}",
        "minutes": "working minutes",
        "hours": "working hours",
        "step": "Step (number finished)",
        "median": "Median",
        "p90": "P90",
        "sla": "SOP time",
    },
}
_MEDIAN, _P90, _SLA = "#3b6ea5", "#9dbfe0", "#c0392b"
_WIDTH = 0.38


def step_times_chart(digest: Digest, lang: str) -> bytes:
    """A PNG with one panel per section (SOP), one above the other so that it reads on a phone:
    the month's per-step median and p90 working time, with each step's SOP time marked.

    Durations are shown in minutes, or in hours when the panel's longest one is two hours or more.
    Steps that nobody finished this month have no bars, only their SOP time; the slowest step's
    label is bold.
    """
    words = WORDS.get(lang, WORDS["en"])
    panels = max(len(digest.sections), 1)
    figure = Figure(figsize=(8, 4.5 * panels), dpi=110, layout="constrained")
    FigureCanvasAgg(figure)
    for section, axes in zip(digest.sections, figure.subplots(panels, squeeze=False)[:, 0], strict=False):
        _panel(axes, section, words, sop_text(section, lang, "title") or section.title)
    out = io.BytesIO()
    figure.savefig(out, format="png")
    return out.getvalue()


def _panel(axes: Axes, section: Section, words: dict[str, str], title: str) -> None:
    """One SOP's bars, titled with the SOP's own title (a digest stored before sections has none)."""
    steps = section.month.steps
    longest = max([s.sla_seconds for s in steps] + [s.p90_seconds or 0 for s in steps], default=0)
    unit, scale = ("hours", 3600) if longest >= 2 * 3600 else ("minutes", 60)
    xs = list(range(len(steps)))
    medians = [(s.median_seconds or 0) / scale for s in steps]
    p90s = [(s.p90_seconds or 0) / scale for s in steps]
    axes.bar([x - _WIDTH / 2 for x in xs], medians, _WIDTH, label=words["median"], color=_MEDIAN)
    axes.bar([x + _WIDTH / 2 for x in xs], p90s, _WIDTH, label=words["p90"], color=_P90)
    axes.hlines(
        [s.sla_seconds / scale for s in steps],
        [x - _WIDTH - 0.04 for x in xs],
        [x + _WIDTH + 0.04 for x in xs],
        colors=_SLA,
        linewidth=2.5,
        label=words["sla"],
    )
    axes.set_xticks(xs, [f"{s.step_no} {s.name}\n({s.count})" for s in steps], fontsize=8)
    for tick, s in zip(axes.get_xticklabels(), steps, strict=True):
        if s.step_no == section.slowest_step:
            tick.set_fontweight("bold")
    axes.set_xlabel(words["step"])
    axes.set_ylabel(words[unit])
    period = words["title"].format(
        start=f"{section.month.start:%d-%m-%Y}", end=f"{section.month.end:%d-%m-%Y}"
    )
    axes.set_title(f"{title}\n{period}" if title else period, fontsize=11)
    axes.set_ylim(bottom=0)
    axes.grid(axis="y", alpha=0.3)
    axes.set_axisbelow(True)
    handles, names = axes.get_legend_handles_labels()
    order = [names.index(words[k]) for k in ("median", "p90", "sla")]
    axes.legend([handles[i] for i in order], [names[i] for i in order], fontsize=8, loc="upper left")
