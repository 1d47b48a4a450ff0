from django.urls import path

from . import views

app_name = "saved"

urlpatterns = [
    path("", views.saved_list, name="list"),
    path("recent/", views.recent_list, name="recent"),
    path("recent/clear/", views.recent_clear, name="recent_clear"),
    path("unsubscribe/<str:token>/", views.unsubscribe, name="unsubscribe"),
    path("<int:pk>/", views.open_saved, name="open"),
    path("<int:pk>/rename/", views.rename, name="rename"),
    path("<int:pk>/duplicate/", views.duplicate, name="duplicate"),
    path("<int:pk>/delete/", views.delete, name="delete"),
    path("<int:pk>/alerts/", views.alerts, name="alerts"),
]
