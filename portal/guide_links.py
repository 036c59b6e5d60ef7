"""Actions other features offer on a guide's page (e.g. "预约办理"), without the catalog knowing them.

A feature registers a provider: given a guide's id and slug, it returns the links to show. The
catalog asks :func:`links_for_guide` when it renders a guide and never imports the features.
Links carry only a label and a site path, so they are public by construction.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class GuideLink:
    """One action shown on a guide's page."""

    label: str
    url: str


_PROVIDERS: dict[str, Callable[[int, str], list[GuideLink]]] = {}


def register_guide_links(name: str, provider: Callable[[int, str], list[GuideLink]]) -> None:
    """Add (or replace) the provider ``name``."""
    _PROVIDERS[name] = provider


def links_for_guide(guide_id: int, slug: str) -> list[GuideLink]:
    """Every registered provider's links for one guide, in registration order."""
    return [link for provider in _PROVIDERS.values() for link in provider(guide_id, slug)]
