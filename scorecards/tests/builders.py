"""Building signed-off figures for scorecard tests through the real workflow."""

from decimal import Decimal

from indicators.models import Period
from indicators.workflow import approve_value, record_value, submit_value
from organisation.tests.factories import UserFactory


class Returns:
    """An officer and an approver who enter and sign off figures."""

    def __init__(self):
        self.officer = UserFactory()
        self.approver = UserFactory()

    def draft(self, indicator, period_code: str, figure, **entries):
        period = Period.objects.get(code=period_code)
        return record_value(
            indicator=indicator,
            period=period,
            entries={"figure": Decimal(str(figure)), **entries},
            by=self.officer,
        )

    def submitted(self, indicator, period_code: str, figure, **entries):
        value = self.draft(indicator, period_code, figure, **entries)
        return submit_value(value=value, by=self.officer)

    def signed_off(self, indicator, period_code: str, figure, **entries):
        value = self.submitted(indicator, period_code, figure, **entries)
        return approve_value(value=value, by=self.approver)

    def series(self, indicator, period_codes: list[str], figures: list):
        for code, figure in zip(period_codes, figures, strict=True):
            self.signed_off(indicator, code, figure)
