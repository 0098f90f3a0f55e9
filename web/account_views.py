"""An organisation's own pages, as far as this door goes today: its status, its profile, its colleagues
and its notifications (the full workspace builds on these)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from common.errors import DomainError
from common.policy import permits, restrict
from marketplace.models import MemberInvitation, Notification
from marketplace.selectors import actor_for
from marketplace.services import (
    invitation_accept,
    invitation_open,
    member_invite,
    notification_mark_read,
    organization_update,
)

from .forms import InvitationAcceptForm, InvitationForm, OrganizationProfileForm, refusal_to_form


@login_required
def my_home(request):
    actor = actor_for(request.user)
    org = actor.organization
    may_edit = org is not None and permits(actor, "change", org)
    profile_form = invite_form = None
    if may_edit:
        profile_form = OrganizationProfileForm(instance=org, prefix="profile")
        invite_form = InvitationForm(prefix="invite")
        if request.method == "POST" and "profile-description" in request.POST:
            profile_form = OrganizationProfileForm(request.POST, instance=org, prefix="profile")
            if profile_form.is_valid():
                try:
                    organization_update(
                        organization_id=org.pk,
                        actor_user=request.user,
                        **{f: profile_form.cleaned_data[f] for f in profile_form.changed_data},
                    )
                    messages.success(request, _("单位信息已保存。"))
                    return redirect("web:my-organisation")
                except DomainError as exc:
                    refusal_to_form(profile_form, exc)
        if request.method == "POST" and "invite-email" in request.POST:
            invite_form = InvitationForm(request.POST, prefix="invite")
            if invite_form.is_valid():
                try:
                    member_invite(actor_user=request.user, email=invite_form.cleaned_data["email"])
                    messages.success(
                        request, _("邀请已发送至 {email}。").format(email=invite_form.cleaned_data["email"])
                    )
                    return redirect("web:my-organisation")
                except DomainError as exc:
                    refusal_to_form(invite_form, exc)
    members = (
        list(org.members.select_related("user").filter(user__is_active=True).order_by("user__username")) if org else []
    )
    return render(
        request,
        "web/my/organisation.html",
        {
            "org": org,
            "members": members,
            "invitations": restrict(MemberInvitation, actor).filter(accepted_at__isnull=True)[:20],
            "profile_form": profile_form,
            "invite_form": invite_form,
            "is_admin": may_edit,
            "notifications": restrict(Notification, actor)[:10],
        },
    )


@login_required
def notifications(request):
    actor = actor_for(request.user)
    return render(request, "web/notifications.html", {"notifications": restrict(Notification, actor)[:200]})


@login_required
def notification_open(request, pk: int):
    """A notification's link: marked read, then the page it is about (never raw JSON)."""
    n = get_object_or_404(restrict(Notification, actor_for(request.user)), pk=pk)
    notification_mark_read(user=request.user, notification_ids=[n.pk])
    target = page_for_link(n.link)
    if not target or not url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        return redirect("web:notifications")
    return redirect(target)


@login_required
@require_POST
def notifications_read(request):
    notification_mark_read(user=request.user)
    return redirect("web:notifications")


def page_for_link(link: str) -> str:
    """Notifications stored before the pages existed link to the API; each opens the page it means (the
    tasks now write page links)."""
    import re

    rules = [
        (r"^/api/v1/scenarios/(\d+)/?$", r"/scenarios/\1/"),
        (r"^/api/v1/benchmark-cases/(\d+)/?$", r"/cases/\1/"),
        (r"^/api/v1/release-events/(\d+)/(?:meetings/)?$", r"/events/\1/"),
        (r"^/api/v1/proposals/(\d+)/?$", r"/my/proposals/\1/"),
        # Before the workspace, providers and suppliers were sent to the admin; it opens their workspace now
        # (and sends staff on to the admin).
        (r"^/admin/scenarios/scenario/(\d+)/change/$", r"/my/scenarios/\1/"),
        (r"^/admin/scenarios/proposal/(\d+)/change/$", r"/my/proposals/\1/"),
    ]
    for pattern, replacement in rules:
        if re.match(pattern, link or ""):
            return re.sub(pattern, replacement, link)
    return link or ""


def invitation(request, token: str):
    try:
        invite = invitation_open(token)
    except DomainError as exc:
        return render(request, "web/invitation.html", {"refused": str(exc)}, status=exc.status)
    form = InvitationAcceptForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            member = invitation_accept(
                token=token,
                username=form.cleaned_data["username"],
                password=form.cleaned_data["password1"],
                full_name=form.cleaned_data["full_name"],
            )
            login(request, member.user, backend="marketplace.auth.LockoutModelBackend")
            messages.success(request, _("欢迎加入{org}。").format(org=invite.organization.name))
            return redirect("web:my")
        except DomainError as exc:
            refusal_to_form(form, exc)
    return render(request, "web/invitation.html", {"invitation": invite, "form": form})
