FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 PIP_NO_CACHE_DIR=1 \
    DJANGO_SETTINGS_MODULE=config.settings.base
WORKDIR /app

COPY pyproject.toml ./
COPY config ./config
COPY common ./common
COPY marketplace ./marketplace
COPY scenarios ./scenarios
COPY matching ./matching
COPY locale ./locale
COPY manage.py ./
RUN pip install . && useradd --create-home market && mkdir -p /app/var && chown market /app/var
# collectstatic needs a key to import the settings; the real one comes from the environment at run time.
RUN DJANGO_SECRET_KEY=build-only DJANGO_STATIC_ROOT=/app/static python manage.py collectstatic --noinput

USER market
ENV DJANGO_STATIC_ROOT=/app/static
EXPOSE 8000
CMD ["gunicorn", "config.wsgi:application", "--bind", "0.0.0.0:8000", "--workers", "3", "--access-logfile", "-"]
