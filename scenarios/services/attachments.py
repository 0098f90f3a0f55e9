"""Documents attached to scenarios, proposals, agreements, progress reports, benchmark cases and products.

Who may attach follows who may change the record; who may download follows who may see it.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import Model, Q
from django.utils.translation import gettext as _

from audit.services import audit_record
from common.errors import NotFound, PermissionDenied
from common.policy import restrict
from common.uploads import check_upload
from marketplace.models import Product, ProductAttachment
from marketplace.selectors import actor_for

from ..models import (
    Agreement,
    AgreementDocument,
    BenchmarkCase,
    BenchmarkPicture,
    ProgressEvidence,
    ProgressReport,
    Proposal,
    ProposalAttachment,
    Scenario,
    ScenarioAttachment,
)
from ..policies import may_attach
from ..selectors import (
    agreement_list_for,
    benchmark_case_list_for,
    progress_report_list_for,
    proposal_list_for,
    scenario_list_for,
)


@dataclass(frozen=True)
class Kind:
    parent: type[Model]
    model: type[Model]
    field: str  # the attachment's foreign key to its parent
    visible: callable  # actor → queryset of parents the actor may see


KINDS = {
    "scenario": Kind(Scenario, ScenarioAttachment, "scenario", scenario_list_for),
    "proposal": Kind(Proposal, ProposalAttachment, "proposal", proposal_list_for),
    "agreement": Kind(Agreement, AgreementDocument, "agreement", agreement_list_for),
    "evidence": Kind(ProgressReport, ProgressEvidence, "report", progress_report_list_for),
    "picture": Kind(BenchmarkCase, BenchmarkPicture, "case", benchmark_case_list_for),
    "product": Kind(Product, ProductAttachment, "product", lambda actor: restrict(Product, actor)),
}


def attachment_add(*, kind: str, parent_id: int, actor_user, upload: UploadedFile):
    """Attach a checked document to a record the actor may change."""
    actor = actor_for(actor_user)
    spec = KINDS[kind]
    parent = spec.visible(actor).filter(pk=parent_id).first()
    if parent is None:
        raise NotFound("not_found", _("记录不存在。"))
    if not may_attach(actor, kind, parent):
        raise PermissionDenied("not_allowed", _("您无权为该记录上传文件。"))
    checked = check_upload(upload)
    with transaction.atomic():
        attachment = spec.model.objects.create(
            **{spec.field: parent},
            file=upload,
            original_name=checked.name,
            content_type=checked.content_type,
            size=checked.size,
            uploaded_by=actor_user,
        )
        audit_record(
            action=f"scenarios.{kind}.attachment_added",
            actor_user=actor_user,
            obj=parent,
            payload={"attachment": attachment.pk, "name": checked.name, "size": checked.size},
        )
        return attachment


def attachment_for_download(*, kind: str, attachment_id: int, actor_user):
    """The attachment, if the actor may see the record it belongs to; otherwise it does not exist."""
    spec = KINDS.get(kind)
    if spec is None:
        raise NotFound("not_found", _("文件不存在。"))
    visible = spec.visible(actor_for(actor_user)).values("pk")
    attachment = spec.model.objects.filter(Q(pk=attachment_id) & Q(**{f"{spec.field}__in": visible})).first()
    if attachment is None:
        raise NotFound("not_found", _("文件不存在。"))
    return attachment
