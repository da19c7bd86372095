"""Pages of this app."""
app_name = "budgets"
urlpatterns = []
