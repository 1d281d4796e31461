from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django_otp.plugins.otp_totp.admin import TOTPDeviceAdmin
from django_otp.plugins.otp_totp.models import TOTPDevice

from .models import FacultySettings, Membership, Organisation, SecurityEvent, User, UserSession


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    ordering = ["email"]
    list_display = ["email", "first_name", "last_name", "is_active", "email_confirmed_at"]
    search_fields = ["email", "first_name", "last_name"]
    list_filter = ["is_active", "is_staff", "is_superuser"]
    inlines = [MembershipInline]
    fieldsets = [
        (None, {"fields": ["email", "password"]}),
        ("Identité", {"fields": ["first_name", "last_name"]}),
        ("Statut", {"fields": ["is_active", "email_confirmed_at", "is_staff", "is_superuser"]}),
    ]
    add_fieldsets = [(None, {"classes": ["wide"], "fields": ["email", "password1", "password2"]})]


@admin.register(Organisation)
class OrganisationAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "subdivision", "parent", "ars"]
    list_filter = ["kind"]
    search_fields = ["name", "subdivision"]


admin.site.register(FacultySettings)
admin.site.register(Membership)


# The second factor in the Django admin: a superuser may delete a device (the member enrols
# again at the next sign-in) but never sees a secret. django-otp's own pages that show the
# secret as a QR code (config, qrcode) are left out.
class SecondFactorDeviceAdmin(TOTPDeviceAdmin):
    def get_urls(self):
        return admin.ModelAdmin.get_urls(self)

    def get_list_display(self, request):
        return ["user", "name", "created_at", "last_used_at", "confirmed"]

    def get_readonly_fields(self, request, obj=None):
        return ["created_at", "last_used_at"]


admin.site.unregister(TOTPDevice)
admin.site.register(TOTPDevice, SecondFactorDeviceAdmin)


@admin.register(SecurityEvent)
class SecurityEventAdmin(admin.ModelAdmin):
    list_display = ["created_at", "user", "kind", "actor", "ip_address"]
    list_filter = ["kind"]
    search_fields = ["user__email"]

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def has_add_permission(self, request):
        return False


@admin.register(UserSession)
class UserSessionAdmin(admin.ModelAdmin):
    list_display = ["user", "ip_address", "created_at", "last_seen"]
    search_fields = ["user__email"]
    readonly_fields = ["user", "session_key", "ip_address", "user_agent", "created_at", "last_seen"]
