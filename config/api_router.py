from django.urls import path
from rest_framework.routers import DefaultRouter

from audit.api import AuditEntryViewSet
from marketplace.api.views import (
    MemberViewSet,
    NotificationViewSet,
    OrganizationViewSet,
    ProductViewSet,
    RegionViewSet,
    SectorViewSet,
    TokenView,
)
from matching.api import (
    MatchFeedbackViewSet,
    MatchRunViewSet,
    RecommendationViewSet,
    ScenarioMatchesView,
    SimilarScenariosView,
)
from scenarios.api.events import ReleaseEventViewSet
from scenarios.api.followup import FollowupBoardView, ReminderRuleViewSet, ReminderViewSet
from scenarios.api.promotion import ProductAdoptionView, ProductAttachmentView, PromotionViewSet
from scenarios.api.questions import QuestionViewSet
from scenarios.api.views import (
    AgreementViewSet,
    AnnualPlanViewSet,
    BenchmarkCaseViewSet,
    DemonstrationZoneViewSet,
    FileDownloadView,
    ProgressReportViewSet,
    ProposalViewSet,
    ScenarioViewSet,
)

router = DefaultRouter()
router.register("regions", RegionViewSet, basename="region")
router.register("sectors", SectorViewSet, basename="sector")
router.register("organizations", OrganizationViewSet, basename="organization")
router.register("members", MemberViewSet, basename="member")
router.register("products", ProductViewSet, basename="product")
router.register("notifications", NotificationViewSet, basename="notification")
router.register("scenarios", ScenarioViewSet, basename="scenario")
router.register("proposals", ProposalViewSet, basename="proposal")
router.register("questions", QuestionViewSet, basename="question")
router.register("agreements", AgreementViewSet, basename="agreement")
router.register("progress-reports", ProgressReportViewSet, basename="progress-report")
router.register("benchmark-cases", BenchmarkCaseViewSet, basename="benchmark-case")
router.register("demonstration-zones", DemonstrationZoneViewSet, basename="demonstration-zone")
router.register("release-events", ReleaseEventViewSet, basename="release-event")
router.register("annual-plans", AnnualPlanViewSet, basename="annual-plan")
router.register("promotions", PromotionViewSet, basename="promotion")
router.register("reminders", ReminderViewSet, basename="reminder")
router.register("reminder-rules", ReminderRuleViewSet, basename="reminder-rule")
router.register("recommendations", RecommendationViewSet, basename="recommendation")
router.register("match-feedback", MatchFeedbackViewSet, basename="match-feedback")
router.register("match-runs", MatchRunViewSet, basename="match-run")
router.register("audit", AuditEntryViewSet, basename="audit-entry")

app_name = "api"
urlpatterns = [
    path("auth/token/", TokenView.as_view(), name="token"),
    path("files/<str:kind>/<int:pk>/", FileDownloadView.as_view(), name="file-download"),
    path("scenarios/<int:pk>/matches/", ScenarioMatchesView.as_view(), name="scenario-matches"),
    path("scenarios/<int:pk>/similar/", SimilarScenariosView.as_view(), name="scenario-similar"),
    path("followup-board/", FollowupBoardView.as_view(), name="followup-board"),
    path("products/<int:pk>/adoption/", ProductAdoptionView.as_view(), name="product-adoption"),
    path("products/<int:pk>/attachments/", ProductAttachmentView.as_view(), name="product-attachments"),
    *router.urls,
]
