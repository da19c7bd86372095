"""Pages of this app."""
app_name = "coproduction"
urlpatterns = []
