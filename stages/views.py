from django.contrib.auth.decorators import login_required
from django.http import HttpResponse


@login_required
def admin_home(request):
    return HttpResponse("À venir")


@login_required
def mine(request):
    return HttpResponse("À venir")
