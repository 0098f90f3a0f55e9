"""The workspace's forms. They check only what a browser form must (types, required fields, choices); every
rule of the market is the service's, and its refusal is shown beside the fields it names
(`refusal_to_form`)."""

from __future__ import annotations

from django import forms
from django.forms.models import fields_for_model
from django.utils.translation import gettext_lazy as _

from marketplace.models import Product, Region, Sector
from marketplace.services import capabilities_named
from matching.choices import FeedbackVerdict
from scenarios.choices import DeclineReason, MilestoneStatus, ProposalKind
from scenarios.models import Scenario
from scenarios.services.records import SCENARIO_EDITABLE_FIELDS

# What a provider writes of a scenario: the services' editable fields in the model's order (the region is
# the provider's own; only staff move a scenario).
SCENARIO_FORM_FIELDS = [f.name for f in Scenario._meta.get_fields() if f.name in SCENARIO_EDITABLE_FIELDS - {"region"}]


def _sector_choices():
    return [
        (s.pk, str(s))
        for s in Sector.objects.select_related("parent").order_by("parent__sort_order", "sort_order", "code")
        if s.parent_id
    ]


class ScenarioDraftForm(forms.Form):
    """A provider's scenario while it is a draft (or submitted and not yet reviewed)."""

    attachment = forms.FileField(label=_("附件（可选）"), required=False, help_text=_("PDF、Word、Excel 或图片"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        model_fields = fields_for_model(Scenario, fields=SCENARIO_FORM_FIELDS)
        self.fields = {**model_fields, "attachment": self.fields["attachment"]}
        self.fields["sector"] = forms.TypedChoiceField(
            label=_("所属领域"), choices=[("", "—"), *_sector_choices()], coerce=int
        )
        for name in ("purpose", "requirements"):
            self.fields[name].widget.attrs["rows"] = 5
        self.fields["expected_start"].widget = forms.DateInput(format="%Y-%m-%d", attrs={"type": "date"})

    @classmethod
    def initial_of(cls, scenario: Scenario) -> dict:
        return {name: getattr(scenario, "sector_id" if name == "sector" else name) for name in SCENARIO_FORM_FIELDS}

    def service_fields(self, changed_only: bool = False) -> dict:
        data = {k: v for k, v in self.cleaned_data.items() if k in SCENARIO_FORM_FIELDS}
        data["sector"] = Sector.objects.get(pk=data["sector"])
        if changed_only:
            data = {k: v for k, v in data.items() if k in self.changed_data}
        return data


class ProposalForm(forms.Form):
    """Interest or a proposal, in one form: products offered, price, plan, an attachment."""

    kind = forms.ChoiceField(label=_("类型"), choices=ProposalKind.choices, widget=forms.RadioSelect)
    products = forms.ModelMultipleChoiceField(
        label=_("拟提供产品"), queryset=Product.objects.none(), required=False, widget=forms.CheckboxSelectMultiple
    )
    price = forms.DecimalField(label=_("报价（万元）"), required=False, max_digits=12, decimal_places=2)
    plan = forms.CharField(label=_("实施方案"), required=False, widget=forms.Textarea(attrs={"rows": 6}))
    attachment = forms.FileField(label=_("附件（可选）"), required=False, help_text=_("PDF、Word、Excel 或图片"))

    def __init__(self, *args, products=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["products"].queryset = products if products is not None else Product.objects.none()

    def service_fields(self) -> dict:
        d = self.cleaned_data
        return {
            "kind": d["kind"],
            "product_ids": [p.pk for p in d["products"]],
            "price": d["price"],
            "plan": d["plan"],
        }


class QuestionForm(forms.Form):
    text = forms.CharField(label=_("您的问题"), widget=forms.Textarea(attrs={"rows": 3}), max_length=2000)


class AnswerForm(forms.Form):
    text = forms.CharField(label=_("答复（将公开发布，不显示提问单位）"), widget=forms.Textarea(attrs={"rows": 3}))


class DeclineForm(forms.Form):
    code = forms.ChoiceField(label=_("未采纳原因"), choices=DeclineReason.choices)
    reason = forms.CharField(
        label=_("给企业的说明"), required=False, max_length=500, widget=forms.Textarea(attrs={"rows": 3})
    )


class AgreementForm(forms.Form):
    """The agreement, prefilled from the accepted proposal."""

    signed_on = forms.DateField(label=_("签约日期"), widget=forms.DateInput(format="%Y-%m-%d", attrs={"type": "date"}))
    amount = forms.DecimalField(label=_("合同金额（万元）"), required=False, max_digits=14, decimal_places=2)
    publish_amount = forms.BooleanField(label=_("在场景页面公开合同金额"), required=False)
    summary = forms.CharField(label=_("协议要点"), required=False, widget=forms.Textarea(attrs={"rows": 4}))
    sign_now = forms.BooleanField(label=_("同时将场景标记为“已签约”"), required=False, initial=True)


class ProgressReportForm(forms.Form):
    reported_on = forms.DateField(
        label=_("报告日期"), widget=forms.DateInput(format="%Y-%m-%d", attrs={"type": "date"})
    )
    summary = forms.CharField(label=_("进展情况"), widget=forms.Textarea(attrs={"rows": 4}))
    milestone = forms.CharField(label=_("里程碑"), required=False, max_length=200)
    milestone_due = forms.DateField(
        label=_("里程碑计划完成日期"), required=False, widget=forms.DateInput(format="%Y-%m-%d", attrs={"type": "date"})
    )
    milestone_status = forms.ChoiceField(label=_("里程碑状态"), choices=MilestoneStatus.choices)
    progress_percent = forms.IntegerField(label=_("完成进度（%）"), min_value=0, max_value=100)
    cooperation_started = forms.BooleanField(label=_("已实际开展合作"), required=False)
    evidence = forms.FileField(label=_("佐证材料（可选）"), required=False)


class CheckInForm(forms.Form):
    running = forms.TypedChoiceField(
        label=_("合作是否仍在正常运行？"),
        choices=[("1", _("是，正常运行")), ("0", _("否，已停止或有问题"))],
        coerce=lambda v: v == "1",
        widget=forms.RadioSelect,
    )
    comment = forms.CharField(label=_("说明"), required=False, widget=forms.Textarea(attrs={"rows": 2}))


class ReasonForm(forms.Form):
    reason = forms.CharField(label=_("原因"), max_length=500, widget=forms.Textarea(attrs={"rows": 2}))


class FeedbackForm(forms.Form):
    product = forms.IntegerField(widget=forms.HiddenInput)
    verdict = forms.ChoiceField(choices=FeedbackVerdict.choices)


class ProductForm(forms.Form):
    name = forms.CharField(label=_("产品名称"), max_length=200)
    description = forms.CharField(label=_("产品介绍"), widget=forms.Textarea(attrs={"rows": 5}))
    maturity = forms.ChoiceField(label=_("成熟度"))
    capabilities = forms.CharField(
        label=_("能力标签"), required=False, help_text=_("多个标签用逗号或顿号分隔，如：机器视觉、缺陷检测")
    )
    sectors = forms.TypedMultipleChoiceField(
        label=_("适用领域"), required=False, coerce=int, widget=forms.SelectMultiple(attrs={"size": 8})
    )
    price_min = forms.DecimalField(label=_("参考价格下限（万元）"), required=False, max_digits=12, decimal_places=2)
    price_max = forms.DecimalField(label=_("参考价格上限（万元）"), required=False, max_digits=12, decimal_places=2)
    reference_deployments = forms.CharField(
        label=_("应用案例"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    attachment = forms.FileField(label=_("产品资料（可选）"), required=False, help_text=_("PDF、Word、Excel 或图片"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["maturity"].choices = Product._meta.get_field("maturity").choices
        self.fields["sectors"].choices = _sector_choices()

    def service_fields(self) -> dict:
        import re

        d = dict(self.cleaned_data)
        names = [n for n in re.split(r"[,，、;；\s]+", d.pop("capabilities") or "") if n]
        d["capabilities"] = capabilities_named(names)
        d["sectors"] = list(Sector.objects.filter(pk__in=d.pop("sectors")))
        d.pop("attachment", None)
        return d


class SubscriptionForm(forms.Form):
    sectors = forms.TypedMultipleChoiceField(
        label=_("关注领域"), required=False, coerce=int, widget=forms.CheckboxSelectMultiple
    )
    regions = forms.ModelMultipleChoiceField(
        label=_("关注地区"), required=False, queryset=Region.objects.none(), widget=forms.CheckboxSelectMultiple
    )
    keywords = forms.CharField(
        label=_("关键词"), required=False, max_length=300, help_text=_("多个关键词用空格或逗号分隔")
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["sectors"].choices = [
            (s.pk, s.name) for s in Sector.objects.filter(parent__isnull=True).order_by("sort_order", "code")
        ]
        self.fields["regions"].queryset = Region.objects.order_by("code")
