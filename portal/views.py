"""The home page and error pages."""
from django.contrib.auth.decorators import login_required
from django.shortcuts import render

from .home import panels_for


@login_required
def home(request):
    area = request.area
    return render(request, "home.html", {"panels": panels_for(request.user, area),
                                         "page_title": "Home"})


def _error(template, status):
    def view(request, exception=None):
        return render(request, template, status=status)
    return view


bad_request = _error("errors/400.html", 400)
permission_denied = _error("errors/403.html", 403)
page_not_found = _error("errors/404.html", 404)
server_error = _error("errors/500.html", 500)
