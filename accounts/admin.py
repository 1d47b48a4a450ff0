from django.contrib import admin

from .forms import AdminSignInForm
from .models import SignInFailure

# The admin's own sign-in page is a second door: give it the same lockout.
admin.site.login_form = AdminSignInForm


@admin.register(SignInFailure)
class SignInFailureAdmin(admin.ModelAdmin):
    list_display = ("username", "ip", "at")
    search_fields = ("username", "ip")
    date_hierarchy = "at"
