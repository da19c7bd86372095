"""Builders for pooled budgets. They go through the services, like the portal does."""
from datetime import date
from decimal import Decimal

from commissioning.budgets import services
from commissioning.budgets.models import BudgetType

YEAR = "2025-26"


def agreement(area, parties, *, host=None, title="Complex cases pooled fund", **kwargs):
    return services.agreement_create(
        actor=None, local_area=area, title=title, parties=parties, host=host or parties[0],
        starts=kwargs.pop("starts", date(2025, 4, 1)), **kwargs)


def schedule(agreement, code, *, lead=None, name=None, budget_type=BudgetType.POOLED,
             contributions=None, year=YEAR):
    """A schedule with contributions: `contributions` maps agency -> amount."""
    created = services.schedule_create(
        actor=None, agreement=agreement, code=code, name=name or f"Scheme {code}",
        lead_partner=lead or agreement.host, budget_type=budget_type)
    for agency, amount in (contributions or {}).items():
        services.contribution_set(actor=None, schedule=created, agency=agency, year=year,
                                  amount=Decimal(str(amount)))
    return created


def spend(schedule, day, amount, description="Placement", source=None):
    return services.spend_create(actor=None, schedule=schedule, date=day,
                                 amount=Decimal(str(amount)), description=description,
                                 source_agency=source)


def forecast(schedule, quarter, outturn, year=YEAR):
    return services.forecast_set(actor=None, schedule=schedule, year=year, quarter=quarter,
                                 outturn=Decimal(str(outturn)))


def pool(area, council, icb, *, schedules=2, spend_lines=2, prefix="S"):
    """An agreement with `schedules` pooled schedules (council 60%, ICB 40% of £100,000
    each) and `spend_lines` spend lines per schedule in April."""
    made = agreement(area, [council, icb], host=council, title=f"Pool {prefix}")
    for n in range(schedules):
        item = schedule(made, f"{prefix}{n + 1}", contributions={council: 60000, icb: 40000})
        for line in range(spend_lines):
            spend(item, date(2025, 4, 1 + line % 28), 1000 + line, description=f"Line {line}")
    return made
