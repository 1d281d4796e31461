"""Loading the dated fee rates of fixtures/fee_rates.json (by the migration that seeds them and
by `load_reference`), matched by level, kind and start date so that it can run again.

Only missing rows are created: a row already there is never changed, because the faculty may
have ended or corrected it since (load_reference runs at every start of the web container)."""

import json
from decimal import Decimal
from pathlib import Path

FIXTURE = Path(__file__).resolve().parent.parent / "fixtures" / "fee_rates.json"


def fee_rate_rows():
    return json.loads(FIXTURE.read_text(encoding="utf-8"))["rates"]


def load_fee_rates(model):
    """`model`: FeeRate (or its historical version in a migration). Returns the rows loaded."""
    rows = fee_rate_rows()
    for row in rows:
        model.objects.get_or_create(
            level=row["level"],
            kind=row["kind"],
            valid_from=row["valid_from"],
            defaults={
                "amount": Decimal(row["amount"]),
                "valid_until": row["valid_until"],
                "source": row["source"],
            },
        )
    return len(rows)
