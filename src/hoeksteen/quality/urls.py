from django.urls import path

from hoeksteen.quality.views import checklists, conversations, dashboard, expertise, public

app_name = "quality"

urlpatterns = [
    # Public: anyone, without signing in.
    path("regeling/", public.regulation, name="regulation"),
    # The coordinator's.
    path("kwaliteit/", dashboard.dashboard, name="dashboard"),
    path("kwaliteit/rolomschrijving/", dashboard.role_description, name="role_description"),
    path("kwaliteit/checklist/", checklists.organisation_checklist, name="organisation_checklist"),
    path("kwaliteit/deskundigheid/overzicht/", expertise.overview, name="expertise_overview"),
    path("kwaliteit/deskundigheid/norm/", expertise.norm, name="norm"),
    path(
        "kwaliteit/gesprekken/plannen/", conversations.conversations_plan, name="conversations_plan"
    ),
    path("kwaliteit/gesprekken/<int:pk>/afspraak/", conversations.action_add, name="action_add"),
    # The coordinator's and the VP's.
    path("kwaliteit/gesprekken/", conversations.conversation_list, name="conversations"),
    path("kwaliteit/gesprekken/<int:pk>/", conversations.conversation_detail, name="conversation"),
    path("kwaliteit/afspraken/<int:pk>/klaar/", conversations.action_done, name="action_done"),
    # The VP's own.
    path("kwaliteit/mijn-checklist/", checklists.vp_checklist, name="vp_checklist"),
    path("kwaliteit/deskundigheid/", expertise.my_expertise, name="expertise"),
    path("kwaliteit/deskundigheid/lvv/", expertise.lvv_registration, name="lvv"),
    path("kwaliteit/deskundigheid/<int:pk>/", expertise.training_record, name="training_record"),
    path(
        "kwaliteit/deskundigheid/<int:pk>/verwijderen/",
        expertise.training_record_remove,
        name="training_record_remove",
    ),
]
