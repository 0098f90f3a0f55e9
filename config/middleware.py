from django.conf import settings
from django.db import connection
from django.http import JsonResponse
from django.utils import translation
from django.utils.cache import patch_vary_headers


class HealthCheckMiddleware:
    """Answers /healthz before host validation and the HTTPS redirect, so a container's own health
    check (plain HTTP to 127.0.0.1) works with production security settings."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.path == "/healthz":
            with connection.cursor() as cursor:
                cursor.execute("SELECT 1")
            return JsonResponse({"status": "ok"})
        return self.get_response(request)


class LanguageMiddleware:
    """Chinese unless the user chose otherwise.

    Pages follow an explicit choice only (the language switch sets a cookie), so an official whose browser
    happens to be set to English still gets the Chinese workbench by default. API clients may also ask
    with Accept-Language, as machines do.
    """

    def __init__(self, get_response):
        self.get_response = get_response
        self.supported = {code for code, _name in settings.LANGUAGES}

    def __call__(self, request):
        language = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
        if language not in self.supported:
            if request.path.startswith("/api/"):
                language = translation.get_language_from_request(request)
            else:
                language = settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = translation.get_language()
        response = self.get_response(request)
        patch_vary_headers(response, ("Accept-Language", "Cookie"))
        response.headers.setdefault("Content-Language", request.LANGUAGE_CODE)
        return response


class PermissionsPolicyMiddleware:
    """The browser features no page of the platform uses are switched off for every page (and any frame)."""

    POLICY = ", ".join(
        f"{feature}=()"
        for feature in (
            "accelerometer",
            "autoplay",
            "camera",
            "display-capture",
            "geolocation",
            "gyroscope",
            "magnetometer",
            "microphone",
            "midi",
            "payment",
            "usb",
            "interest-cohort",
        )
    )

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        response.headers.setdefault("Permissions-Policy", self.POLICY)
        return response
