"""The state of a lot's blind scoring round: who sits, who declared what, who submitted, whether
the chair closed it. One place decides when the round stops being blind."""

from __future__ import annotations

from dataclasses import dataclass, field

from procurement.tenders.enums import CriterionKind


@dataclass
class RoundState:
    members: list = field(default_factory=list)          # CommitteeMember, with their user
    declarations: dict = field(default_factory=dict)     # member id → ConflictDeclaration for this lot
    submissions: dict = field(default_factory=dict)      # user id → Submission for this lot
    closure: object | None = None                        # RoundClosure
    has_qualitative: bool = True                         # a lot priced only needs no evaluator

    def member_for(self, user):
        if user is None or not getattr(user, "is_authenticated", False):
            return None
        return next((member for member in self.members if member.user_id == user.pk), None)

    def declaration_of(self, member):
        return self.declarations.get(member.pk) if member is not None else None

    def is_conflicted(self, member) -> bool:
        declaration = self.declaration_of(member)
        return bool(declaration and declaration.has_conflict)

    def is_cleared(self, member) -> bool:
        declaration = self.declaration_of(member)
        return bool(declaration and not declaration.has_conflict)

    @property
    def active_members(self) -> list:
        """The members who still sit for this lot: every member but those who declared a conflict
        (a member who has not declared yet is still expected)."""
        return [member for member in self.members if not self.is_conflicted(member)]

    @property
    def counted_user_ids(self) -> set[int]:
        """The evaluators whose notes count: submitted and without conflict."""
        return {member.user_id for member in self.active_members if member.user_id in self.submissions}

    @property
    def final(self) -> bool:
        """The round stops being blind when every active member has submitted, or when the chair
        has closed it."""
        if self.closure is not None:
            return True
        if not self.has_qualitative:
            return True
        active = self.active_members
        return bool(active) and all(member.user_id in self.submissions for member in active)

    @property
    def started(self) -> bool:
        return bool(self.members)


def load_round(lot, *, criteria=None) -> RoundState:
    """Four queries (five without ``criteria``): members, this lot's declarations and submissions,
    its closure."""
    from procurement.tenders.models import CommitteeMember, ConflictDeclaration, RoundClosure, Submission

    members = list(CommitteeMember.objects.filter(tender_id=lot.tender_id).select_related("user")
                   .order_by("-is_chair", "user__last_name", "user__first_name", "pk"))
    declarations = {d.member_id: d for d in ConflictDeclaration.objects.filter(lot=lot)}
    submissions = {s.evaluator_id: s for s in Submission.objects.filter(lot=lot)}
    closure = RoundClosure.objects.filter(lot=lot).select_related("closed_by").first()
    criteria = lot.criteria.all() if criteria is None else criteria
    return build_round(members=members, declarations=declarations, submissions=submissions, closure=closure,
                       criteria=criteria)


def build_round(*, members, declarations: dict, submissions: dict, closure, criteria) -> RoundState:
    """A lot's round from rows already loaded (``load_round`` for one lot, the API for many at once)."""
    parents = {c.parent_id for c in criteria if c.parent_id}
    qualitative = any(c.kind != CriterionKind.PRICE and c.pk not in parents for c in criteria)
    return RoundState(members=list(members), declarations=declarations, submissions=submissions, closure=closure,
                      has_qualitative=qualitative)


def user_label(user) -> str:
    return user.get_full_name() or user.username
