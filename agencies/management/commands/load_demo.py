from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from agencies.roles import Role
from portal import area_files

DEMO_AREAS = ("worcestershire", "llr", "derbyshire")


class Command(BaseCommand):
    help = "Load the three demo local areas (idempotent). Refuses to run in production."

    def handle(self, *args, **options):
        if settings.IS_PRODUCTION:
            raise CommandError("load_demo refuses to run with production settings.")
        folder = Path(settings.BASE_DIR) / "demo" / "areas"
        for slug in DEMO_AREAS:
            try:
                ctx = area_files.load(folder / f"{slug}.yaml", password=settings.DEMO_PASSWORD)
            except area_files.AreaFileError as exc:
                raise CommandError(f"{slug}.yaml: {exc}") from exc
            self.stdout.write(f"Loaded {ctx['area'].name}.")
        roles = ", ".join(r.value for r in Role)
        self.stdout.write(self.style.SUCCESS(
            "Demo sign-in: <area>.<role> with password from DEMO_PASSWORD "
            f"(default 'portal-demo').\n  areas: {', '.join(DEMO_AREAS)}\n  roles: {roles}\n"
            "  e.g. derbyshire.commissioner, worcestershire.approver, llr.parent-carer"))
