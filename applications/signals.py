"""Keeps the doctor's folded search name in step when the account's names change elsewhere
(the Django admin, a future account page); the profile step saves it through Doctor.save()."""

from django.conf import settings
from django.db.models.signals import post_save
from django.dispatch import receiver

from .models import Doctor
from .text import name_key


@receiver(post_save, sender=settings.AUTH_USER_MODEL)
def keep_search_name(sender, instance, update_fields=None, **kwargs):
    if update_fields is not None and not {"first_name", "last_name"} & set(update_fields):
        return  # e.g. last_login at every sign-in
    Doctor.objects.filter(user=instance).update(
        search_name=name_key(instance.first_name, instance.last_name)
    )
