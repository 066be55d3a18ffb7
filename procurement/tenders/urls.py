from django.urls import path

from procurement.tenders.views import bids, cao, cao_decisions, evaluation, evaluation_buyer, lot_editors, lots, tenders
from procurement.tenders.views import documents as document_views

app_name = "tenders"

lot = "<slug:reference>/lots/<int:number>/"

urlpatterns = [
    path("", tenders.TenderListView.as_view(), name="list"),
    path("nouvelle/", tenders.TenderCreateView.as_view(), name="create"),
    # The list's filter's suggestions (JSON; before ``<slug:reference>/``)
    path("suggestions/programmes/", tenders.ProgrammeSuggestionsView.as_view(), name="programme-suggestions"),
    path("cao/<int:pk>/proces-verbal.docx", cao.CaoMinutesView.as_view(), name="cao-minutes"),
    # The CAO (before ``<slug:reference>/``, which would take « cao » for a tender's reference)
    path("cao/", cao.CaoIndexView.as_view(), name="cao"),
    path("cao/acheteur/<int:authority>/", cao.CaoMeetingListView.as_view(), name="cao-meetings"),
    path("cao/acheteur/<int:authority>/membres/", cao.CaoMembersView.as_view(), name="cao-members"),
    path("cao/acheteur/<int:authority>/membres/<int:member>/fin-de-mandat/", cao.CaoMemberEndView.as_view(),
         name="cao-member-end"),
    path("cao/acheteur/<int:authority>/reunions/nouvelle/", cao.CaoMeetingCreateView.as_view(),
         name="cao-meeting-create"),
    path("cao/reunions/<int:pk>/", cao.CaoMeetingDetailView.as_view(), name="cao-meeting"),
    path("cao/reunions/<int:pk>/decision/<slug:reference>/lot-<int:number>/", cao_decisions.CaoDecisionView.as_view(),
         name="cao-decision"),
    path("cao/reunions/<int:pk>/avis/", cao_decisions.CaoOpinionView.as_view(), name="cao-opinion"),
    path("<slug:reference>/", tenders.TenderDetailView.as_view(), name="detail"),
    path("<slug:reference>/modifier/", tenders.TenderUpdateView.as_view(), name="update"),
    path("<slug:reference>/transition/<slug:name>/", tenders.TenderTransitionView.as_view(), name="transition"),
    path("<slug:reference>/relancer/", tenders.RelaunchView.as_view(), name="relaunch"),
    path("<slug:reference>/questions/", tenders.QuestionCreateView.as_view(), name="question-create"),
    path("<slug:reference>/questions/<int:pk>/reponse/", tenders.QuestionAnswerView.as_view(),
         name="question-answer"),
    path("<slug:reference>/report-date-limite/", tenders.PushBackDeadlineView.as_view(), name="push-back"),
    path("<slug:reference>/questions-reponses.docx", tenders.QuestionsAnswersDocumentView.as_view(),
         name="questions-answers"),
    # Lots
    path("<slug:reference>/lots/nouveau/", lots.LotCreateView.as_view(), name="lot-create"),
    path(lot, lots.LotDetailView.as_view(), name="lot-detail"),
    path(f"{lot}modifier/", lots.LotUpdateView.as_view(), name="lot-update"),
    path(f"{lot}supprimer/", lots.LotDeleteView.as_view(), name="lot-delete"),
    path(f"{lot}criteres/", lot_editors.LotCriteriaView.as_view(), name="lot-criteria"),
    path(f"{lot}simuler-les-notes-de-prix/", lot_editors.LotPriceSimulationView.as_view(), name="lot-price-simulation"),
    path(f"{lot}bordereau-des-prix/", lot_editors.LotPriceLinesView.as_view(), name="lot-prices"),
    path("<slug:reference>/modele-bordereau-des-prix.xlsx", lot_editors.PriceLinesModelView.as_view(),
         name="price-lines-model"),
    path(f"{lot}decision/<slug:name>/", lots.LotTransitionView.as_view(), name="lot-transition"),
    path(f"{lot}ouverture/", bids.LotOpeningGridView.as_view(), name="lot-opening"),
    # Bids
    path("<slug:reference>/offres/nouvelle/", bids.BidReceiveView.as_view(), name="bid-receive"),
    path("<slug:reference>/ouverture/", bids.OpeningView.as_view(), name="opening"),
    path("<slug:reference>/offres/<int:pk>/", bids.BidRecordView.as_view(), name="bid-record"),
    path("<slug:reference>/fichiers/<int:pk>/", bids.BidFileDownloadView.as_view(), name="bid-file"),
    path("<slug:reference>/registre-des-depots.xlsx", bids.BidsRegisterExportView.as_view(), name="bids-register"),
]

# Documents: the DCE, the letters and the rapport de présentation.
urlpatterns += [
    path("<slug:reference>/avis-eforms-<slug:notice>.xml", document_views.EformsNoticeView.as_view(),
         name="eforms-notice"),
    path("<slug:reference>/dce/generer/", document_views.DceGenerateView.as_view(), name="dce-generate"),
    path("<slug:reference>/dce/v<int:version>.zip", document_views.DceArchiveView.as_view(), name="dce-archive"),
    path("<slug:reference>/dce/pieces/<int:pk>/", document_views.DceFileView.as_view(), name="dce-file"),
    path(f"{lot}courriers/generer/", document_views.LettersGenerateView.as_view(), name="letters-generate"),
    path(f"{lot}rapport/generer/", document_views.RapportGenerateView.as_view(), name="rapport-generate"),
    path(f"{lot}courriers/<int:pk>/", document_views.LetterFileView.as_view(), name="letter-file"),
]

# Evaluation: committee, declarations, blind scoring, consolidation, abnormally low bids.
evaluation_lot = f"{lot}evaluation/"
# « mes-evaluations/ » goes first: ``<slug:reference>/`` would take it for a tender's reference.
urlpatterns.insert(0, path("mes-evaluations/", evaluation.MyEvaluationsView.as_view(), name="my-evaluations"))
urlpatterns += [
    path("<slug:reference>/commission/", evaluation_buyer.CommitteeView.as_view(), name="committee"),
    path(evaluation_lot, evaluation.EvaluationHomeView.as_view(), name="evaluation"),
    path(f"{evaluation_lot}declaration/", evaluation.DeclarationView.as_view(), name="evaluation-declare"),
    path(f"{evaluation_lot}mes-notes/", evaluation.ScoresView.as_view(), name="evaluation-scores"),
    path(f"{evaluation_lot}cloture/", evaluation.RoundCloseView.as_view(), name="evaluation-close"),
    path(f"{evaluation_lot}classement/", evaluation.ResultsView.as_view(), name="evaluation-results"),
    path(f"{evaluation_lot}note-commission/", evaluation.CommitteeScoreView.as_view(),
         name="evaluation-committee-score"),
    path(f"{evaluation_lot}rapport-analyse.pdf", evaluation.ReportPdfView.as_view(), name="evaluation-report"),
    path(f"{evaluation_lot}anormalement-basses/<int:pk>/<slug:action>/", evaluation_buyer.OabView.as_view(),
         name="evaluation-oab"),
    path(f"{evaluation_lot}bordereaux/<int:pk>/", evaluation_buyer.PriceImportView.as_view(),
         name="evaluation-price-import"),
]
