"""The suite's fixed day. A test never compares with the machine's clock: it freezes time or passes a day
down, and the demo is loaded as it stands on ``DEMO_TODAY`` (its current consultation, questions and sealed
bids are dated from that day; its history is fixed)."""

from datetime import date
from io import StringIO

from django.core.management import call_command

DEMO_TODAY = date(2026, 11, 25)
DEMO_NOW = "2026-11-25 10:00:00+01:00"


def load_demo(*args: str) -> str:
    """``manage.py load_demo --today DEMO_TODAY ARGS``; returns what it printed."""
    out = StringIO()
    call_command("load_demo", "--today", DEMO_TODAY.isoformat(), *args, stdout=out)
    return out.getvalue()
