"""推广应用 over HTTP: products promoted province-wide from benchmark cases, and a product's adoption across the
regions (how many agreements procured it where)."""

from __future__ import annotations

from django.db.models import Count, F
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, permissions, serializers, viewsets
from rest_framework.generics import get_object_or_404
from rest_framework.response import Response
from rest_framework.views import APIView

from common.api import StrictSerializer, actor, errors
from common.policy import restrict
from common.uploads import CheckedMultiPartParser
from marketplace.models import Product

from .. import services
from ..models import Agreement, ProductPromotion, Scenario
from .serializers import AttachmentSerializer, UploadSerializer


class PromotionSerializer(serializers.ModelSerializer):
    product_name = serializers.CharField(source="product.name", read_only=True)
    supplier = serializers.CharField(source="product.supplier.name", read_only=True)
    case_title = serializers.CharField(source="case.title", read_only=True)

    class Meta:
        model = ProductPromotion
        fields = ["id", "product", "product_name", "supplier", "case", "case_title", "note", "promoted_at"]
        read_only_fields = fields


class PromotionWriteSerializer(StrictSerializer):
    product = serializers.IntegerField(min_value=1)
    case = serializers.IntegerField(min_value=1)
    note = serializers.CharField(required=False, allow_blank=True, max_length=2000)


class PromotionViewSet(mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet):
    """Products promoted province-wide (public); the link office promotes a product its benchmark case proved."""

    serializer_class = PromotionSerializer
    queryset = ProductPromotion.objects.select_related("product__supplier", "case")
    ordering = ["-promoted_at", "-id"]

    @extend_schema(
        request=PromotionWriteSerializer, responses={201: PromotionSerializer, **errors(400, 401, 403, 404, 409)}
    )
    def create(self, request, *args, **kwargs):
        data = PromotionWriteSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        promotion = services.product_promote(
            product_id=data.validated_data["product"],
            case_id=data.validated_data["case"],
            note=data.validated_data.get("note", ""),
            actor_user=request.user,
        )
        return Response(PromotionSerializer(self.get_queryset().get(pk=promotion.pk)).data, status=201)


class RegionCountSerializer(serializers.Serializer):
    code = serializers.CharField()
    name = serializers.CharField()
    agreements = serializers.IntegerField()


class AdoptionSerializer(serializers.Serializer):
    product = serializers.IntegerField()
    regions = RegionCountSerializer(many=True)
    region_count = serializers.IntegerField()
    agreements = serializers.IntegerField()
    replications = serializers.IntegerField(help_text="published scenarios replicating a case the product delivered")


def product_adoption(product: Product) -> dict:
    """Where a product was procured: agreements per region (counts only; the agreements stay the parties'),
    and the replications of the cases it delivered."""
    rows = (
        Agreement.objects.filter(products=product)
        .values(code=F("scenario__region__code"), region_name=F("scenario__region__name"))
        .annotate(n=Count("pk", distinct=True))
        .order_by("-n", "code")
    )
    regions = [{"code": r["code"], "name": r["region_name"], "agreements": r["n"]} for r in rows]
    replications = Scenario.objects.filter(
        replicated_from__scenario__agreements__products=product, published_at__isnull=False
    ).distinct()
    return {
        "product": product.pk,
        "regions": regions,
        "region_count": len(regions),
        "agreements": sum(r["agreements"] for r in regions),
        "replications": replications.count(),
    }


class ProductAdoptionView(APIView):
    """A product's adoption across the province (public)."""

    @extend_schema(responses={200: AdoptionSerializer, **errors(404)})
    def get(self, request, pk: int):
        product = get_object_or_404(Product.objects.filter(is_active=True), pk=pk)
        return Response(AdoptionSerializer(product_adoption(product)).data)


class ProductAttachmentView(APIView):
    """POST a product's document (multipart `file`): its supplier (or the link office); public to read at
    /api/v1/files/product/{id}/."""

    permission_classes = [permissions.IsAuthenticated]
    parser_classes = [CheckedMultiPartParser]

    @extend_schema(
        request={"multipart/form-data": UploadSerializer},
        responses={201: AttachmentSerializer, **errors(400, 401, 403, 404, 415)},
    )
    def post(self, request, pk: int):
        get_object_or_404(restrict(Product, actor(request)), pk=pk)  # what one may not see does not exist
        data = UploadSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        attachment = services.attachment_add(
            kind="product", parent_id=pk, actor_user=request.user, upload=data.validated_data["file"]
        )
        return Response(AttachmentSerializer(attachment, context={"kind": "product"}).data, status=201)
