"""`python manage.py generate_scale --areas 153 --seed N`: a reproducible synthetic nation.

See `portal/scale/nation.py`. Scale it down with `--scale 0.01` (every count but the areas)
or the counts themselves (`--intentions`, `--spend-lines`, `--observations`). Refuses a
database with real local areas in it, and production settings.
"""
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from portal.scale import nation


class Command(BaseCommand):
    help = "Build a reproducible synthetic nation (refuses a database with real areas)."

    def add_arguments(self, parser):
        parser.add_argument("--areas", type=int, default=153)
        parser.add_argument("--seed", type=int, default=1)
        parser.add_argument("--scale", type=float, default=1.0,
                            help="Multiply the default counts (but the areas), e.g. 0.01.")
        parser.add_argument("--intentions", type=int)
        parser.add_argument("--spend-lines", type=int)
        parser.add_argument("--observations", type=int)
        parser.add_argument("--largest-area", type=int,
                            help="Intentions in the first area (the rest share the others).")
        parser.add_argument("--password",
                            help="Every generated person's password (default: unusable).")

    def handle(self, *args, **options):
        if settings.IS_PRODUCTION:
            raise CommandError("generate_scale refuses to run with production settings.")
        for name in ("areas", "intentions", "spend_lines", "observations", "largest_area"):
            if options[name] is not None and options[name] < (1 if name == "areas" else 0):
                raise CommandError(f"--{name.replace('_', '-')} must be a positive number.")
        if options["scale"] <= 0:
            raise CommandError("--scale must be more than 0.")
        plan = nation.Plan.scaled(
            options["scale"], areas=options["areas"], seed=options["seed"],
            intentions=options["intentions"], spend_lines=options["spend_lines"],
            observations=options["observations"], largest_area=options["largest_area"],
            password=options["password"])
        self.stdout.write(f"Generating {plan.areas} areas, {plan.intentions:,} intentions, "
                          f"{plan.spend_lines:,} spend lines, {plan.observations:,} "
                          f"observations (seed {plan.seed})")
        try:
            result = nation.generate(plan, out=self.stdout.write)
        except nation.NationError as exc:
            raise CommandError(str(exc)) from exc
        for name, count in sorted(result.counts.items()):
            self.stdout.write(f"  {name}: {count:,}")
        self.stdout.write(f"  first intention {result.first_code}, last {result.last_code}")
        self.stdout.write(self.style.SUCCESS(f"Generated in {result.seconds:.1f} s"))
