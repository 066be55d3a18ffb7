"""The demo's evaluation of a lot, through the services and at its real dates: the committee (the
demo evaluators, the first one chairs), the declarations, the notes, their submission, and the
review of an abnormally low bid. Read from a lot's ``evaluation`` key in fixtures/bnm/tenders.json."""

from __future__ import annotations

from decimal import Decimal

from django.contrib.auth import get_user_model

from procurement.tenders.evaluation import services
from procurement.tenders.models import CommitteeMember, Lot


def evaluate_demo_lot(*, lot: Lot, data: dict, buyer) -> None:
    users = {user.username: user for user in get_user_model().objects.filter(username__in=data["committee"])}
    if buyer is None:
        return
    if len(users) == len(data["committee"]):
        _score(lot, data, buyer=buyer, evaluators=[users[name] for name in data["committee"]])
    review = data.get("abnormally_low")
    if review:
        bid = lot.bids.get(vendor__name=review["vendor"])
        opened = services.oab_request_justification(bid=bid, by=buyer,
                                                    requested_on=review["requested_on"])
        services.oab_decide(review=opened, decision=review["decision"], reason=review["reason"], by=buyer,
                            received_on=review["received_on"], now=review["decided_at"])


def _score(lot: Lot, data: dict, *, buyer, evaluators: list) -> None:
    if not CommitteeMember.objects.filter(tender=lot.tender_id).exists():
        for index, user in enumerate(evaluators):
            services.committee_assign(tender=lot.tender, user=user, is_chair=index == 0, by=buyer)
    criteria = {criterion.name: criterion for criterion in lot.criteria.all()}
    bids = {bid.vendor.name: bid for bid in lot.bids.select_related("vendor")}
    for index, user in enumerate(evaluators):
        services.conflict_declare(lot=lot, by=user, has_conflict=False, now=data["declared_at"])
        entries = []
        for row in data["scores"]:
            comment = row["comments"][index] if "comments" in row else row["comment"]
            entries.append(services.ScoreEntry(bids[row["vendor"]], criteria[row["criterion"]],
                                               Decimal(row["values"][index]), comment))
        services.scores_record(lot=lot, by=user, entries=entries)
        services.scores_submit(lot=lot, by=user, now=data["submitted_at"])
