"""The organisations' workspace (/my/): what a verified provider or AI company does every day, in the browser.

Every page reads through the selectors and the one access policy as the member, and every form's only effect
is a service — the same one the API calls — so a refusal reads the same here as there and is shown beside the
field it names. Staff are sent on to the back office (the admin), which is theirs.
"""

from __future__ import annotations

import datetime
from collections import defaultdict

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from common.errors import DomainError
from common.policy import permits, restrict
from marketplace.choices import MemberRole, Role
from marketplace.models import Product, Sector, Subscription
from marketplace.selectors import actor_for
from marketplace.services import (
    member_remove,
    member_set_role,
    product_create,
    product_update,
    subscription_save,
    workspace_visited,
)
from matching.choices import FeedbackVerdict
from matching.explain import explain
from matching.models import MatchFeedback
from matching.selectors import matches_for_scenario, recommendations_for, similar_scenarios
from matching.services import feedback_record
from scenarios import services
from scenarios.choices import PUBLIC_STATES, SIGNED_STATES, ProposalStatus, ScenarioState
from scenarios.followup import check_in_period
from scenarios.lifecycle import TRANSITIONS
from scenarios.models import (
    Agreement,
    CooperationCheckIn,
    DockingMeeting,
    ProgressReport,
    Proposal,
    ProposalDraft,
    Scenario,
    ScenarioInvitation,
    TransitionLog,
)
from scenarios.policies import actor_may_perform, is_insider
from scenarios.selectors import (
    check_ins_due,
    public_awards,
    questions_for,
    scenarios_with_open_questions,
    work_queue,
)

from .forms import refusal_to_form
from .workspace_forms import (
    AgreementForm,
    AnswerForm,
    CheckInForm,
    DeclineForm,
    ProductForm,
    ProgressReportForm,
    ProposalForm,
    QuestionForm,
    ReasonForm,
    ScenarioDraftForm,
    SubscriptionForm,
)

WORKING_ROLES = (Role.PROVIDER, Role.SUPPLIER)

# What a provider does next, by state, and what a scenario is waiting for.
NEXT_STEP = {
    ScenarioState.DRAFT: gettext_lazy("完善内容后提交审核"),
    ScenarioState.SUBMITTED: gettext_lazy("等待所在市（州）审核"),
    ScenarioState.APPROVED: gettext_lazy("已审核，等待在发布会上发布"),
    ScenarioState.PUBLISHED: gettext_lazy("查看推荐企业、答疑和收到的方案"),
    ScenarioState.SIGNED: gettext_lazy("填报进展，开展合作后标记“开展合作”"),
    ScenarioState.IN_COOPERATION: gettext_lazy("定期填报进展、确认合作运行"),
    ScenarioState.BENCHMARK: gettext_lazy("已认定为标杆案例"),
    ScenarioState.DEMONSTRATION: gettext_lazy("已纳入示范区"),
    ScenarioState.CLOSED: gettext_lazy("已关闭"),
}


def _working_actor(request):
    """The member as an actor, or a redirect: staff to the back office, others to their organisation page."""
    actor = actor_for(request.user)
    if actor.is_link_office or actor.is_city_staff:
        return actor, None
    if actor.role not in WORKING_ROLES:
        return actor, redirect("web:my-organisation")
    return actor, None


def _done(request, text: str, to: str):
    messages.success(request, text)
    return redirect(to)


def _refused(request, exc: DomainError) -> None:
    messages.error(request, str(exc))


# --- Home ---------------------------------------------------------------------------------------------------


@login_required
def home(request):
    actor, away = _working_actor(request)
    if away:
        return away
    if actor.is_link_office or actor.is_city_staff:
        return render(request, "web/my/home_staff.html", {"queue": work_queue(actor)})
    seen = workspace_visited(user=request.user)
    if actor.role == Role.SUPPLIER:
        return render(request, "web/my/home_supplier.html", _supplier_home(actor, seen))
    return render(request, "web/my/home_provider.html", _provider_home(actor))


def _explained(matches):
    return [(m, explain(m)) for m in matches]


def _supplier_home(actor, seen) -> dict:
    recommended = (
        recommendations_for(actor)
        .select_related("supplier", "scenario__provider", "scenario__sector__parent")
        .prefetch_related("product__sectors")[:10]
    )
    proposals = list(restrict(Proposal, actor).select_related("scenario").order_by("-submitted_at")[:100])
    by_state = defaultdict(list)
    for p in proposals:
        by_state[p.get_status_display()].append(p)
    drafts = restrict(ProposalDraft, actor).select_related("scenario")
    agreements = list(restrict(Agreement, actor).select_related("scenario").order_by("-signed_on")[:20])
    signed = [a.scenario for a in agreements if a.scenario.state in SIGNED_STATES]
    new = restrict(Scenario, actor).filter(state=ScenarioState.PUBLISHED)
    if seen is not None:
        new = new.filter(published_at__gte=timezone.localdate(seen))
    else:
        new = new.filter(published_at__gte=timezone.localdate() - datetime.timedelta(days=14))
    return {
        "recommended": _explained(recommended),
        "proposed_ids": {p.scenario_id for p in proposals if p.status != ProposalStatus.WITHDRAWN},
        "new_scenarios": list(new.select_related("region").order_by("-published_at", "-id")[:8]),
        "seen": seen,
        "proposals_by_state": dict(by_state),
        "drafts": list(drafts),
        "agreements": agreements,
        "check_ins_due": check_ins_due(actor, signed),
        "meetings": list(
            restrict(DockingMeeting, actor)
            .filter(supplier_id=actor.organization_id, starts_at__gte=timezone.now())
            .select_related("event", "scenario")
            .order_by("starts_at")[:5]
        ),
        "subscription": Subscription.objects.filter(organization_id=actor.organization_id).first(),
    }


def _returned_reasons(actor, scenarios) -> dict[int, str]:
    """Why a returned draft came back: the reason of its latest `return`."""
    ids = [s.pk for s in scenarios if s.state == ScenarioState.DRAFT]
    reasons: dict[int, str] = {}
    for log in restrict(TransitionLog, actor).filter(scenario_id__in=ids, transition="return").order_by("at"):
        reasons[log.scenario_id] = log.reason
    return reasons


def _provider_home(actor) -> dict:
    mine = list(
        restrict(Scenario, actor)
        .filter(provider_id=actor.organization_id)
        .select_related("region", "release_event")
        .order_by("-updated_at")
    )
    reasons = _returned_reasons(actor, mine)
    groups = defaultdict(list)
    for s in mine:
        groups[s.state].append((s, NEXT_STEP[s.state], reasons.get(s.pk, "")))
    ordered = [(ScenarioState(state).label, groups[state]) for state in ScenarioState.values if groups.get(state)]
    waiting = (
        restrict(Proposal, actor)
        .filter(scenario__provider_id=actor.organization_id, status=ProposalStatus.SUBMITTED)
        .count()
    )
    return {
        "groups": ordered,
        "waiting_proposals": waiting,
        "unanswered": scenarios_with_open_questions(actor, actor.organization_id),
        "check_ins_due": check_ins_due(actor, [s for s in mine if s.state in SIGNED_STATES]),
    }


# --- A scenario in the workspace -------------------------------------------------------------------------------


@login_required
def scenario(request, pk: int):
    actor, away = _working_actor(request)
    if away:
        return away
    if actor.is_link_office or actor.is_city_staff:
        return redirect("admin:scenarios_scenario_change", pk)
    s = get_object_or_404(
        restrict(Scenario, actor).select_related("provider", "region", "sector__parent", "release_event"), pk=pk
    )
    if is_insider(actor, s):
        return _provider_scenario(request, actor, s)
    if actor.role == Role.SUPPLIER:
        return _supplier_scenario(request, actor, s)
    return redirect("web:scenario", pk)


def _own_products(actor):
    return restrict(Product, actor, "change").filter(is_active=True).order_by("name")


def _supplier_scenario(request, actor, s: Scenario):
    url = reverse("web:my-scenario", args=[s.pk])
    proposal = restrict(Proposal, actor).filter(scenario=s).prefetch_related("products", "attachments").first()
    draft = restrict(ProposalDraft, actor).filter(scenario=s).first()
    products = _own_products(actor)
    question_form = QuestionForm(prefix="q")
    if proposal and proposal.status == ProposalStatus.SUBMITTED:
        initial = {
            "kind": proposal.kind,
            "products": list(proposal.products.all()),
            "price": proposal.price,
            "plan": proposal.plan,
        }
    elif draft:
        initial = {
            "kind": draft.kind,
            "products": list(products.filter(pk__in=draft.product_ids)),
            "price": draft.price,
            "plan": draft.plan,
        }
    else:
        initial = {"kind": "proposal"}
    proposal_form = ProposalForm(initial=initial, products=products, prefix="p")
    check_in_form = CheckInForm(prefix="c")
    action = request.POST.get("action") if request.method == "POST" else None
    try:
        if action == "ask":
            question_form = QuestionForm(request.POST, prefix="q")
            if question_form.is_valid():
                services.question_ask(
                    scenario_id=s.pk, actor_user=request.user, text=question_form.cleaned_data["text"]
                )
                return _done(request, _("问题已提交，答复后将在场景页面公开，并通知您。"), url + "#questions")
        elif action in ("draft", "submit", "revise"):
            proposal_form = ProposalForm(request.POST, request.FILES, products=products, prefix="p")
            if proposal_form.is_valid():
                fields = proposal_form.service_fields()
                if action == "draft":
                    services.proposal_draft_save(scenario_id=s.pk, actor_user=request.user, **fields)
                    return _done(request, _("草稿已保存，仅本单位可见。"), url + "#proposal")
                with transaction.atomic():
                    if action == "revise" and proposal is not None:
                        saved = services.proposal_revise(proposal_id=proposal.pk, actor_user=request.user, **fields)
                    else:
                        saved = services.proposal_submit(scenario_id=s.pk, actor_user=request.user, **fields)
                    upload = proposal_form.cleaned_data.get("attachment")
                    if upload:
                        services.attachment_add(
                            kind="proposal", parent_id=saved.pk, actor_user=request.user, upload=upload
                        )
                text = (
                    _("方案已修改，场景提供方会收到通知。")
                    if action == "revise"
                    else _("已提交，场景提供方会收到通知。")
                )
                return _done(request, text, url + "#proposal")
        elif action == "withdraw" and proposal is not None:
            services.proposal_withdraw(proposal_id=proposal.pk, actor_user=request.user)
            return _done(request, _("方案已撤回。"), url + "#proposal")
        elif action == "check_in":
            check_in_form = CheckInForm(request.POST, prefix="c")
            if check_in_form.is_valid():
                services.cooperation_check_in(scenario_id=s.pk, actor_user=request.user, **check_in_form.cleaned_data)
                return _done(request, _("感谢确认。"), url)
    except DomainError as exc:
        form = {"ask": question_form, "check_in": check_in_form}.get(action, proposal_form)
        refusal_to_form(form, exc)
    party = restrict(Agreement, actor).filter(scenario=s).exists()
    return render(
        request,
        "web/my/scenario_supplier.html",
        {
            "s": s,
            "proposal": proposal,
            "draft": draft,
            "proposal_form": proposal_form,
            "question_form": question_form,
            "questions": questions_for(actor, s),
            "open_for_proposals": s.state == ScenarioState.PUBLISHED,
            "may_propose": s.state == ScenarioState.PUBLISHED
            and (proposal is None or proposal.status in (ProposalStatus.SUBMITTED, ProposalStatus.WITHDRAWN)),
            "has_products": products.exists(),
            "party": party,
            "check_in_form": check_in_form if party else None,
            "check_in_period": check_in_period(s) if party and s.state in SIGNED_STATES else 0,
            "awards": public_awards([s.pk]) if s.state in PUBLIC_STATES else [],
        },
    )


def _similar(s: Scenario) -> list[Scenario]:
    return [other for other, _score in similar_scenarios(s)]


def _provider_scenario(request, actor, s: Scenario):
    url = reverse("web:my-scenario", args=[s.pk])
    action = request.POST.get("action") if request.method == "POST" else None
    forms_in_play = {}
    try:
        response = _provider_act(request, actor, s, action, url, forms_in_play)
        if response is not None:
            return response
    except DomainError as exc:
        form = forms_in_play.get("form")
        if form is not None:
            refusal_to_form(form, exc)
        else:
            _refused(request, exc)
    return render(request, "web/my/scenario_provider.html", _provider_context(request, actor, s, forms_in_play))


def _posted_id(post, name: str) -> int:
    """The id a button posts (a hidden field): a tampered one is refused in words, never a server error."""
    raw = post.get(name, "")
    if not raw.isdigit():
        raise DomainError("invalid", _("请求有误，请刷新页面后重试。"))
    return int(raw)


def _transition(request, s, name: str, url: str, **params):
    services.scenario_transition(name=name, scenario_id=s.pk, actor_user=request.user, **params)
    return _done(request, _("已{action}。").format(action=TRANSITIONS[name].label), url)


def _provider_act(request, actor, s, action, url, forms_in_play):
    """One provider action from the scenario page, through its service; None when a form must be shown
    again (with its errors in `forms_in_play`)."""
    post = request.POST
    if action in ("submit", "withdraw", "start_cooperation"):
        return _transition(request, s, action, url)
    if action == "close":
        form = forms_in_play["form"] = forms_in_play["close"] = ReasonForm(post, prefix="close")
        if form.is_valid():
            return _transition(request, s, "close", url, reason=form.cleaned_data["reason"])
        return None
    if action == "answer":
        form = forms_in_play["form"] = AnswerForm(post, prefix=f"a{post.get('question')}")
        forms_in_play["answer"] = (post.get("question"), form)
        if form.is_valid():
            services.question_answer(
                question_id=_posted_id(post, "question"), actor_user=request.user, text=form.cleaned_data["text"]
            )
            return _done(request, _("答复已公开发布，关注该场景的企业会收到通知。"), url + "#questions")
        return None
    if action == "feedback":
        feedback_record(
            actor_user=request.user,
            scenario_id=s.pk,
            product_id=_posted_id(post, "product"),
            verdict=post.get("verdict", ""),
        )
        return _done(request, _("感谢反馈，推荐会据此改进。"), url + "#matches")
    if action == "invite":
        services.scenario_invite_supplier(
            scenario_id=s.pk, supplier_id=_posted_id(post, "supplier"), actor_user=request.user
        )
        return _done(request, _("已邀请该企业提交方案。"), url + "#matches")
    if action in ("shortlist", "unshortlist"):
        services.proposal_shortlist(
            proposal_id=_posted_id(post, "proposal"), actor_user=request.user, shortlisted=action == "shortlist"
        )
        return redirect(url + "#proposals")
    if action == "decline":
        form = forms_in_play["form"] = DeclineForm(post, prefix=f"d{post.get('proposal')}")
        forms_in_play["decline"] = (post.get("proposal"), form)
        if form.is_valid():
            services.proposal_decline(
                proposal_id=_posted_id(post, "proposal"), actor_user=request.user, **form.cleaned_data
            )
            return _done(request, _("已告知该企业未采纳及原因。"), url + "#proposals")
        return None
    if action == "agreement":
        return _record_agreement(request, actor, s, url, forms_in_play)
    if action == "report":
        form = forms_in_play["form"] = forms_in_play["report"] = ProgressReportForm(post, request.FILES, prefix="r")
        if form.is_valid():
            data = dict(form.cleaned_data)
            evidence = data.pop("evidence")
            due = data.pop("milestone_due")
            if due and data.get("milestone"):
                data["milestone"] = _("{milestone}（计划 {due}）").format(milestone=data["milestone"], due=due)
            with transaction.atomic():
                report = services.progress_report_create(scenario_id=s.pk, actor_user=request.user, **data)
                if evidence:
                    services.attachment_add(
                        kind="evidence", parent_id=report.pk, actor_user=request.user, upload=evidence
                    )
            return _done(request, _("进展已填报。"), url + "#followup")
        return None
    if action == "check_in":
        form = forms_in_play["form"] = forms_in_play["check_in"] = CheckInForm(post, prefix="c")
        if form.is_valid():
            services.cooperation_check_in(scenario_id=s.pk, actor_user=request.user, **form.cleaned_data)
            return _done(request, _("感谢确认。"), url + "#followup")
        return None
    if action == "award_amount":
        services.agreement_publish_amount(
            agreement_id=_posted_id(post, "agreement"), actor_user=request.user, publish=post.get("publish") == "1"
        )
        return redirect(url + "#award")
    return None


def _record_agreement(request, actor, s, url, forms_in_play):
    """Accept a proposal: the agreement prefilled from it, and (by default) the scenario signed, together."""
    proposal = get_object_or_404(restrict(Proposal, actor).filter(scenario=s), pk=_posted_id(request.POST, "proposal"))
    form = forms_in_play["form"] = AgreementForm(request.POST, prefix=f"g{proposal.pk}")
    forms_in_play["agreement"] = (str(proposal.pk), form)
    if not form.is_valid():
        return None
    d = form.cleaned_data
    with transaction.atomic():
        services.agreement_create(
            scenario_id=s.pk,
            actor_user=request.user,
            supplier_ids=[proposal.supplier_id],
            product_ids=list(proposal.products.values_list("pk", flat=True)),
            signed_on=d["signed_on"],
            amount=d["amount"],
            summary=d["summary"],
            publish_amount=d["publish_amount"],
        )
        if d["sign_now"] and s.state == ScenarioState.PUBLISHED:
            services.scenario_sign(scenario_id=s.pk, actor_user=request.user)
    return _done(request, _("合作协议已登记。"), url + "#award")


def _provider_context(request, actor, s: Scenario, forms_in_play: dict) -> dict:
    may = {name: actor_may_perform(actor, t, s) and s.state in t.sources for name, t in TRANSITIONS.items()}
    proposals = list(
        restrict(Proposal, actor)
        .filter(scenario=s)
        .exclude(status=ProposalStatus.WITHDRAWN)
        .select_related("supplier", "supplier__region")
        .prefetch_related("products", "attachments")
        .order_by("-shortlisted", "price", "submitted_at")
    )
    today = timezone.localdate()

    def form_for(kind, key, factory):
        held = forms_in_play.get(kind)
        if held and held[0] == str(key):
            return held[1]
        return factory()

    proposal_rows = [
        (
            p,
            form_for("decline", p.pk, lambda p=p: DeclineForm(prefix=f"d{p.pk}")),
            form_for(
                "agreement",
                p.pk,
                lambda p=p: AgreementForm(
                    prefix=f"g{p.pk}",
                    initial={"signed_on": today, "amount": p.price, "summary": p.plan[:500]},
                ),
            ),
        )
        for p in proposals
    ]
    questions = list(questions_for(actor, s).select_related("asker"))
    question_rows = [
        (q, form_for("answer", q.pk, lambda q=q: AnswerForm(prefix=f"a{q.pk}", initial={"text": q.answer})))
        for q in questions
    ]
    matches = []
    feedback = {}
    if s.state == ScenarioState.PUBLISHED:
        found = (
            matches_for_scenario(actor, s.pk)
            .select_related("scenario__sector__parent")
            .prefetch_related("product__sectors")
            .order_by("rank")[:10]
        )
        matches = _explained(found)
        feedback = dict(
            restrict(MatchFeedback, actor)
            .filter(scenario=s, organization_id=actor.organization_id)
            .values_list("product_id", "verdict")
        )
    signed = s.state in SIGNED_STATES
    invited = set(restrict(ScenarioInvitation, actor).filter(scenario=s).values_list("supplier_id", flat=True))
    proposed = {p.supplier_id for p in proposals}
    return {
        "s": s,
        "next_step": NEXT_STEP[s.state],
        "returned_reason": _returned_reasons(actor, [s]).get(s.pk, ""),
        "may": may,
        "editable": permits(actor, "change", s),
        "similar": _similar(s) if s.state in (ScenarioState.DRAFT, ScenarioState.SUBMITTED) else [],
        "matches": [
            (m, e, feedback.get(m.product_id), m.supplier_id in invited, m.supplier_id in proposed) for m, e in matches
        ],
        "proposal_rows": proposal_rows,
        "question_rows": question_rows,
        "agreements": list(restrict(Agreement, actor).filter(scenario=s).prefetch_related("suppliers")),
        "reports": list(
            restrict(ProgressReport, actor).filter(scenario=s).prefetch_related("evidence").order_by("-reported_on")
        ),
        "report_form": forms_in_play.get("report") or ProgressReportForm(prefix="r", initial={"reported_on": today}),
        "check_in_form": forms_in_play.get("check_in") or CheckInForm(prefix="c"),
        "check_in_period": check_in_period(s) if signed else 0,
        "check_ins": list(restrict(CooperationCheckIn, actor).filter(scenario=s).select_related("organization")),
        "close_form": forms_in_play.get("close") or ReasonForm(prefix="close"),
        "signed": signed,
        "verdicts": FeedbackVerdict.choices,
        "awards": public_awards([s.pk]) if s.state in PUBLIC_STATES else [],
    }


@login_required
def scenario_edit(request, pk: int | None = None):
    """Create or edit a draft: the service validates, its messages show beside the fields."""
    actor, away = _working_actor(request)
    if away:
        return away
    if actor.role != Role.PROVIDER:
        raise Http404
    s = None
    if pk is not None:
        s = get_object_or_404(restrict(Scenario, actor, "change"), pk=pk)
    initial = ScenarioDraftForm.initial_of(s) if s else {"contact_name": request.user.get_full_name()}
    form = ScenarioDraftForm(request.POST or None, request.FILES or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            with transaction.atomic():
                if s is None:
                    s = services.scenario_create(actor_user=request.user, **form.service_fields())
                else:
                    services.scenario_update(scenario_id=s.pk, actor_user=request.user, **form.service_fields(True))
                upload = form.cleaned_data.get("attachment")
                if upload:
                    services.attachment_add(kind="scenario", parent_id=s.pk, actor_user=request.user, upload=upload)
                if request.POST.get("then") == "submit":
                    services.scenario_submit(scenario_id=s.pk, actor_user=request.user)
            return _done(request, _("场景已保存。"), reverse("web:my-scenario", args=[s.pk]))
        except DomainError as exc:
            if pk is None:
                s = None
            refusal_to_form(form, exc)
    return render(
        request,
        "web/my/scenario_form.html",
        {"form": form, "s": s, "similar": _similar(s) if s else []},
    )


@login_required
def proposal(request, pk: int):
    """An old link to a proposal opens its scenario in the workspace."""
    found = get_object_or_404(restrict(Proposal, actor_for(request.user)), pk=pk)
    return redirect("web:my-scenario", found.scenario_id)


# --- The organisation's catalogue and subscription ----------------------------------------------------------------


@login_required
def products(request):
    actor, away = _working_actor(request)
    if away:
        return away
    if actor.role != Role.SUPPLIER:
        raise Http404
    mine = (
        restrict(Product, actor, "change")
        .filter(supplier_id=actor.organization_id)
        .prefetch_related("capabilities", "sectors", "attachments")
        .order_by("-is_active", "name")
    )
    return render(request, "web/my/products.html", {"products": mine})


@login_required
def product_edit(request, pk: int | None = None):
    actor, away = _working_actor(request)
    if away:
        return away
    if actor.role != Role.SUPPLIER:
        raise Http404
    product = get_object_or_404(restrict(Product, actor, "change"), pk=pk) if pk else None
    initial = {}
    if product:
        initial = {
            "name": product.name,
            "description": product.description,
            "maturity": product.maturity,
            "capabilities": "、".join(c.name for c in product.capabilities.all()),
            "sectors": [x.pk for x in product.sectors.all()],
            "price_min": product.price_min,
            "price_max": product.price_max,
            "reference_deployments": product.reference_deployments,
        }
    form = ProductForm(request.POST or None, request.FILES or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            fields = form.service_fields()
            with transaction.atomic():
                if product is None:
                    product = product_create(actor_user=request.user, **fields)
                else:
                    product_update(product_id=product.pk, actor_user=request.user, **fields)
                upload = form.cleaned_data.get("attachment")
                if upload:
                    services.attachment_add(
                        kind="product", parent_id=product.pk, actor_user=request.user, upload=upload
                    )
            return _done(request, _("产品已保存，匹配结果随后更新。"), reverse("web:my-products"))
        except DomainError as exc:
            refusal_to_form(form, exc)
    attachments = list(product.attachments.all()) if product and product.pk else []
    return render(request, "web/my/product_form.html", {"form": form, "product": product, "attachments": attachments})


@login_required
def subscription(request):
    actor, away = _working_actor(request)
    if away:
        return away
    if actor.role != Role.SUPPLIER:
        raise Http404
    sub = Subscription.objects.filter(organization_id=actor.organization_id).first()
    initial = (
        {"sectors": [x.pk for x in sub.sectors.all()], "regions": list(sub.regions.all()), "keywords": sub.keywords}
        if sub
        else {}
    )
    form = SubscriptionForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        subscription_save(
            actor_user=request.user,
            sectors=list(Sector.objects.filter(pk__in=form.cleaned_data["sectors"])),
            regions=list(form.cleaned_data["regions"]),
            keywords=form.cleaned_data["keywords"],
        )
        return _done(request, _("订阅已保存：符合条件的新场景发布后，会通知您并汇入每日邮件。"), reverse("web:my"))
    return render(request, "web/my/subscription.html", {"form": form})


@login_required
@require_POST
def member_manage(request, pk: int):
    try:
        if request.POST.get("action") == "remove":
            member_remove(actor_user=request.user, member_id=pk)
            messages.success(request, _("已移除该成员，其账号已停用。"))
        else:
            role = MemberRole.ADMIN if request.POST.get("action") == "make_admin" else MemberRole.STAFF
            member_set_role(actor_user=request.user, member_id=pk, role=role)
            messages.success(request, _("成员角色已更新。"))
    except DomainError as exc:
        _refused(request, exc)
    return redirect("web:my-organisation")
