import statistics
import time

from django.urls import reverse

from accounts.models import Membership
from tests.bench.dataset import ensure_faculty


def _ms(client, url, n=15):
    client.get(url)
    t = []
    for _ in range(n):
        s = time.perf_counter()
        r = client.get(url)
        t.append(time.perf_counter() - s)
    assert r.status_code == 200, (url, r.status_code)
    return statistics.median(t) * 1000


def test_base(db, client):
    faculty, upps, staff = ensure_faculty(100_000)
    print("\nlogin", _ms(client, reverse("accounts:login")))
    client.force_login(staff[Membership.Role.SECRETARIAT])
    for url in [
        "/mentions-legales/",
        reverse("notifications:inbox"),
        reverse("home"),
        reverse("applications:queue"),
    ]:
        print(url, round(_ms(client, url), 1))
