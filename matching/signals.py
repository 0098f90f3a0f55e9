"""Keeps the segmented text of products and scenarios in step with what their owners write."""

from __future__ import annotations

from django.db.models.signals import post_delete, post_save, pre_save
from django.dispatch import receiver

from marketplace.models import Capability, Product, Sector
from scenarios.models import Scenario

from .analysis import forget_checked, get_analyzer, stored_tokens
from .models import Concept, Synonym

TEXT_FIELDS = {Product: ("name", "description"), Scenario: ("title", "purpose", "requirements")}
OWNER = {Product: "supplier", Scenario: "provider"}


def _tokens(sender, instance) -> str:
    owner = getattr(instance, OWNER[sender], None) if getattr(instance, f"{OWNER[sender]}_id", None) else None
    return stored_tokens(
        get_analyzer(), *(getattr(instance, f) for f in TEXT_FIELDS[sender]), names=[owner.name] if owner else ()
    )


@receiver(pre_save, sender=Product)
@receiver(pre_save, sender=Scenario)
def analyse_text(sender, instance, raw=False, update_fields=None, **kwargs):
    if not raw and update_fields is None:
        instance.search_tokens = _tokens(sender, instance)


@receiver(post_save, sender=Product)
@receiver(post_save, sender=Scenario)
def analyse_partial_save(sender, instance, raw=False, update_fields=None, **kwargs):
    # A save limited to some fields writes only those; the tokens follow in the same transaction.
    if not raw and update_fields is not None and set(update_fields) & set(TEXT_FIELDS[sender]):
        instance.search_tokens = _tokens(sender, instance)
        sender.objects.filter(pk=instance.pk).update(search_tokens=instance.search_tokens)


@receiver(post_save, sender=Synonym)
@receiver(post_delete, sender=Synonym)
@receiver(post_save, sender=Concept)
@receiver(post_delete, sender=Concept)
@receiver(post_save, sender=Sector)
@receiver(post_save, sender=Capability)
def dictionary_changed(sender, **kwargs):
    forget_checked()
