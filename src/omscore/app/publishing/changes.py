"""The SKUs that changed since the last flush, and when: what the next flush recomputes, and the debounce that
holds an increase back until its SKUs have been quiet for ``debounce`` (but no longer than ``max_delay``)."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from omscore.app.publishing.book import _Listing
from omscore.app.publishing.settings import PublishingSettings
from omscore.domain.identity import SkuCode


class _Changes:
    """The SKUs to recompute; per SKU, its last change and the first change not yet published."""

    def __init__(self, skus: Iterable[SkuCode], settings: PublishingSettings) -> None:
        self._settings = settings
        self.dirty: set[SkuCode] = set(skus)
        self._event_at: dict[SkuCode, datetime] = {}
        self._waiting_since: dict[SkuCode, datetime] = {}

    def mark(self, sku: SkuCode, now: datetime) -> None:
        """``sku`` changed at ``now``: recompute it, and restart its debounce."""
        self.dirty.add(sku)
        self._event_at[sku] = now
        self._waiting_since.setdefault(sku, now)

    def defer(self, listing: _Listing) -> None:
        """Recompute the listing's SKUs at the next flush, without restarting their debounce."""
        for sku, _ in listing.needs:
            self.dirty.add(sku)

    def take(self) -> set[SkuCode]:
        """The SKUs to recompute now; what is deferred from here on waits for the next flush."""
        dirty = self.dirty
        self.dirty = set()
        return dirty

    def done(self, taken: set[SkuCode]) -> None:
        """The SKUs of ``taken`` that were not deferred again are published: they wait no longer."""
        for sku in taken - self.dirty:
            self._waiting_since.pop(sku, None)

    def due(self, listing: _Listing, now: datetime) -> bool:
        """Whether an increase may go out now: every SKU quiet for ``debounce``, or one waiting ``max_delay``."""
        debounce, max_delay = self._settings.debounce, self._settings.max_delay
        if not debounce:
            return True
        quiet = all(now - self._event_at.get(sku, now) >= debounce for sku, _ in listing.needs)
        overdue = any(now - self._waiting_since.get(sku, now) >= max_delay for sku, _ in listing.needs)
        return quiet or overdue

    def wakeups(self, now: datetime) -> list[datetime]:
        """When each SKU to recompute is due under the debounce (none without a debounce)."""
        if not (self.dirty and self._settings.debounce):
            return []
        return [
            min(
                self._event_at.get(sku, now) + self._settings.debounce,
                self._waiting_since.get(sku, now) + self._settings.max_delay,
            )
            for sku in self.dirty
        ]
