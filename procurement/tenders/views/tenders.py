"""Tender pages: the list, the need's form, the tender's page and the actions posted from it."""

from __future__ import annotations

from datetime import datetime, time

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View
from django.views.generic import TemplateView

from procurement.core.permissions import may
from procurement.core.selectors import ReferenceValueMissing
from procurement.core.views.service_forms import ServiceSubmitMixin, TransitionView
from procurement.core.views.suggestions import SuggestionsView
from procurement.programmes.selectors import programme_suggestions
from procurement.tenders import selectors
from procurement.tenders.enums import Publicity, TenderState
from procurement.tenders.exports.eforms import eu_notices
from procurement.tenders.exports.questions import answered_questions, questions_answers_docx
from procurement.tenders.forms.tenders import (
    AbandonForm,
    AnswerForm,
    PushBackForm,
    QuestionForm,
    RelaunchForm,
    TenderFilterForm,
    TenderForm,
)
from procurement.tenders.models.bids import UNSEALED_STATES
from procurement.tenders.rules.deadlines import proposes_pushed_back_deadline
from procurement.tenders.rules.guards import rc_date_warnings, tender_refusals
from procurement.tenders.services import need, qa
from procurement.tenders.services.transitions import (
    TENDER_TRANSITIONS,
    NotAllowed,
    TransitionRefused,
    tender_transition,
)
from procurement.tenders.views.cao import DOCX
from procurement.tenders.views.cao_decisions import cao_lot_block
from procurement.tenders.views.common import (
    TRANSITION_HELP,
    TRANSITION_LABELS,
    ServiceFormView,
    TenderAccessMixin,
    bid_register,
    candidate_transitions,
    state_label,
)

PAGE_SIZE = 25


class TenderListView(TenderAccessMixin, TemplateView):
    template_name = "tenders/tender_list.html"

    def get_context_data(self, **kwargs):
        user = self.request.user
        filter_form = TenderFilterForm(self.request.GET or None, user=user, years=selectors.tender_years(user=user))
        tenders = selectors.tender_list(user=user, **filter_form.filters())
        page = Paginator(tenders, PAGE_SIZE).get_page(self.request.GET.get("page"))
        return super().get_context_data(filter_form=filter_form, page_obj=page, abilities=self.abilities, **kwargs)


class ProgrammeSuggestionsView(TenderAccessMixin, SuggestionsView):
    """The « Programme » filter's suggestions: programmes of the tenders the user sees."""

    def suggestions(self, search: str, limit: int):
        return programme_suggestions(selectors.tender_programmes(user=self.request.user), search=search,
                                     limit=limit)


class TenderCreateView(ServiceFormView):
    required_ability = "create"
    form_class = TenderForm
    success_message = gettext_lazy("La consultation a été créée : ajoutez ses lots pour obtenir l'avis de procédure.")
    title = gettext_lazy("Nouvelle consultation")

    def perform(self, form):
        return need.tender_create(by=self.request.user, **form.cleaned_data)

    def get_success_url(self, result):
        return reverse("tenders:detail", args=[result.reference])


class TenderUpdateView(TenderCreateView):
    required_ability = "edit"
    success_message = gettext_lazy("Le besoin a été mis à jour.")

    @property
    def title(self):
        return _("Modifier la consultation %(reference)s") % {"reference": self.tender.reference}

    def get_form(self, data=None, files=None):
        # The form works on its own copy: a refused change never touches the tender shown in the page.
        return TenderForm(data=data, files=files, instance=selectors.tender_fresh(pk=self.tender.pk))

    def perform(self, form):
        return need.tender_update(tender=self.tender, by=self.request.user, **form.cleaned_data)


def _name(user) -> str:
    return user.get_full_name() or user.username


def _start_of(day) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))


class TenderDetailView(TenderAccessMixin, TemplateView):
    template_name = "tenders/tender_detail.html"

    def load_tender(self):
        return selectors.tender_detail(user=self.request.user, reference=self.kwargs["reference"])

    def get_context_data(self, **kwargs):
        tender, abilities = self.tender, self.abilities
        # A form refused by a service comes back bound, to show its errors in place.
        bound = {key: kwargs.pop(key, None) for key in
                 ("abandon_form", "relaunch_form", "question_form", "answer_form", "push_back_form")}
        lots = list(tender.lots.all())
        candidates = candidate_transitions(tender, TENDER_TRANSITIONS) if abilities["drive"] else []
        context = {
            "tender": tender, "abilities": abilities, "opening": getattr(tender, "opening_record", None),
            "lots": [{"lot": lot, "value": lot.estimated_value_ht, "bid_count": len(lot.bids.all())} for lot in lots],
            "transitions": [
                {"name": name, "label": TRANSITION_LABELS[name], "refusals": tender_refusals(tender, name),
                 "help": TRANSITION_HELP.get(name, "")}
                for name in candidates if name != "abandon"
            ],
            "abandon_form": (bound["abandon_form"] or AbandonForm()) if "abandon" in candidates else None,
            "relaunch_form": (bound["relaunch_form"] or RelaunchForm()) if abilities["relaunch"] else None,
            "registers": [bid_register(lot, abilities) for lot in lots],
            **self.advice(),
            **self.questions(bound["question_form"], bound["answer_form"], bound["push_back_form"]),
        }
        context["eu_notices"] = eu_notices(tender) if abilities["drive"] else []
        context["timeline"] = self.timeline(context.get("answer_limit"))
        context["cao_rows"] = ([block for lot in lots if (block := cao_lot_block(lot)) is not None]
                               if tender.state in UNSEALED_STATES else [])
        context["date_warnings"] = (
            rc_date_warnings(tender, answers_until=context.get("answer_limit"))
            if tender.state in (TenderState.DRAFT, TenderState.READY) else []
        )
        return super().get_context_data(**context, **kwargs)

    def advice(self) -> dict:
        try:
            advice = need.tender_advice(tender=self.tender)
        except ReferenceValueMissing as missing:
            return {"advice": None, "advice_error": str(missing)}
        if advice is None:
            return {"advice": None, "advice_error": ""}
        publicity = [str(Publicity(code).label) for code in advice.publicity]
        return {"advice": advice, "advice_error": "", "publicity": publicity}

    def questions(self, question_form, answer_form, push_back_form) -> dict:
        tender, can_answer = self.tender, self.abilities["ask_answer"]
        rows = []
        for question in tender.questions.all():
            form = None
            if can_answer and not question.answer:
                form = AnswerForm(prefix=f"reponse-{question.pk}")
                if answer_form is not None and answer_form.prefix == form.prefix:
                    form = answer_form
            rows.append({"question": question, "form": form})
        limit = proposal = None
        if tender.bid_deadline:
            today = timezone.localdate()
            try:
                limit = qa.answer_limit(tender)
                if proposes_pushed_back_deadline(can_answer=can_answer, today=today, answer_limit=limit):
                    proposal = qa.pushed_back_deadline(tender, answered_on=today)
            except ReferenceValueMissing:
                limit = None
        if can_answer and push_back_form is None:
            push_back_form = PushBackForm(initial={"bid_deadline": proposal or tender.bid_deadline})
        answered = any(row["question"].answer for row in rows)
        return {
            "questions": rows, "answer_limit": limit, "proposed_deadline": proposal,
            "qa_document": answered and may(self.request.user, "tenders.documents"),
            "question_form": (question_form or QuestionForm()) if can_answer else None,
            "push_back_form": push_back_form if can_answer else None,
        }

    def timeline(self, answer_limit) -> list[dict]:
        tender = self.tender
        events = [{"at": _start_of(tender.consultation_start), "date_only": True,
                   "label": _("Lancement de la consultation")}]
        if tender.notice_sent_on:
            events.append({"at": _start_of(tender.notice_sent_on), "date_only": True,
                           "label": _("Envoi de l'avis de publicité")})
        if answer_limit:
            events.append({"at": _start_of(answer_limit), "date_only": True,
                           "label": _("Dernier jour pour répondre aux questions")})
        if tender.bid_deadline:
            events.append({"at": tender.bid_deadline, "label": _("Date limite de réception des offres")})
        record = getattr(tender, "opening_record", None)
        if record is not None:
            events.append({"at": record.opened_at, "label": _("Ouverture des plis"),
                           "who": _name(record.opened_by), "reason": record.attendees})
        for log in tender.transition_logs.all():
            lot = log.lot
            subject = _("Lot %(number)s : ") % {"number": lot.number} if lot else ""
            label = TRANSITION_LABELS.get(log.transition, log.transition)
            events.append({
                "at": log.at, "label": f"{subject}{label}", "who": _name(log.by) if log.by else _("automatique"),
                "change": (f"{state_label(log.source, lot=bool(lot))} → {state_label(log.target, lot=bool(lot))}"
                           if log.source != log.target else ""),
                "reason": log.reason,
            })
        for event in events:
            event.setdefault("date_only", False)
            event.setdefault("who", "")
            event.setdefault("change", "")
            event.setdefault("reason", "")
        return sorted(events, key=lambda event: event["at"])


class DetailActionView(ServiceSubmitMixin, TenderDetailView):
    """A form posted from the tender's page: success redirects to it; a refusal shows the page again
    with the errors on the form's fields."""

    http_method_names = ["post"]
    form_key = ""
    anchor = "questions"

    def build_form(self, data):  # pragma: no cover - abstract
        raise NotImplementedError

    def get_success_url(self, result) -> str:
        return self.detail_url(self.anchor)

    def post(self, request, *args, **kwargs):
        form = self.build_form(request.POST)
        return self.submit(form) or self.render_to_response(self.get_context_data(**{self.form_key: form}))


class QuestionCreateView(DetailActionView):
    required_ability = "ask_answer"
    form_key = "question_form"
    success_message = gettext_lazy("La question a été enregistrée.")

    def build_form(self, data):
        return QuestionForm(data)

    def perform(self, form):
        return qa.question_record(tender=self.tender, by=self.request.user, **form.cleaned_data)


class QuestionAnswerView(DetailActionView):
    required_ability = "ask_answer"
    form_key = "answer_form"
    # Nothing is sent from here: the buyer publishes the answers on the buyer profile.
    success_message = gettext_lazy(
        "La réponse a été enregistrée. Elle n'est envoyée à personne : publiez-la sur votre profil d'acheteur, "
        "par exemple en y déposant le document « Questions et réponses » (.docx) à télécharger ci-dessous.")

    def build_form(self, data):
        self.question = get_object_or_404(self.tender.questions.all(), pk=self.kwargs["pk"])
        return AnswerForm(data, prefix=f"reponse-{self.question.pk}")

    def perform(self, form):
        return qa.question_answer(question=self.question, answer=form.cleaned_data["answer"], by=self.request.user)


class QuestionsAnswersDocumentView(TenderAccessMixin, View):
    """The answered questions as a .docx, for the buyer to put on the buyer profile."""

    grant = "tenders.documents"

    def get(self, request, *args, **kwargs):
        tender = self.tender
        content = questions_answers_docx(reference=tender.reference, title=tender.object,
                                         bid_deadline=tender.bid_deadline,
                                         questions=answered_questions(tender=tender), now=timezone.now())
        response = HttpResponse(content, content_type=DOCX)
        response["Content-Disposition"] = f'attachment; filename="questions-reponses-{tender.reference}.docx"'
        return response


class PushBackDeadlineView(DetailActionView):
    required_ability = "ask_answer"
    form_key = "push_back_form"
    success_message = gettext_lazy("La date limite de réception des offres a été reportée.")

    def build_form(self, data):
        return PushBackForm(data)

    def perform(self, form):
        return qa.tender_push_back_deadline(tender=self.tender, new_deadline=form.cleaned_data["bid_deadline"],
                                            reason=form.cleaned_data["reason"], by=self.request.user)


class RelaunchView(DetailActionView):
    required_ability = "relaunch"
    form_key = "relaunch_form"
    success_message = gettext_lazy("La consultation a été relancée : voici le nouveau brouillon.")

    def build_form(self, data):
        return RelaunchForm(data)

    def perform(self, form):
        return need.tender_relaunch(tender=self.tender, by=self.request.user, **form.cleaned_data)

    def get_success_url(self, result):
        return reverse("tenders:detail", args=[result.reference])


class TenderTransitionView(TenderAccessMixin, TransitionView):
    not_allowed, refused, labels = NotAllowed, TransitionRefused, TRANSITION_LABELS
    done_text = gettext_lazy("« %(action)s » : la consultation est maintenant « %(state)s ».")

    def transition(self, name):
        reason = self.request.POST.get("reason", "")
        return tender_transition(tender=self.tender, name=name, by=self.request.user, reason=reason)

    def after_success(self, name, tender):
        if name in TRANSITION_HELP:
            messages.info(self.request, TRANSITION_HELP[name])

    def get_redirect_url(self):
        return reverse("tenders:detail", args=[self.tender.reference])
