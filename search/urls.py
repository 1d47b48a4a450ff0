from django.urls import path
from django.views.generic import RedirectView

from . import views

urlpatterns = [
    path("", RedirectView.as_view(pattern_name="search"), name="home"),
    path("search/", views.search_page, name="search"),
    path("search/help/", views.query_help, name="query_help"),
    path("search/export.csv", views.export_csv, name="export_csv"),
    path("search/facet/<slug:name>/", views.facet_values, name="facet_values"),
    path("api/search", views.api_search, name="api_search"),
    path("guidelines/", views.guidelines, name="guidelines"),
    path("guidelines/<slug:key>/", views.guideline_section, name="guideline_section"),
    path("api/guidelines", views.api_guidelines, name="api_guidelines"),
    path("api/guidelines/<slug:key>", views.api_guideline_section, name="api_guideline_section"),
    path("determinations/<str:slug>/", views.determination, name="determination"),
    path("determinations/<str:slug>/original", views.original, name="original"),
]
