from django.contrib.auth.decorators import login_required
from django.http import HttpResponse


@login_required
def my_statements(request):
    return HttpResponse("À venir")


@login_required
def faculty_home(request):
    return HttpResponse("À venir")
