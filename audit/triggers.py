"""The database refuses to change or delete an audit line (PostgreSQL, django-pgtrigger).

The models refuse `save()` twice and `delete()`, but a queryset's `update()`/`delete()`, raw SQL
or the admin's bulk actions go around them; the trigger does not. One change is let through:
the actor set to NULL, which is what deleting a person's account does (`on_delete=SET_NULL`):
the line stays, anonymised. SQLite (the embedded default) keeps only the model-level refusal;
pgtrigger installs nothing there.
"""

import pgtrigger


def immutable(prefix, fields, actor="actor"):
    """Triggers refusing DELETE and any UPDATE other than `actor` becoming NULL."""
    changed = pgtrigger.Q(**{f"old__{actor}__df": pgtrigger.F(f"new__{actor}")}) & pgtrigger.Q(
        **{f"new__{actor}__isnull": False}
    )
    for field in fields:
        changed |= pgtrigger.Q(**{f"old__{field}__df": pgtrigger.F(f"new__{field}")})
    return [
        pgtrigger.Protect(name=f"{prefix}_no_delete", operation=pgtrigger.Delete),
        pgtrigger.Protect(
            name=f"{prefix}_no_update", operation=pgtrigger.Update, condition=changed
        ),
    ]
