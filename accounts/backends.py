"""The authentication backend that reads the signed-in person with their doctor profile, its
faculty and the faculty's settings in the same query: the header, the menu and the doctor's
pages need them on every request (one query instead of three)."""

from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend

PROFILE = "doctor__faculty__faculty_settings"


class PasswordBackend(ModelBackend):
    """Django's e-mail and password backend; the user comes with their profile (above)."""

    def get_user(self, user_id):
        User = get_user_model()
        try:
            user = User._default_manager.select_related(PROFILE).get(pk=user_id)
        except User.DoesNotExist:
            return None
        return user if self.user_can_authenticate(user) else None
