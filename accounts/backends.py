"""The authentication backend that reads the signed-in person with their doctor profile, its
faculty and the faculty's settings in the same query: the header, the menu and the doctor's
pages need them on every request (one query instead of three). The header's count of unread
notifications comes in the same query too (a subquery)."""

from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend

PROFILE = "doctor__faculty__faculty_settings"


class PasswordBackend(ModelBackend):
    """Django's e-mail and password backend; the user comes with their profile (above)."""

    def get_user(self, user_id):
        User = get_user_model()
        try:
            from notifications.services import UNREAD_AT_SIGN_IN, unread_subquery

            user = (
                User._default_manager.select_related(PROFILE)
                .annotate(**{UNREAD_AT_SIGN_IN: unread_subquery(User)})
                .get(pk=user_id)
            )
        except User.DoesNotExist:
            return None
        return user if self.user_can_authenticate(user) else None
