from django.core.management.base import BaseCommand, CommandError

from portal import area_files


class Command(BaseCommand):
    help = "Validate and load a local area file (all or nothing; safe to re-run)."

    def add_arguments(self, parser):
        parser.add_argument("path")
        parser.add_argument("--password", help="Give new people this password (demo only).")
        parser.add_argument("--check", action="store_true",
                            help="Only validate the file: report every problem, save nothing.")

    def handle(self, *args, path, password=None, check=False, **options):
        try:
            if check:
                data = area_files.check_file(path)
            else:
                ctx = area_files.load(path, password=password)
        except area_files.AreaFileError as exc:
            lines = [f"  {where}: {message}" for where, message in exc.problems]
            raise CommandError(f"{path} was not loaded; nothing was saved:\n"
                               + "\n".join(lines)) from exc
        if check:
            self.stdout.write(self.style.SUCCESS(
                f"{path} is valid ({', '.join(data)}); nothing was saved."))
            return
        self.stdout.write(self.style.SUCCESS(
            f"Loaded {ctx['area'].name} ({ctx['area'].slug}) from {path}."))
