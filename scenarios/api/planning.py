"""Serializers of the annual plan's progress (the view is an action of the plans' viewset)."""

from __future__ import annotations

from rest_framework import serializers

from common.api import QuerySerializer


class AsOfQuerySerializer(QuerySerializer):
    as_of = serializers.DateField(required=False, help_text="the day to stand at (default today)")


class CountSerializer(serializers.Serializer):
    code = serializers.CharField()
    name = serializers.CharField()
    count = serializers.IntegerField()


class TargetProgressSerializer(serializers.Serializer):
    metric = serializers.CharField()
    label = serializers.CharField()
    value = serializers.IntegerField(help_text="the year's target")
    actual = serializers.IntegerField(help_text="achieved by as_of")
    expected = serializers.IntegerField(help_text="where the province should stand by as_of to finish on time")
    behind = serializers.BooleanField()
    by_region = CountSerializer(many=True)
    by_sector = CountSerializer(many=True)


class PlanProgressSerializer(serializers.Serializer):
    year = serializers.IntegerField()
    as_of = serializers.DateField()
    targets = TargetProgressSerializer(many=True)
