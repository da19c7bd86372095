"""Build a reproducible synthetic nation: `python manage.py generate_scale`.

The nation: `areas` local areas (153 upper-tier areas by default, one council each with an
ONS GSS-like code, sharing 42 ICBs with ODS-like codes), about four boards per area in
hierarchies of three to five levels, 100,000 intentions with their stage gates and
partners' sign-offs, a section 75 agreement per area with 10 million spend lines, 5 million
indicator observations, contracts with KPI returns, and comments. Everything is derived
from `seed` (`random.Random(seed)`): the same seed and sizes give the same rows.

What is few goes through the apps' own services (areas and their stages, agencies, people
and memberships with their guardian groups, boards and seats, meetings and decisions with
the quorum check, agreements, schedules and the risk-share rule), so it obeys their rules
and carries its audit history. What is many is written in bulk: `Table` assigns the ids
itself and streams rows with PostgreSQL's COPY (or batched INSERTs on SQLite), built to
the same rules (valid references and codes, stages in order, a gate per stage moved with
every partner's sign-off, money as Decimal to the penny). Bulk rows carry no history rows:
nobody changed them.

Generated areas are marked by the slug prefix `gen-` (and say so in their description);
the generator refuses a database that holds any other local area.
"""
import random
import string
import time
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

from django.core.management.color import no_style
from django.db import connection, transaction
from django.db.models import Max

GEN_PREFIX = "gen-"
YEAR, QUARTER = "2025-26", 2  # the quarter whose reports the nation is built for
YEARS = ("2024-25", "2025-26")
STAGES = ("Analyse", "Plan", "Do", "Review")
ICBS = 42
PENNY = Decimal("0.01")


class NationError(Exception):
    """The database cannot take a generated nation."""


@dataclass
class Plan:
    """The nation's size; `scaled` shrinks every count but the areas by one factor."""

    areas: int = 153
    intentions: int = 100_000
    spend_lines: int = 10_000_000
    observations: int = 5_000_000
    contracts_per_area: int = 12
    seed: int = 1
    largest_area: int | None = None  # intentions in the first area (a signed-in load test)
    password: str | None = None  # every generated person's password (else unusable)

    @classmethod
    def scaled(cls, scale=1.0, **sizes):
        plan = cls()
        for name in ("intentions", "spend_lines", "observations"):
            setattr(plan, name, max(1, round(getattr(plan, name) * scale)))
        plan.contracts_per_area = max(1, round(plan.contracts_per_area * min(1.0, scale * 10)))
        for name, value in sizes.items():
            if value is not None:
                setattr(plan, name, value)
        return plan


@dataclass
class Result:
    counts: dict = field(default_factory=dict)
    first_code: str = ""
    last_code: str = ""
    seconds: float = 0.0


def check_database():
    """Refuse a database with real (not generated) areas, or a nation already in it."""
    from agencies.models import LocalArea

    real = LocalArea.objects.exclude(slug__startswith=GEN_PREFIX)
    if real.exists():
        names = ", ".join(real.order_by("name").values_list("name", flat=True)[:3])
        raise NationError(f"This database holds real local areas ({names}): generate_scale "
                          "only runs against an empty database (or one it generated).")
    if LocalArea.objects.filter(slug__startswith=GEN_PREFIX).exists():
        raise NationError("This database already holds a generated nation: use an empty "
                          "database for a new one.")


# --- bulk writing ------------------------------------------------------------------------
def _sqlite_value(value):
    if isinstance(value, datetime):
        return value.astimezone(UTC).replace(tzinfo=None).isoformat(sep=" ")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    return value


class Table:
    """Rows for one model, ids assigned here, written in batches by COPY or INSERT."""

    def __init__(self, model, fields, batch=20_000):
        self.model, self.batch = model, batch
        self.columns = ["id"] + [model._meta.get_field(f).column for f in fields]
        self.next_id = (model.objects.aggregate(m=Max("pk"))["m"] or 0) + 1
        self.rows, self.count = [], 0

    def add(self, *values) -> int:
        pk = self.next_id
        self.next_id += 1
        self.rows.append((pk, *values))
        if len(self.rows) >= self.batch:
            self.flush()
        return pk

    def flush(self):
        if not self.rows:
            return
        quote = connection.ops.quote_name
        table = quote(self.model._meta.db_table)
        columns = ", ".join(quote(c) for c in self.columns)
        with connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                with cursor.cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
                    for row in self.rows:
                        copy.write_row(row)
            else:
                marks = ", ".join(["%s"] * len(self.columns))
                cursor.executemany(f"INSERT INTO {table} ({columns}) VALUES ({marks})",  # noqa: S608 - model metadata only
                                   [tuple(_sqlite_value(v) for v in row) for row in self.rows])
        self.count += len(self.rows)
        self.rows = []


# --- names and codes ---------------------------------------------------------------------
ROOTS = ("Ash", "Bram", "Cal", "Dun", "Elm", "Fen", "Glen", "Hart", "Ives", "Kin", "Lang",
         "Mar", "Nor", "Oak", "Pen", "Rother", "Stan", "Thorn", "Wen", "Yar")
ENDINGS = ("shire", "ford", "ton", "ham", "by", "wick", "field", "bury")
REGIONS = ("North East", "North West", "Yorkshire and the Humber", "East Midlands",
           "West Midlands", "East of England", "London", "South East", "South West")
THEMES = ("Short breaks", "Speech and language therapy", "Equipment", "Transitions to "
          "adulthood", "Emotional wellbeing", "Alternative provision", "Sensory support",
          "Autism assessment", "Home to school transport", "Personal budgets")
ALNUM = string.ascii_uppercase + string.digits


def area_name(i):
    name = ROOTS[i % len(ROOTS)] + ENDINGS[i // len(ROOTS) % len(ENDINGS)]
    cycle = i // (len(ROOTS) * len(ENDINGS))
    return f"{name} {cycle + 1}" if cycle else name


def letters(i, width):
    out = ""
    for _ in range(width):
        out = string.ascii_uppercase[i % 26] + out
        i //= 26
    return out


def council_code(i):
    """ONS GSS-like: E10 county, E06 unitary, E08 metropolitan, E09 London borough."""
    return f"{('E10', 'E06', 'E08', 'E09')[i % 4]}{i + 1:06d}"


def icb_code(k):
    """NHS ODS-like: Q and two letters or digits (QAA, QAB, ...)."""
    return "Q" + ALNUM[k // len(ALNUM) % 26] + ALNUM[k % len(ALNUM)]


def money(rng, low, high) -> Decimal:
    """A whole number of pence between low and high pounds, as Decimal."""
    return (Decimal(rng.randint(int(low * 100), int(high * 100))) * PENNY).quantize(PENNY)


def aware(day, hour=10):
    return datetime(day.year, day.month, day.day, hour, tzinfo=UTC)


# --- the generator -----------------------------------------------------------------------
class Nation:
    def __init__(self, plan: Plan, out=print):
        self.plan, self.out = plan, out
        self.rng = random.Random(plan.seed)
        self.result = Result()
        self.started = time.perf_counter()

    def say(self, message):
        self.out(f"[{time.perf_counter() - self.started:7.1f} s] {message}")

    def build(self) -> Result:
        check_database()
        with transaction.atomic():
            self._tables()
            self._national()
            for i in range(self.plan.areas):
                self._area(i)
                if (i + 1) % max(1, self.plan.areas // 10) == 0 or i + 1 == self.plan.areas:
                    self.say(f"area {i + 1}/{self.plan.areas}: "
                             f"{self.t['intention'].count + len(self.t['intention'].rows):,} "
                             f"intentions, {self.t['spend'].count + len(self.t['spend'].rows):,}"
                             " spend lines")
            self._observations()
            for table in self.t.values():
                table.flush()
            self._finish()
        self.result.seconds = time.perf_counter() - self.started
        self.say(f"done in {self.result.seconds:.1f} s")
        return self.result

    # tables written in bulk
    def _tables(self):
        from commissioning.budgets.models import Spend
        from commissioning.contracts.models import KPIReturn
        from commissioning.coproduction.models import Comment
        from commissioning.models import Intention, SignOff, StageGate
        from needs.models import Observation

        partners = Intention.partner_agencies.through
        self.t = {
            "intention": Table(Intention, [
                "local_area", "reference", "title", "summary", "thematic_area", "level",
                "lead_agency", "estimated_annual_value", "value_is_sensitive",
                "current_stage", "status", "starts", "ends", "owner",
                "published_for_consultation", "created_at", "updated_at"]),
            "partner": Table(partners, ["intention", "agency"]),
            "gate": Table(StageGate, ["intention", "from_stage", "to_stage", "round", "status",
                                      "opened_by", "opened_at", "closed_at", "note"]),
            "sign_off": Table(SignOff, ["gate", "agency", "decision", "person", "reason",
                                        "decided_at"]),
            "spend": Table(Spend, ["schedule", "date", "amount", "description",
                                   "source_agency", "contract_reference", "created_at"]),
            "kpi_return": Table(KPIReturn, ["kpi", "year", "quarter", "value", "rag",
                                            "comment", "submitted_at"]),
            "comment": Table(Comment, [
                "intention", "author", "author_kind", "body", "created_at", "status",
                "show_publicly", "show_name", "personal_data_confirmed", "hidden_reason",
                "approved_at"]),
            "observation": Table(Observation, ["indicator", "geography", "period",
                                               "period_sort", "value", "numerator",
                                               "denominator", "note"]),
        }

    # published statistics: places and indicators, one national copy
    def _national(self):
        from needs.models import Geography, Indicator

        plan = self.plan
        base = 1 + len(REGIONS) + min(ICBS, plan.areas) + plan.areas
        self.periods = [(f"{2015 + p}/{(16 + p) % 100:02d}", (2015 + p) * 100 + 4)
                        for p in range(10)]
        per_place = len(self.periods) * 150
        wards = max(0, -(-plan.observations // per_place) - base)
        self.wards_per_area = -(-wards // plan.areas) if wards else 0
        places = [Geography(code="E92000001", name="England", kind="england")]
        places += [Geography(code=f"E120000{r + 1:02d}", name=name, kind="region")
                   for r, name in enumerate(REGIONS)]
        places += [Geography(code=f"E54{k + 1:06d}", name=f"NHS {ROOTS[k % 20]} ICB {k + 1}",
                             kind="icb") for k in range(min(ICBS, plan.areas))]
        places += [Geography(code=council_code(i), name=area_name(i), kind="local-authority")
                   for i in range(plan.areas)]
        Geography.objects.bulk_create(places, ignore_conflicts=True)
        ids = dict(Geography.objects.filter(code__in=[p.code for p in places])
                   .values_list("code", "pk"))
        self.geo = {"england": ids["E92000001"],
                    "regions": [ids[f"E120000{r + 1:02d}"] for r in range(len(REGIONS))],
                    "areas": [ids[council_code(i)] for i in range(plan.areas)]}
        ward_rows = [Geography(code=f"E05{i:03d}{w:04d}", name=f"{area_name(i)} ward {w + 1}",
                               kind="local-authority", parent_id=self.geo["areas"][i])
                     for i in range(plan.areas) for w in range(self.wards_per_area)]
        Geography.objects.bulk_create(ward_rows, batch_size=2000, ignore_conflicts=True)
        self.geo["all"] = sorted(Geography.objects.filter(
            code__in=[p.code for p in places + ward_rows]).values_list("pk", flat=True))
        count = max(1, min(150, -(-plan.observations // (len(self.geo["all"]) *
                                                        len(self.periods)))))
        Indicator.objects.bulk_create(
            [Indicator(code=f"gen-indicator-{n + 1:03d}", name=f"Generated indicator {n + 1}",
                       unit=("percentage", "rate-1000", "rate-100000")[n % 3],
                       polarity=("higher-better", "higher-worse", "neither")[n % 3],
                       source="Generated by generate_scale", topic=THEMES[n % len(THEMES)],
                       headline=n < 8, position=n + 1)
             for n in range(count)], ignore_conflicts=True)
        self.indicators = list(Indicator.objects.filter(code__startswith="gen-indicator-")
                               .order_by("code").values_list("pk", flat=True))
        self.say(f"{len(self.geo['all']):,} places, {len(self.indicators)} indicators")

    # one local area and everything in it
    def _area(self, i):
        from agencies import services as agencies
        from agencies.models import Stage
        from needs.models import ComparatorSet

        plan = self.plan
        name, slug, prefix = area_name(i), f"{GEN_PREFIX}{i + 1:03d}", "G" + letters(i, 2)
        area = agencies.local_area_create(
            actor=None, name=name, slug=slug, reference_prefix=prefix,
            description=f"Generated by generate_scale (seed {plan.seed}); not a real area.",
            stage_names=STAGES)
        stages = list(Stage.objects.filter(local_area=area).order_by("position"))
        k = i * min(ICBS, plan.areas) // plan.areas
        a = {
            "council": agencies.agency_create(actor=None, local_area=area, kind="council",
                                              name=f"{name} Council", code=council_code(i),
                                              short_name=f"{prefix}C", is_host=True),
            "icb": agencies.agency_create(actor=None, local_area=area, kind="icb",
                                          name=f"NHS {ROOTS[k % 20]} ICB {k + 1}",
                                          code=icb_code(k), short_name=f"ICB{k + 1}"),
            "trust": agencies.agency_create(actor=None, local_area=area, kind="nhs-trust",
                                            name=f"{name} Community Health NHS Trust",
                                            code="R" + letters(i, 2)),
            "forum": agencies.agency_create(actor=None, local_area=area,
                                            kind="parent-carer-forum",
                                            name=f"{name} Parent Carer Forum"),
        }
        people = self._people(area, slug, a)
        ComparatorSet.objects.create(
            local_area=area, geography_id=self.geo["areas"][i], england_id=self.geo["england"],
            region_id=self.geo["regions"][i % len(REGIONS)]).neighbours.set(
            [self.geo["areas"][(i + d) % plan.areas] for d in range(1, min(6, plan.areas))])
        self._boards(i, area, a, people)
        intentions = self._intentions(i, area, prefix, stages, a, people)
        self._budgets(i, area, a, people)
        self._contracts(i, area, prefix, a, intentions)

    def _people(self, area, slug, a):
        from agencies import services as agencies

        roles = [("commissioner", "council"), ("approver", "council"), ("approver", "icb"),
                 ("finance", "council"), ("pooled-fund-manager", "council"),
                 ("board-secretary", "council"), ("board-member", "icb"),
                 ("parent-carer", "forum"), ("admin", "council"), ("viewer", "icb")]
        people = {}
        for role, agency in roles:
            key = f"{role}-{agency}" if role == "approver" else role
            user = agencies.person_create(
                actor=None, username=f"{slug}.{key}", email=f"{slug}.{key}@example.org",
                first_name=role.replace("-", " ").capitalize(), last_name=area.name)
            limit = Decimal("5000000.00") if role == "approver" else Decimal("0")
            agencies.membership_create(actor=None, user=user, agency=a[agency], role=role,
                                       delegated_limit=limit)
            people[key] = user
        return people

    def _boards(self, i, area, a, people):
        """Three to five levels: the top board, then one line down to a panel, with a
        second panel under the strategic board in some areas (about 4 boards an area)."""
        from governance import services as gov

        depth = (3, 4, 3, 5)[i % 4]
        names = ["Health and Wellbeing Board", "SEND Strategic Partnership Board",
                 "Joint Commissioning Group", "Short Breaks Commissioning Panel",
                 "Equipment and Therapies Panel"][:depth]
        parent, boards = None, []
        for level, board_name in enumerate(names):
            board = gov.board_create(
                actor=None, local_area=area, name=board_name, quorum=2,
                reports_to=[parent] if parent else [],
                scope_agencies=[a["council"], a["icb"]] if level < 2 else [a["council"]],
                delegated_limit=Decimal(5_000_000 // (level + 1)).quantize(PENNY),
                short_name="".join(w[0] for w in board_name.split() if w[0].isupper()))
            boards.append(board)
            parent = board
        if i % 4 == 2:  # a second panel beside the first: a parent with two children
            boards.append(gov.board_create(actor=None, local_area=area, reports_to=[boards[1]],
                                           name="Sensory Support Panel", quorum=2,
                                           scope_agencies=[a["icb"]]))
        for board in boards:
            gov.board_member_add(actor=None, board=board, user=people["board-secretary"],
                                 agency=a["council"], role="secretary")
            gov.board_member_add(actor=None, board=board, user=people["board-member"],
                                 agency=a["icb"], role="chair")
            held = gov.meeting_create(actor=None, board=board, date=date(2025, 8, 1 + i % 28),
                                      location="Council offices")
            gov.attendance_set(actor=None, meeting=held,
                               present_member_ids=list(board.members.values_list("pk",
                                                                                  flat=True)))
            for n in range(1 + (i + len(board.name)) % 3):
                item = gov.agenda_item_add(actor=None, meeting=held,
                                           title=f"{THEMES[(i + n) % len(THEMES)]}: proposal")
                gov.decision_record(actor=None, agenda_item=item,
                                    outcome=("approved", "noted", "rejected")[n % 3],
                                    reason="The board considered the evidence and the "
                                           "partners' views.")
        self.result.counts["boards"] = self.result.counts.get("boards", 0) + len(boards)

    def _intentions(self, i, area, prefix, stages, a, people):
        plan, rng, t = self.plan, self.rng, self.t
        count = plan.intentions // plan.areas + (i < plan.intentions % plan.areas)
        if plan.largest_area is not None:
            rest = max(0, plan.intentions - plan.largest_area)
            count = plan.largest_area if i == 0 else \
                rest // max(1, plan.areas - 1) + (i - 1 < rest % max(1, plan.areas - 1))
        owner, carer = people["commissioner"].pk, people["parent-carer"].pk
        approvers = {a["council"].pk: people["approver-council"].pk,
                     a["icb"].pk: people["approver-icb"].pk}
        ids = []
        for n in range(count):
            lead, partner = ((a["council"], a["icb"]) if n % 3 else (a["icb"], a["council"]))
            at = rng.choices(range(len(stages)), weights=(4, 3, 2, 1))[0]
            status = rng.choices(("active", "draft", "on-hold"), weights=(8, 1, 1))[0]
            if at == len(stages) - 1 and rng.random() < 0.3:
                status = "completed"
            created = aware(date(2024, 4, 1) + timedelta(days=rng.randrange(0, 450)))
            reference = f"{prefix}-{2024 + n // 9000}-{n % 9000 + 1:04d}"
            pk = t["intention"].add(
                area.pk, reference, f"{THEMES[n % len(THEMES)]} {n + 1}",
                "Generated intention for scale tests.", THEMES[n % len(THEMES)],
                ("strategic", "operational", "individual")[n % 3], lead.pk,
                money(rng, 5_000, 2_000_000), n % 17 == 0, stages[at].pk, status,
                date(2025, 4, 1), date(2028, 3, 31), owner, n % 5 == 0, created, created)
            ids.append(pk)
            if n == 0 and i == 0:
                self.result.first_code = reference
            self.result.last_code = reference
            t["partner"].add(pk, partner.pk)
            opened = created
            for s in range(at):  # one advanced gate per stage already moved through
                opened += timedelta(days=rng.randrange(5, 60))
                closed = opened + timedelta(days=rng.randrange(1, 20))
                if s == at - 1 and rng.random() < 0.3:  # moved in the reported quarter
                    closed = aware(date(2025, 7, 1) + timedelta(days=rng.randrange(0, 92)))
                    opened = closed - timedelta(days=7)
                gate = t["gate"].add(pk, stages[s].pk, stages[s + 1].pk, 1, "advanced", owner,
                                     opened, closed, "")
                for agency in (lead, partner):
                    t["sign_off"].add(gate, agency.pk, "approve", approvers[agency.pk], "",
                                      closed - timedelta(hours=1))
                opened = closed
            if status == "active" and at < len(stages) - 1 and rng.random() < 0.15:
                gate = t["gate"].add(pk, stages[at].pk, stages[at + 1].pk, 1, "open", owner,
                                     aware(date(2025, 9, 1)), None, "")
                t["sign_off"].add(gate, lead.pk, "approve", approvers[lead.pk], "",
                                  aware(date(2025, 9, 2)))
            if n % 5 == 0:  # comments from the parent carer forum
                when = aware(date(2025, 4, 1) + timedelta(days=rng.randrange(0, 365)))
                t["comment"].add(pk, carer, "parent-carer",
                                 "We would like more say in how this service is planned.",
                                 when, "open", n % 2 == 0, False, True, "", when)
        return ids

    def _budgets(self, i, area, a, people):
        from commissioning.budgets import services as budgets
        from commissioning.budgets.models import Contribution, Forecast

        plan, rng, t = self.plan, self.rng, self.t
        agreement = budgets.agreement_create(
            actor=None, local_area=area, title=f"{area.name} Better Care Fund",
            parties=[a["council"], a["icb"]], host=a["council"], starts=date(2024, 4, 1),
            reference=f"S75-{i + 1:03d}", pooled_fund_manager=people["pooled-fund-manager"])
        budgets.risk_rule_set(actor=None, agreement=agreement, basis="proportional")
        schedules = [budgets.schedule_create(
            actor=None, agreement=agreement, code=f"S{s + 1}", name=THEMES[s % len(THEMES)],
            lead_partner=a["council"] if s % 2 else a["icb"]) for s in range(8)]
        lines = plan.spend_lines // plan.areas + (i < plan.spend_lines % plan.areas)
        contributions, forecasts = [], []
        for s, schedule in enumerate(schedules):
            share = lines // len(schedules) + (s < lines % len(schedules))
            for year in YEARS:
                for agency in (a["council"], a["icb"]):
                    contributions.append(Contribution(
                        schedule=schedule, agency=agency, year=year,
                        amount=money(rng, 200_000, 2_000_000)))
            for q in (1, 2):
                forecasts.append(Forecast(schedule=schedule, year=YEAR, quarter=q,
                                          outturn=money(rng, 500_000, 4_000_000)))
            start = date(2024, 4, 1)
            for n in range(share):
                day = start + timedelta(days=n * 730 // max(1, share))
                t["spend"].add(schedule.pk, day, money(rng, 50, 25_000),
                               f"Invoice {n + 1}", schedule.lead_partner_id, "",
                               aware(day))
        Contribution.objects.bulk_create(contributions)
        Forecast.objects.bulk_create(forecasts)

    def _contracts(self, i, area, prefix, a, intentions):
        from commissioning.contracts import rules
        from commissioning.contracts.models import KPI, Contract, Provider

        plan, rng, t = self.plan, self.rng, self.t
        providers = Provider.objects.bulk_create([
            Provider(local_area=area, name=f"{area.name} Provider {p + 1}",
                     type=("independent", "voluntary", "nhs-trust")[p % 3],
                     companies_house_number=f"{(i * 100 + p) % 10**8:08d}")
            for p in range(max(1, plan.contracts_per_area // 2))])
        contracts = Contract.objects.bulk_create([
            Contract(local_area=area, reference=f"{prefix}-C{c + 1:03d}",
                     title=f"{THEMES[c % len(THEMES)]} service", provider=providers[
                         c % len(providers)], lead_agency=a["council"] if c % 2 else a["icb"],
                     intention_id=intentions[c] if c < len(intentions) else None,
                     total_value=Decimal(3 * (c + 1) * 100_000).quantize(PENNY),
                     annual_value=Decimal((c + 1) * 100_000).quantize(PENNY),
                     starts=date(2024, 4, 1), ends=date(2027, 3, 31) + timedelta(days=30 * c),
                     procurement_route="open", status="live")
            for c in range(plan.contracts_per_area)])
        through = Contract.commissioning_agencies.through
        through.objects.bulk_create(
            [through(contract_id=c.pk, agency_id=agency.pk) for c in contracts
             for agency in (a["council"], a["icb"])])
        kpis = KPI.objects.bulk_create([
            KPI(contract=c, name=name, unit=unit, target=Decimal(target),
                direction=direction, amber_tolerance=Decimal(5), position=p + 1)
            for c in contracts for p, (name, unit, target, direction) in enumerate((
                ("Referrals seen within 18 weeks", "%", "90", "higher"),
                ("Families rating the service good", "%", "80", "higher"),
                ("Average wait", "days", "40", "lower")))])
        when = aware(date(2025, 10, 10))
        for kpi in kpis:
            for year, quarter in (("2024-25", 3), ("2024-25", 4), ("2025-26", 1), (YEAR, 2)):
                value = (Decimal(rng.randint(5000, 10000)) / 100).quantize(PENNY) \
                    if kpi.unit == "%" else Decimal(rng.randint(20, 70))
                t["kpi_return"].add(kpi.pk, year, quarter, value, rules.kpi_rag(kpi, value),
                                    "", when)

    def _observations(self):
        plan, rng, t = self.plan, self.rng, self.t
        written = 0
        for indicator in self.indicators:
            for geography in self.geo["all"]:
                for period, sortable in self.periods:
                    if written >= plan.observations:
                        return
                    denominator = rng.randint(2_000, 90_000)
                    numerator = rng.randint(1, denominator // 5)
                    value = (Decimal(numerator) * 100 / Decimal(denominator)).quantize(
                        Decimal("0.000001"))
                    t["observation"].add(indicator, geography, period, sortable, value,
                                         numerator, denominator, "")
                    written += 1
                    if written % 1_000_000 == 0:
                        self.say(f"{written:,} observations")

    def _finish(self):
        from django.contrib.auth.hashers import make_password

        from agencies.models import LocalArea, User

        if self.plan.password:  # hashed once: every generated person shares it
            User.objects.filter(username__startswith=GEN_PREFIX).update(
                password=make_password(self.plan.password))
        models = [table.model for table in self.t.values()]
        with connection.cursor() as cursor:
            for sql in connection.ops.sequence_reset_sql(no_style(), models):
                cursor.execute(sql)
        counts = self.result.counts
        counts["areas"] = LocalArea.objects.filter(slug__startswith=GEN_PREFIX).count()
        for name, table in self.t.items():
            counts[name] = table.count


def generate(plan: Plan, out=print) -> Result:
    return Nation(plan, out).build()
