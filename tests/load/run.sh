#!/usr/bin/env bash
# make load: gunicorn (3 workers, production settings) on the bench database, 50 users for
# 60 s, then the figures: requests, failures, p50/p95/p99 per page. Stops everything itself.
set -euo pipefail
cd "$(dirname "$0")/../.."
PORT="${LOAD_PORT:-8150}"
export DATABASE_URL="${BENCH_DATABASE_URL:-postgres://postgres@127.0.0.1:5432/msu_bench}"
# Plain HTTP on the loopback: no HTTPS redirect, and the session cookie must come back over
# http (a Secure cookie set when a session is refreshed would be dropped by the client).
export DJANGO_DEBUG=0 DJANGO_ALLOWED_HOSTS=127.0.0.1 DJANGO_SECURE_SSL_REDIRECT=0 SESSION_COOKIE_SECURE=0
export DJANGO_SECRET_KEY="${DJANGO_SECRET_KEY:-$(python3 -c 'import secrets; print(secrets.token_urlsafe(50))')}"
export LOAD_SESSIONS="$(mktemp)"
uv run --frozen python -m tests.load.sessions > "$LOAD_SESSIONS"
uv run --frozen python manage.py collectstatic --noinput -v0
uv run --frozen gunicorn msu_portal.wsgi --bind "127.0.0.1:$PORT" --workers 3 --log-level warning &
GUNICORN=$!
trap 'kill $GUNICORN 2>/dev/null; rm -f "$LOAD_SESSIONS"' EXIT
for _ in $(seq 1 30); do curl -sf -o /dev/null "http://127.0.0.1:$PORT/compte/connexion/" && break; sleep 1; done
uv run --frozen locust -f tests/load/locustfile.py --headless -u 50 -r 10 -t "${LOAD_TIME:-60s}" \
  --host "http://127.0.0.1:$PORT" --only-summary --stop-timeout 5
