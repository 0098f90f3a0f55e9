from __future__ import annotations

from django.contrib.auth import authenticate
from django.core.exceptions import PermissionDenied as AuthLocked
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, permissions, viewsets
from rest_framework.authtoken.models import Token
from rest_framework.decorators import action
from rest_framework.response import Response
from rest_framework.throttling import ScopedRateThrottle
from rest_framework.views import APIView

from common.api import actor, errors, no_content
from common.errors import DomainError
from common.policy import permits, restrict

from .. import services
from ..auth import login_locked, token_expired
from ..filtersets import ProductFilter
from ..models import Member, Notification, Organization, Product, Region, Sector
from .serializers import (
    MemberSerializer,
    NotificationSerializer,
    OrganizationSerializer,
    OrganizationUpdateSerializer,
    ProductSerializer,
    ProductWriteSerializer,
    RegionSerializer,
    SectorSerializer,
    TokenRequestSerializer,
    TokenSerializer,
    UnreadCountSerializer,
)


class TokenView(APIView):
    """Obtain (POST) or revoke (DELETE) your own API token."""

    permission_classes = [permissions.AllowAny]
    throttle_classes = [ScopedRateThrottle]
    throttle_scope = "login"

    @extend_schema(request=TokenRequestSerializer, responses={200: TokenSerializer, **errors(400, 401, 403, 429)})
    def post(self, request):
        data = TokenRequestSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        username, password = data.validated_data["username"], data.validated_data["password"]
        locked = DomainError("locked", _("登录失败次数过多，请稍后再试。"), status=403)
        if login_locked(username, request):
            raise locked
        try:
            user = authenticate(request, username=username, password=password)
        except AuthLocked as exc:
            raise locked from exc
        if user is None or not user.is_active:
            raise DomainError("invalid_credentials", _("用户名或密码不正确。"), status=401)
        token, _created = Token.objects.get_or_create(user=user)
        if token_expired(token):
            token.delete()
            token = Token.objects.create(user=user)
        return Response({"token": token.key})

    @extend_schema(request=None, responses={204: None, **errors(401)})
    def delete(self, request):
        if not request.user.is_authenticated:
            raise DomainError("not_authenticated", _("请先登录。"), status=401)
        Token.objects.filter(user=request.user).delete()
        return no_content()


class RegionViewSet(viewsets.ReadOnlyModelViewSet):
    queryset = Region.objects.all()
    serializer_class = RegionSerializer
    lookup_field = "code"
    pagination_class = None
    permission_classes = [permissions.AllowAny]


class SectorViewSet(viewsets.ReadOnlyModelViewSet):
    queryset = Sector.objects.select_related("parent")
    serializer_class = SectorSerializer
    lookup_field = "code"
    pagination_class = None
    permission_classes = [permissions.AllowAny]


class OrganizationViewSet(mixins.UpdateModelMixin, viewsets.ReadOnlyModelViewSet):
    """The market's organisations: public profiles. An organisation's administrators edit their own."""

    serializer_class = OrganizationSerializer
    filterset_fields = ["kind"]
    ordering_fields = ["name", "id"]
    ordering = ["name", "id"]
    http_method_names = ["get", "patch", "head", "options"]

    def get_queryset(self):
        return Organization.objects.select_related("region").prefetch_related("qualifications")

    @extend_schema(
        request=OrganizationUpdateSerializer, responses={200: OrganizationSerializer, **errors(400, 403, 404)}
    )
    def partial_update(self, request, *args, **kwargs):
        org = self.get_object()
        data = OrganizationUpdateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        org = services.organization_update(organization_id=org.pk, actor_user=request.user, **data.validated_data)
        return Response(OrganizationSerializer(org).data)


class MemberViewSet(viewsets.ReadOnlyModelViewSet):
    """The members of your own organisation."""

    serializer_class = MemberSerializer
    permission_classes = [permissions.IsAuthenticated]
    ordering = ["user__username"]

    def get_queryset(self):
        return restrict(Member, actor(self.request)).select_related("user")


class ProductViewSet(mixins.CreateModelMixin, mixins.UpdateModelMixin, viewsets.ReadOnlyModelViewSet):
    """AI products. Everyone reads the catalogue; a supplier maintains its own products."""

    serializer_class = ProductSerializer
    filterset_class = ProductFilter
    ordering_fields = ["name", "price_min", "created_at", "id"]
    ordering = ["name", "id"]
    http_method_names = ["get", "post", "patch", "head", "options"]

    def get_queryset(self):
        qs = Product.objects.select_related("supplier", "supplier__region").prefetch_related("capabilities", "sectors")
        return restrict(qs, actor(self.request))

    @extend_schema(request=ProductWriteSerializer, responses={201: ProductSerializer, **errors(400, 401, 403)})
    def create(self, request, *args, **kwargs):
        data = ProductWriteSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        product = services.product_create(actor_user=request.user, **data.service_kwargs())
        return Response(ProductSerializer(self._reload(product)).data, status=201)

    @extend_schema(request=ProductWriteSerializer, responses={200: ProductSerializer, **errors(400, 401, 403, 404)})
    def partial_update(self, request, *args, **kwargs):
        product = self.get_object()
        if not permits(actor(request), "change", product):
            raise DomainError("not_allowed", _("只能修改本企业的产品。"), status=403)
        data = ProductWriteSerializer(data=request.data, partial=True)
        data.is_valid(raise_exception=True)
        product = services.product_update(product_id=product.pk, actor_user=request.user, **data.service_kwargs())
        return Response(ProductSerializer(self._reload(product)).data)

    def _reload(self, product):
        return self.get_queryset().get(pk=product.pk)


class NotificationViewSet(viewsets.ReadOnlyModelViewSet):
    """Your own notifications."""

    queryset = Notification.objects.none()  # typed for the schema; get_queryset gives the user's own
    serializer_class = NotificationSerializer
    permission_classes = [permissions.IsAuthenticated]
    filterset_fields = ["kind"]
    ordering = ["-created_at", "-id"]

    def get_queryset(self):
        return restrict(Notification, actor(self.request))

    @extend_schema(request=None, responses={200: NotificationSerializer, **errors(401, 404)})
    @action(detail=True, methods=["post"])
    def read(self, request, pk=None):
        notification = self.get_object()
        services.notification_mark_read(user=request.user, notification_ids=[notification.pk])
        notification.refresh_from_db()
        return Response(NotificationSerializer(notification).data)

    @extend_schema(request=None, responses={200: UnreadCountSerializer, **errors(401)})
    @action(detail=False, methods=["post"])
    def read_all(self, request):
        services.notification_mark_read(user=request.user)
        return Response({"unread": 0})

    @extend_schema(responses={200: UnreadCountSerializer, **errors(401)})
    @action(detail=False, methods=["get"])
    def unread_count(self, request):
        return Response({"unread": self.get_queryset().filter(read_at__isnull=True).count()})
