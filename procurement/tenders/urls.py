from django.urls import path

from procurement.tenders.views import bids, lots, tenders

app_name = "tenders"

lot = "<slug:reference>/lots/<int:number>/"

urlpatterns = [
    path("", tenders.TenderListView.as_view(), name="list"),
    path("nouvelle/", tenders.TenderCreateView.as_view(), name="create"),
    path("<slug:reference>/", tenders.TenderDetailView.as_view(), name="detail"),
    path("<slug:reference>/modifier/", tenders.TenderUpdateView.as_view(), name="update"),
    path("<slug:reference>/transition/<slug:name>/", tenders.TenderTransitionView.as_view(), name="transition"),
    path("<slug:reference>/relancer/", tenders.RelaunchView.as_view(), name="relaunch"),
    path("<slug:reference>/questions/", tenders.QuestionCreateView.as_view(), name="question-create"),
    path("<slug:reference>/questions/<int:pk>/reponse/", tenders.QuestionAnswerView.as_view(),
         name="question-answer"),
    path("<slug:reference>/report-date-limite/", tenders.PushBackDeadlineView.as_view(), name="push-back"),
    # Lots
    path("<slug:reference>/lots/nouveau/", lots.LotCreateView.as_view(), name="lot-create"),
    path(lot, lots.LotDetailView.as_view(), name="lot-detail"),
    path(f"{lot}modifier/", lots.LotUpdateView.as_view(), name="lot-update"),
    path(f"{lot}supprimer/", lots.LotDeleteView.as_view(), name="lot-delete"),
    path(f"{lot}criteres/", lots.LotCriteriaView.as_view(), name="lot-criteria"),
    path(f"{lot}decision/<slug:name>/", lots.LotTransitionView.as_view(), name="lot-transition"),
    # Bids
    path("<slug:reference>/offres/nouvelle/", bids.BidReceiveView.as_view(), name="bid-receive"),
    path("<slug:reference>/ouverture/", bids.OpeningView.as_view(), name="opening"),
    path("<slug:reference>/offres/<int:pk>/", bids.BidRecordView.as_view(), name="bid-record"),
    path("<slug:reference>/fichiers/<int:pk>/", bids.BidFileDownloadView.as_view(), name="bid-file"),
    path("<slug:reference>/registre-des-depots.xlsx", bids.BidsRegisterExportView.as_view(), name="bids-register"),
]
