"""Pages of this app."""
app_name = "needs"
urlpatterns = []
