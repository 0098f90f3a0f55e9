"""A password change ends every API token of the user: a token must not outlive the secret it was issued for."""

from __future__ import annotations

from django.conf import settings
from django.db.models.signals import pre_save
from django.dispatch import receiver
from rest_framework.authtoken.models import Token


@receiver(pre_save, sender=settings.AUTH_USER_MODEL)
def _tokens_die_with_the_password(sender, instance, raw=False, **kwargs):
    if raw or instance.pk is None:
        return
    previous = sender._default_manager.filter(pk=instance.pk).values_list("password", flat=True).first()
    if previous is not None and previous != instance.password:
        Token.objects.filter(user_id=instance.pk).delete()
