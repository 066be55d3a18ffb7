"""The programme's timeline as plain geometry for an inline SVG (no JavaScript, no CDN): one row per
phase, the planned bar above the actual one, a tick per year and a line for today."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

LABEL_WIDTH = 40
CHART_WIDTH = 720
ROW_HEIGHT = 30
TOP = 24


@dataclass(frozen=True)
class Bar:
    x: float
    width: float


@dataclass(frozen=True)
class TimelineRow:
    label: str
    title: str
    y: int
    planned: Bar
    actual: Bar | None
    late: bool
    open: bool

    @property
    def planned_y(self) -> int:
        return self.y + 4

    @property
    def actual_y(self) -> int:
        return self.y + 15

    @property
    def label_y(self) -> int:
        return self.y + 18


@dataclass(frozen=True)
class Tick:
    x: float
    label: str


@dataclass(frozen=True)
class Timeline:
    width: int
    height: int
    rows: list[TimelineRow]
    ticks: list[Tick]
    today_x: float | None
    axis_bottom: int


def build_timeline(phases, *, today: date) -> Timeline | None:
    """``phases``: rows with ``position``, ``name``, planned and actual dates and ``late_days``."""
    phases = list(phases)
    if not phases:
        return None
    starts = [p.planned_start for p in phases] + [p.actual_start for p in phases if p.actual_start]
    ends = [p.planned_end for p in phases] + [p.actual_end for p in phases if p.actual_end]
    if any(p.actual_start and not p.actual_end for p in phases):
        ends.append(today)
    first, last = date(min(starts).year, 1, 1), date(max(ends).year + 1, 1, 1)
    span = (last - first).days

    def x(day: date) -> float:
        return round(LABEL_WIDTH + CHART_WIDTH * (day - first).days / span, 1)

    def bar(start: date, end: date) -> Bar:
        return Bar(x=x(start), width=max(2.0, round(x(end) - x(start), 1)))

    rows = []
    for index, phase in enumerate(phases):
        actual = None
        if phase.actual_start:
            actual = bar(phase.actual_start, phase.actual_end or max(today, phase.actual_start))
        rows.append(TimelineRow(label=str(phase.position), title=phase.name, y=TOP + index * ROW_HEIGHT,
                                planned=bar(phase.planned_start, phase.planned_end), actual=actual,
                                late=phase.late_days > 0, open=phase.actual_end is None))
    bottom = TOP + len(phases) * ROW_HEIGHT
    ticks = [Tick(x=x(date(year, 1, 1)), label=str(year)) for year in range(first.year, last.year)]
    today_x = x(today) if first <= today <= last else None
    return Timeline(width=LABEL_WIDTH + CHART_WIDTH + 10, height=bottom + 8, rows=rows, ticks=ticks,
                    today_x=today_x, axis_bottom=bottom)
