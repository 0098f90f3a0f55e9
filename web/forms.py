"""The forms of the public site and the accounts pages. Each one's only effect is its service."""

from __future__ import annotations

from allauth.account.forms import SignupForm
from django import forms
from django.contrib.auth.password_validation import validate_password
from django.db import transaction
from django.utils.translation import gettext_lazy as _

from common.errors import DomainError
from marketplace.choices import SELF_REGISTERING_KINDS, OrganizationKind, Qualification
from marketplace.models import Organization, Region
from marketplace.services import ORGANIZATION_PROFILE_FIELDS, organization_check, organization_register


def refusal_to_form(form: forms.Form, exc: DomainError) -> None:
    """A service's refusal shown beside the fields it names (or above the form)."""
    placed = False
    for field, messages in (exc.fields or {}).items():
        target = field if field in form.fields else None
        for message in messages:
            form.add_error(target, str(message))
            placed = True
    if not placed:
        form.add_error(None, str(exc))


class OrganizationSignupForm(SignupForm):
    """An organisation and its first member (its administrator) in one form."""

    organization_name = forms.CharField(label=_("单位名称"), max_length=200)
    credit_code = forms.CharField(
        label=_("统一社会信用代码"),
        max_length=18,
        min_length=18,
        help_text=_("18 位，见营业执照或统一社会信用代码证书。"),
    )
    kind = forms.ChoiceField(
        label=_("单位类型"),
        choices=[(k.value, k.label) for k in SELF_REGISTERING_KINDS],
        widget=forms.RadioSelect,
    )
    region = forms.ModelChoiceField(label=_("所在市（州）"), queryset=Region.objects.all(), empty_label=_("请选择"))
    contact_name = forms.CharField(label=_("联系人"), max_length=64)
    contact_phone = forms.CharField(label=_("联系电话"), max_length=32)

    field_order = [
        "organization_name",
        "credit_code",
        "kind",
        "region",
        "contact_name",
        "contact_phone",
        "email",
        "username",
        "password1",
        "password2",
    ]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["kind"].initial = OrganizationKind.SUPPLIER
        labels = {"email": _("邮箱"), "username": _("用户名"), "password1": _("密码"), "password2": _("再次输入密码")}
        for name, label in labels.items():
            if name in self.fields:
                self.fields[name].label = label
                self.fields[name].widget.attrs.pop("placeholder", None)
        self.fields["email"].help_text = _("用于登录和接收通知，需验证。")

    def _organization(self) -> dict:
        c = self.cleaned_data
        return {
            "name": c.get("organization_name", ""),
            "credit_code": (c.get("credit_code") or "").strip().upper(),
            "kind": c.get("kind"),
            "region": c.get("region"),
            "contact_name": c.get("contact_name", ""),
            "contact_phone": c.get("contact_phone", ""),
        }

    def clean(self):
        cleaned = super().clean()
        if not self.errors:
            try:
                organization_check(**self._organization())
            except DomainError as exc:
                mapping = {"name": "organization_name"}
                exc.fields = {mapping.get(f, f): m for f, m in (exc.fields or {}).items()}
                refusal_to_form(self, exc)
        return cleaned

    def save(self, request):
        with transaction.atomic():
            user = super().save(request)
            if user is None:  # the honeypot was filled in: allauth pretends, nothing is made
                return user
            organization_register(user=user, **self._organization())
        return user


class OrganizationProfileForm(forms.ModelForm):
    qualifications = forms.MultipleChoiceField(
        label=_("资质"), choices=Qualification.choices, required=False, widget=forms.CheckboxSelectMultiple
    )

    class Meta:
        model = Organization
        fields = ["description", "website", "headcount", "contact_name", "contact_phone"]
        widgets = {"description": forms.Textarea(attrs={"rows": 4})}

    assert set(Meta.fields) <= ORGANIZATION_PROFILE_FIELDS

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.initial["qualifications"] = list(self.instance.qualifications.values_list("code", flat=True))


class InvitationForm(forms.Form):
    email = forms.EmailField(label=_("同事的邮箱"))


class InvitationAcceptForm(forms.Form):
    username = forms.RegexField(
        label=_("用户名"),
        regex=r"^[\w.@+-]{3,150}$",
        help_text=_("3–150 个字符：字母、数字和 @/./+/-/_。"),
        error_messages={"invalid": _("用户名只能包含字母、数字和 @/./+/-/_，3–150 个字符。")},
    )
    full_name = forms.CharField(label=_("姓名"), max_length=150, required=False)
    password1 = forms.CharField(label=_("密码"), widget=forms.PasswordInput)
    password2 = forms.CharField(label=_("再次输入密码"), widget=forms.PasswordInput)

    def clean(self):
        cleaned = super().clean()
        p1, p2 = cleaned.get("password1"), cleaned.get("password2")
        if p1 and p2 and p1 != p2:
            self.add_error("password2", _("两次输入的密码不一致。"))
        elif p1:
            try:
                validate_password(p1)
            except forms.ValidationError as exc:
                self.add_error("password1", exc)
        return cleaned
