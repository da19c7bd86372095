"""Settings are split base / local / test / production (cookiecutter-django style).

`DJANGO_ENV=production` selects production where a module is not named explicitly.
"""
