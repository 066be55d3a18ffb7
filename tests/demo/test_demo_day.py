"""The demo's day: ``make demo`` keeps working whatever the machine's date (apart from the module that loads
the demo once, whose rows would be seen here)."""

from datetime import date, timedelta
from io import StringIO
from unittest.mock import patch

import pytest
from django.core.management import call_command
from django.utils import timezone

from procurement.core.commands import UsageError
from procurement.tenders.models import Bid, Tender

pytestmark = pytest.mark.django_db


def test_the_demo_runs_up_to_the_last_day_of_the_stored_thresholds(settings, tmp_path):
    """``make demo`` run after the stored EU thresholds end (2027-12-31): the demo is dated from their last
    day, says so, and its current consultation is open to bids whose sealed deposits precede that day."""
    settings.MEDIA_ROOT = tmp_path
    out = StringIO()
    # Only the command's reading of the date is moved: freezegun's dates break the COUNTER reports' pydantic models.
    with patch("procurement.demo.management.commands.load_demo.localdate", return_value=date(2028, 6, 15)):
        call_command("load_demo", stdout=out)
    assert "s'arrêtent au 31/12/2027 : la démonstration est datée de ce jour" in out.getvalue()
    later = date(2027, 12, 31)
    current = Tender.objects.get(reference="BNM-2026-01")
    assert (current.state, current.consultation_start, timezone.localdate(current.bid_deadline)) == (
        "published", later - timedelta(days=12), date(2028, 1, 16))
    received = [timezone.localdate(bid.received_at) for bid in Bid.objects.filter(lot__tender=current)]
    assert len(received) == 2 and all(current.consultation_start <= day <= later for day in received)


def test_a_demo_day_past_the_stored_thresholds_is_refused_before_writing(db):
    with pytest.raises(UsageError, match=r"--today : les données de référence .* jusqu'au 31/12/2027"):
        call_command("load_demo", "--today", "2028-01-03", stdout=StringIO())
    assert not Tender.objects.exists()
