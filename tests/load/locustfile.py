"""Load test (make load): 10 secretaries and 40 doctors of the 100 k faculty at once, each
waiting 1 to 3 s between pages, against gunicorn as docker-compose runs it (3 workers).

Staff: the queue (first tab, other tabs, deep pages, searches) and dossier pages; doctors:
their home, their dossier, their notifications. The sessions come from tests/load/sessions.py.
"""

import itertools
import json
import os
import random

from locust import HttpUser, between, task

SESSIONS = [json.loads(line) for line in open(os.environ["LOAD_SESSIONS"]) if line.strip()]
STAFF = itertools.cycle([s for s in SESSIONS if s["role"] == "staff"])
DOCTORS = itertools.cycle([s for s in SESSIONS if s["role"] == "doctor"])
TABS = ["a-verifier", "attente-medecin", "visite", "commission", "decision", "decides"]


class Secretary(HttpUser):
    weight = 1
    wait_time = between(1, 3)

    def on_start(self):
        self.me = next(STAFF)
        self.client.cookies.set("sessionid", self.me["cookie"])

    @task(4)
    def queue(self):
        self.client.get("/dossiers/instruction/", name="file")

    @task(3)
    def tab(self):
        tab = random.choice(TABS)
        self.client.get(f"/dossiers/instruction/?onglet={tab}", name="file, onglet")

    @task(1)
    def deep_page(self):
        page = random.randint(2, 300)
        self.client.get(f"/dossiers/instruction/?onglet=decides&page={page}", name="file, page N")

    @task(2)
    def search(self):
        name = random.choice(["martin", "lefevre", "moreau", "guerin", "chevalier", "noel"])
        self.client.get(f"/dossiers/instruction/?q={name}", name="file, recherche")

    @task(3)
    def dossier(self):
        pk = random.choice(self.me["dossiers"])
        self.client.get(f"/dossiers/{pk}/", name="dossier (secrétariat)")

    @task(1)
    def inbox(self):
        self.client.get("/notifications/", name="notifications")


class Doctor(HttpUser):
    weight = 4
    wait_time = between(1, 3)

    def on_start(self):
        self.me = next(DOCTORS)
        self.client.cookies.set("sessionid", self.me["cookie"])

    @task(3)
    def home(self):
        self.client.get("/", name="accueil médecin")

    @task(3)
    def dossier(self):
        self.client.get(f"/dossiers/{self.me['dossiers'][0]}/", name="dossier (médecin)")

    @task(1)
    def inbox(self):
        self.client.get("/notifications/", name="notifications")
