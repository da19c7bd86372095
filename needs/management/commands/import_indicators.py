"""`python manage.py import_indicators FILE [--dry-run]`: the page's import, from a shell.

Same engine, same rules: all or nothing, line-numbered errors, nothing saved on error.
Exits with status 1 when the file has problems.
"""
import sys
import time

from django.core.management.base import BaseCommand, CommandError

from needs import services


class Command(BaseCommand):
    help = "Import indicator observations from a long-format CSV or an OHID Fingertips export."

    def add_arguments(self, parser):
        parser.add_argument("file", help="Path of the CSV file (UTF-8)")
        parser.add_argument("--dry-run", action="store_true",
                            help="Check the file and count changes; save nothing")

    def handle(self, *args, file, dry_run, **options):
        started = time.monotonic()
        last = [0.0]

        def progress(rows, phase):
            now = time.monotonic()
            if now - last[0] >= 2 or phase != "checking":
                last[0] = now
                self.stderr.write(f"  {rows:,} rows {phase}…")

        try:
            handle = open(file, "rb")  # noqa: SIM115 — closed below, even on error
        except OSError as exc:
            raise CommandError(f"Cannot open {file}: {exc.strerror}") from exc
        with handle:
            # The command line is a platform import: published data for any geography.
            result = services.observations_import(actor=None, local_area=None, upload=handle,
                                                  dry_run=dry_run, on_progress=progress,
                                                  filename=file, platform=True)
        if not result.ok:
            self.stdout.write(f"{result.error_count} problem(s); nothing was saved:")
            for error in result.as_dict()["errors"]:
                self.stdout.write(f"  line {error['line']}: {error['message']}")
            if result.error_count > len(result.errors):
                self.stdout.write(f"  … and {result.error_count - len(result.errors)} more")
            sys.exit(1)
        verb = "Checked (dry run, nothing saved)" if dry_run else "Imported"
        self.stdout.write(
            f"{verb}: {result.rows:,} rows ({result.layout} format) — {result.new:,} new, "
            f"{result.changed:,} changed, {result.unchanged:,} unchanged"
            + (f", {result.skipped:,} breakdown rows left out" if result.skipped else "")
            + f" in {time.monotonic() - started:.1f} s.")
