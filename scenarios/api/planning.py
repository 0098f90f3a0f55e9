"""Serializers of the annual plan's progress (the view is an action of the plans' viewset)."""

from __future__ import annotations

from rest_framework import serializers

from common.api import QuerySerializer, StrictSerializer


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


class ZoneComponentSerializer(serializers.Serializer):
    value = serializers.FloatField()
    best = serializers.FloatField(help_text="the best region × sector's value")
    normalized = serializers.FloatField(help_text="value ÷ best, in [0, 1]")
    weight = serializers.FloatField()


class ZoneScoreSerializer(serializers.Serializer):
    region = serializers.CharField(source="region.code")
    region_name = serializers.CharField(source="region.name")
    sector = serializers.CharField(source="sector.code")
    sector_name = serializers.CharField(source="sector.name")
    score = serializers.FloatField(help_text="100 × Σ weight × normalized ÷ Σ weight")
    components = serializers.DictField(child=ZoneComponentSerializer())


class ZoneNominationSerializer(StrictSerializer):
    region = serializers.CharField(max_length=12)
    sector = serializers.CharField(max_length=64, help_text="a top-level sector code")
    name = serializers.CharField(max_length=200, required=False, allow_blank=True)
