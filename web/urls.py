from django.urls import path

from . import account_views, opendata, views, workspace

app_name = "web"

urlpatterns = [
    path("", views.home, name="home"),
    path("scenarios/", views.scenario_list, name="scenarios"),
    path("scenarios/<int:pk>/", views.scenario_detail, name="scenario"),
    path("events/", views.event_list, name="events"),
    path("events/<int:pk>/", views.event_detail, name="event"),
    path("events/<int:pk>/booklet/", views.event_booklet, name="event-booklet"),
    path("events/<int:pk>/booklet.xlsx", views.event_booklet_xlsx, name="event-booklet-xlsx"),
    path("cases/", views.case_list, name="cases"),
    path("cases/<int:pk>/", views.case_detail, name="case"),
    path("zones/", views.zones, name="zones"),
    path("open-data/", opendata.index, name="open-data"),
    path("open-data/<slug:name>.<str:fmt>", opendata.download, name="open-data-file"),
    path("open-data/ocds/releases.json", opendata.ocds_all, name="ocds-all"),
    path("open-data/ocds/<int:pk>.json", opendata.ocds_scenario, name="ocds-scenario"),
    path("my/", workspace.home, name="my"),
    path("my/organisation/", account_views.my_home, name="my-organisation"),
    path("my/members/<int:pk>/", workspace.member_manage, name="my-member"),
    path("my/scenarios/new/", workspace.scenario_edit, name="my-scenario-new"),
    path("my/scenarios/<int:pk>/", workspace.scenario, name="my-scenario"),
    path("my/scenarios/<int:pk>/edit/", workspace.scenario_edit, name="my-scenario-edit"),
    path("my/proposals/<int:pk>/", workspace.proposal, name="my-proposal"),
    path("my/products/", workspace.products, name="my-products"),
    path("my/products/new/", workspace.product_edit, name="my-product-new"),
    path("my/products/<int:pk>/", workspace.product_edit, name="my-product"),
    path("my/subscription/", workspace.subscription, name="my-subscription"),
    path("my/notifications/", account_views.notifications, name="notifications"),
    path("my/notifications/read/", account_views.notifications_read, name="notifications-read"),
    path("my/notifications/<int:pk>/", account_views.notification_open, name="notification"),
    path("accounts/invitation/<str:token>/", account_views.invitation, name="invitation"),
]
