from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from common.api import MoneyField, StrictBooleanField, StrictCharField, StrictSerializer

from ..choices import Maturity
from ..models import Member, Notification, Organization, Product, Region, Sector
from ..services import capabilities_named


class RegionSerializer(serializers.ModelSerializer):
    class Meta:
        model = Region
        fields = ["code", "name", "province_code", "province_name"]


class SectorSerializer(serializers.ModelSerializer):
    parent = serializers.CharField(source="parent.code", default=None, read_only=True, allow_null=True)

    class Meta:
        model = Sector
        fields = ["code", "name", "parent", "is_key_sector"]


class OrganizationSerializer(serializers.ModelSerializer):
    region = serializers.CharField(source="region.code", default=None, read_only=True, allow_null=True)
    website = serializers.CharField(read_only=True)  # may be empty: no URI format promised
    qualifications = serializers.SerializerMethodField()

    class Meta:
        model = Organization
        fields = [
            "id",
            "key",
            "name",
            "credit_code",
            "kind",
            "region",
            "qualifications",
            "description",
            "headcount",
            "website",
        ]
        read_only_fields = fields

    def get_qualifications(self, obj) -> list[str]:
        return sorted(q.code for q in obj.qualifications.all())


class OrganizationUpdateSerializer(StrictSerializer):
    description = serializers.CharField(required=False, allow_blank=True, max_length=5000)
    headcount = serializers.IntegerField(required=False, allow_null=True, min_value=0, max_value=10_000_000)
    website = serializers.URLField(required=False, allow_blank=True, max_length=200)


class MemberSerializer(serializers.ModelSerializer):
    username = serializers.CharField(source="user.username", read_only=True)
    full_name = serializers.CharField(source="user.first_name", read_only=True)
    email = serializers.CharField(source="user.email", read_only=True)

    class Meta:
        model = Member
        fields = ["id", "username", "full_name", "email", "role", "title", "phone"]
        read_only_fields = fields


class SupplierBriefSerializer(serializers.ModelSerializer):
    region = serializers.CharField(source="region.code", default=None, read_only=True, allow_null=True)

    class Meta:
        model = Organization
        fields = ["id", "key", "name", "region"]
        read_only_fields = fields


class ProductSerializer(serializers.ModelSerializer):
    supplier = SupplierBriefSerializer(read_only=True)
    capabilities = serializers.SlugRelatedField(slug_field="name", many=True, read_only=True)
    sectors = serializers.SlugRelatedField(slug_field="code", many=True, read_only=True)

    class Meta:
        model = Product
        fields = [
            "id",
            "key",
            "supplier",
            "name",
            "description",
            "capabilities",
            "sectors",
            "maturity",
            "price_min",
            "price_max",
            "reference_deployments",
            "first_of_kind_equipment",
            "first_of_kind_material",
            "first_of_kind_software",
            "is_active",
            "created_at",
            "updated_at",
        ]
        read_only_fields = fields


class ProductWriteSerializer(StrictSerializer):
    name = serializers.CharField(max_length=200)
    description = serializers.CharField(max_length=20_000)
    capabilities = serializers.ListField(child=StrictCharField(max_length=64), required=False, max_length=50)
    sectors = serializers.SlugRelatedField(slug_field="code", queryset=Sector.objects.all(), many=True, required=False)
    maturity = serializers.ChoiceField(choices=Maturity.choices)
    price_min = MoneyField(required=False, allow_null=True)
    price_max = MoneyField(required=False, allow_null=True)
    reference_deployments = serializers.CharField(required=False, allow_blank=True, max_length=20_000)
    first_of_kind_equipment = StrictBooleanField(required=False)
    first_of_kind_material = StrictBooleanField(required=False)
    first_of_kind_software = StrictBooleanField(required=False)
    is_active = StrictBooleanField(required=False)

    def validate(self, data):
        low, high = data.get("price_min"), data.get("price_max")
        if low is not None and high is not None and low > high:
            raise serializers.ValidationError({"price_min": [_("最低价格不能高于最高价格。")]})
        return data

    def service_kwargs(self) -> dict:
        data = dict(self.validated_data)
        if "capabilities" in data:
            data["capabilities"] = capabilities_named(data["capabilities"])
        return data


class NotificationSerializer(serializers.ModelSerializer):
    class Meta:
        model = Notification
        fields = ["id", "kind", "title", "body", "link", "created_at", "read_at"]
        read_only_fields = fields


class TokenRequestSerializer(StrictSerializer):
    username = serializers.CharField(max_length=150)
    password = serializers.CharField(max_length=256, trim_whitespace=False)


class TokenSerializer(serializers.Serializer):
    token = serializers.CharField()


class UnreadCountSerializer(serializers.Serializer):
    unread = serializers.IntegerField()
