from django.contrib import admin

from .models import Offer, Period, Placement, Student, TeamMember, Tutoring
from .records import EvaluationCriterion, Incident


class TeamMemberInline(admin.TabularInline):
    model = TeamMember
    extra = 0
    raw_id_fields = ["doctor", "site"]


@admin.register(Period)
class PeriodAdmin(admin.ModelAdmin):
    list_display = ["label", "faculty", "kind", "start", "end", "part_time"]
    list_filter = ["kind", "faculty"]


@admin.register(Offer)
class OfferAdmin(admin.ModelAdmin):
    list_display = ["label", "period", "level", "capacity"]
    list_filter = ["level", "period__faculty"]
    inlines = [TeamMemberInline]


@admin.register(Student)
class StudentAdmin(admin.ModelAdmin):
    list_display = ["last_name", "first_name", "student_number", "promotion", "level", "faculty"]
    search_fields = ["last_name", "student_number"]


@admin.register(Placement)
class PlacementAdmin(admin.ModelAdmin):
    list_display = ["student", "offer", "start", "end", "part_time"]
    raw_id_fields = ["student", "offer"]


@admin.register(Tutoring)
class TutoringAdmin(admin.ModelAdmin):
    list_display = ["tutor", "student", "promotion", "started_on", "ended_on"]
    raw_id_fields = ["tutor", "student"]


@admin.register(Incident)
class IncidentAdmin(admin.ModelAdmin):
    list_display = ["subject", "placement", "status", "created_at"]
    list_filter = ["status"]


@admin.register(EvaluationCriterion)
class EvaluationCriterionAdmin(admin.ModelAdmin):
    list_display = ["label", "faculty", "audience", "position", "active"]
    list_filter = ["audience", "active"]
