from django.urls import path

from maqa.importers import views

app_name = "importers"

urlpatterns = [
    path("", views.import_list, name="import-list"),
    path("upload/", views.import_upload, name="import-upload"),
    path("batch/<int:pk>/", views.batch_detail, name="batch-detail"),
    path("batch/<int:pk>/step/", views.batch_step, name="batch-step"),
    path("<int:pk>/review/", views.document_review, name="document-review"),
    path("<int:pk>/skip/", views.document_skip, name="document-skip"),
]
