"""England's bank holidays for working-day counts, from the `holidays` package.

Why a library: bank holidays move (2020's VE Day, a royal funeral, a coronation) and a hand
list silently runs out; python-holidays is maintained and computes substitute days, Christmas
Day and Good Friday. It costs about 0.3 s to import, so it is loaded on the first look-up only:
listings with no working-day clock never pay for it.
"""

from collections.abc import Iterator
from datetime import date


class EnglandHolidays:
    """A lazy, read-only set of England's bank holidays (any year), for `date in holidays`."""

    def __init__(self) -> None:
        self._days = None

    def _load(self):
        if self._days is None:
            import holidays

            self._days = holidays.country_holidays("GB", subdiv="ENG")
        return self._days

    def __contains__(self, day: object) -> bool:
        return isinstance(day, date) and day in self._load()

    def __iter__(self) -> Iterator[date]:
        return iter(sorted(self._load()))

    def __len__(self) -> int:
        return len(self._load())


ENGLAND = EnglandHolidays()
