"""django-allauth's hooks: where people land after logging in, and the e-mails in the reader's language."""

from __future__ import annotations

from allauth.account.adapter import DefaultAccountAdapter


class AccountAdapter(DefaultAccountAdapter):
    def get_login_redirect_url(self, request):
        return "/my/"
