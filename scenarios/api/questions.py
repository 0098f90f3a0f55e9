"""Clarification questions over HTTP: a supplier asks on a published scenario (`POST
/scenarios/{id}/questions/`), its provider, city staff or the link office answers (`POST
/questions/{id}/answer/`), and everyone reads the answered ones (`GET /scenarios/{id}/questions/`)."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema
from rest_framework import mixins, permissions, serializers, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from common.api import StrictSerializer, actor, errors

from .. import services
from ..models import ClarificationQuestion
from ..policies import shows_asker
from ..services.questions import ANSWER_MAX, QUESTION_MAX


class QuestionSerializer(serializers.ModelSerializer):
    """A question and its answer. `asker` is named only to the scenario's insiders and to the asker itself;
    `mine` says whether the reader's organisation asked it."""

    scenario = serializers.PrimaryKeyRelatedField(read_only=True)
    asker = serializers.SerializerMethodField()
    mine = serializers.SerializerMethodField()

    class Meta:
        model = ClarificationQuestion
        fields = ["id", "scenario", "text", "asked_at", "answer", "answered_at", "asker", "mine"]
        read_only_fields = fields

    def _actor(self):
        return actor(self.context["request"])

    def get_asker(self, question) -> str | None:
        return question.asker.name if shows_asker(self._actor(), question) else None

    def get_mine(self, question) -> bool:
        a = self._actor()
        return a.organization_id is not None and a.organization_id == question.asker_id


class QuestionTextSerializer(StrictSerializer):
    text = serializers.CharField(max_length=max(QUESTION_MAX, ANSWER_MAX), trim_whitespace=True)


class QuestionViewSet(mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Questions the reader may see (answered ones are public; the asker also sees its own)."""

    serializer_class = QuestionSerializer

    def get_queryset(self):
        from common.policy import restrict

        return restrict(ClarificationQuestion, actor(self.request)).select_related("scenario", "asker")

    @extend_schema(request=QuestionTextSerializer, responses={200: QuestionSerializer, **errors(400, 401, 403, 404)})
    @action(detail=True, methods=["post"], permission_classes=[permissions.IsAuthenticated])
    def answer(self, request, pk=None):
        """The scenario's provider, its city staff or the link office answers; the answer is published."""
        question = self.get_object()
        data = QuestionTextSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        services.question_answer(question_id=question.pk, actor_user=request.user, text=data.validated_data["text"])
        return Response(self.get_serializer(self.get_queryset().get(pk=question.pk)).data)
