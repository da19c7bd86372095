"""Pages of this app."""
app_name = "contracts"
urlpatterns = []
