# Hoeksteen's production image: gunicorn (`python -m hoeksteen serve`) as a
# non-root user, with the Dutch catalogue compiled and the static files
# collected at build time. The same image runs the tick and one-off commands
# (migrate, backup, restore, verify-audit). See docs/deployment.md.
FROM python:3.11-slim-bookworm

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1

# Pango for WeasyPrint's PDFs, DejaVu so they have a font, gettext for
# compilemessages, and pg_dump/pg_restore (15, like the compose database) for
# `backup` and `restore`.
RUN apt-get update \
 && apt-get install -y --no-install-recommends \
      libpango-1.0-0 libpangoft2-1.0-0 fonts-dejavu-core gettext postgresql-client-15 \
 && rm -rf /var/lib/apt/lists/*

RUN groupadd --system --gid 10001 hoeksteen \
 && useradd --system --uid 10001 --gid hoeksteen --home-dir /app --shell /usr/sbin/nologin hoeksteen

WORKDIR /app
COPY pyproject.toml README.md ./
COPY requirements/constraints.txt requirements/constraints.txt
COPY src src

# Exactly the pinned versions, as `make install` does.
RUN python -m venv /opt/venv \
 && /opt/venv/bin/pip install --upgrade pip \
 && /opt/venv/bin/pip install -c requirements/constraints.txt -e .

ENV PATH=/opt/venv/bin:$PATH \
    HOEKSTEEN_PRODUCTION=1 \
    HOEKSTEEN_VAR_DIR=/app/var \
    HOEKSTEEN_PRIVATE_FILES=/data/private \
    HOEKSTEEN_BIND=0.0.0.0:8000 \
    HOEKSTEEN_LOG_FORMAT=json

# The settings need a secret key to load; this one exists only during the build.
RUN cd src/hoeksteen && python -m django compilemessages --verbosity 0 \
 && cd /app && DJANGO_SECRET_KEY=build-only python -m hoeksteen collectstatic --noinput --verbosity 0 \
 && mkdir -p /data/private \
 && chown hoeksteen:hoeksteen /data/private \
 && chmod 0700 /data/private

USER hoeksteen
VOLUME ["/data/private"]
EXPOSE 8000
HEALTHCHECK --interval=30s --timeout=10s --start-period=20s --retries=3 \
  CMD ["python", "-m", "hoeksteen", "healthcheck"]
CMD ["python", "-m", "hoeksteen", "serve"]
