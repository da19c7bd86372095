"""Pages of this app."""
app_name = "commissioning"
urlpatterns = []
