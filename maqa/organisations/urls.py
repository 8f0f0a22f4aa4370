from django.urls import path

from maqa.organisations import views

app_name = "organisations"
urlpatterns = [
    path("organisations/", views.organisation_list, name="organisation-list"),
    path("organisations/new/", views.organisation_edit, name="organisation-create"),
    path("organisations/<int:pk>/", views.organisation_edit, name="organisation-edit"),
    path("people/", views.person_list, name="person-list"),
    path("people/invite/", views.person_invite, name="person-invite"),
    path("people/<int:pk>/", views.person_detail, name="person-detail"),
    path("people/<int:pk>/deactivate/", views.person_deactivate, name="person-deactivate"),
    path("people/<int:pk>/reactivate/", views.person_reactivate, name="person-reactivate"),
    path("resources/", views.resource_list, name="resource-list"),
    path("resources/new/", views.resource_edit, name="resource-create"),
    path("resources/<int:pk>/", views.resource_edit, name="resource-edit"),
    path("audit-trail/", views.audit_trail, name="audit-trail"),
    path("partnership/", views.partnership_settings, name="partnership"),
    path("partnership/logo/", views.partnership_logo, name="partnership-logo"),
]
