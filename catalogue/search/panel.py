"""The search page's filter panel (issue 17): which values each facet shows, and two fingerprints
of it, so a live search sends only what changed (the page view, ``marketplace/views/search.py``,
compares them with those the page sent back). Plain data from a ``SearchResult``: no request here."""
from __future__ import annotations

import hashlib
from dataclasses import dataclass

from catalogue.search.query import Facet, FacetValue, SearchResult
from catalogue.search.schema import CATEGORY_PARAM, SUBCATEGORY_PARAM

FACET_TOP = 5  # values shown per facet before "Vis alle" (selected values always shown)
TREE = (CATEGORY_PARAM, SUBCATEGORY_PARAM)  # shown as one tree


@dataclass(frozen=True)
class ShownFacet:
    """One facet of the filter panel (not the category tree): the values it shows."""

    facet: Facet
    values: list[FacetValue]  # in the facet's order: the largest FACET_TOP and every selected one
    all_shown: bool           # no "Vis alle" button
    chosen: int               # values selected
    open: bool                # the group is open (a value chosen, or "Vis alle" pressed)
    expanded: bool            # "Vis alle" was pressed: kept in the form (a hidden flere field)


@dataclass(frozen=True)
class FacetPanel:
    """What the filter panel shows, and its two fingerprints: ``shape`` changes when the panel's
    markup would change other than its counts (language, facets, values shown, ticks, groups
    opened, "Vis alle" buttons); ``counts`` also when a number in it changes. The live search
    sends both back, and the view sends only what changed (``panel_part``)."""

    tree: Facet | None                                  # the categories
    branches: list[tuple[FacetValue, list[FacetValue]]]  # each category with the sub-categories it shows
    hidden_subs: int                                    # sub-categories behind "Vis underkategoriene"
    tree_expanded: bool                                 # "Vis underkategoriene" was pressed
    facets: list[ShownFacet]
    chosen: int
    shape: str
    counts: str

    def counted(self):
        """``(facet key, value)`` for every value the panel shows with its count."""
        return _counted(self.branches, self.tree, self.facets)

    @staticmethod
    def box(key: str, value: str) -> str:
        """The part of a value's element ids after their prefix: its checkbox ``f-…``, its count ``n-…``
        (the page's panel and a counts-only answer, search/_filter_counts.html, must agree)."""
        return f"{key}-{value.replace('.', '_')}"


def _digest(parts) -> str:
    return hashlib.blake2b(repr(parts).encode(), digest_size=10).hexdigest()


def facet_panel(result: SearchResult, expanded: set[str], lang: str) -> FacetPanel:
    """The filter panel of *result*: the values each facet shows, and the fingerprints."""
    tree = result.facet(CATEGORY_PARAM)
    subs = result.facet(SUBCATEGORY_PARAM)
    tree_expanded = bool(tree) and CATEGORY_PARAM in expanded
    branches, hidden_subs = [], 0
    if tree:
        children_of: dict[str, list[FacetValue]] = {}
        for child in subs.values if subs else []:
            children_of.setdefault(child.parent, []).append(child)
        # The top categories, and the sub-categories of those chosen (or of all, once asked for): the
        # whole tree is most of the panel, and ticking a category shows its sub-categories to narrow by.
        for v in tree.values:
            children = children_of.get(v.value, [])
            shown = tree_expanded or v.selected or any(c.selected for c in children)
            branches.append((v, children if shown else []))
            hidden_subs += 0 if shown else len(children)
    facets = []
    for facet in result.facets:
        if facet.key in TREE or not facet.values:
            continue
        chosen = sum(v.selected for v in facet.values)
        all_shown = facet.key in expanded or len(facet.values) <= FACET_TOP + 1
        if all_shown:
            values = facet.values
        else:
            largest = {id(v) for v in sorted(facet.values, key=lambda v: v.count, reverse=True)[:FACET_TOP]}
            values = [v for v in facet.values if id(v) in largest or v.selected]
        wide = facet.key in expanded
        facets.append(ShownFacet(facet, values, all_shown, chosen, bool(chosen) or wide, wide))
    chosen = sum(v.selected for f in result.facets for v in f.values)
    shape = _digest((lang, chosen, tree.label if tree else None, bool(hidden_subs), tree_expanded,
                     [(v.value, v.label, v.selected, [(c.value, c.label, c.selected) for c in children])
                      for v, children in branches],
                     [(f.facet.key, f.facet.label, f.facet.mode, f.all_shown, f.open, f.expanded, bool(f.facet.more),
                       [(v.value, v.label, v.selected) for v in f.values]) for f in facets]))
    counts = _digest((shape, [(key, v.count) for key, v in _counted(branches, tree, facets)],
                      [(f.facet.key, len(f.facet.values), f.facet.more) for f in facets]))
    return FacetPanel(tree if branches else None, branches, hidden_subs, tree_expanded, facets, chosen, shape, counts)


def _counted(branches, tree, facets):
    """``(facet key, value)`` for every value shown with its count, categories first."""
    for top, children in branches:
        yield tree.key, top
        for child in children:
            yield SUBCATEGORY_PARAM, child
    for shown in facets:
        for value in shown.values:
            yield shown.facet.key, value
