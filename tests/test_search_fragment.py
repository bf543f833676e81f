"""The live search's fragment carries only what changes (issue 17, item 4): the results region,
and of the filter panel beside it nothing, its counts, or the whole panel out of band – decided by
the two fingerprints the page sends back (MPS-Facet-Shape, MPS-Facet-Counts)."""
from __future__ import annotations

import re

from marketplace.views.search import COUNTS_HEADER, SHAPE_HEADER

HX = {"HX-Request": "true", "HX-Target": "sokeresultat"}
PRINTS = re.compile(r'id="sokefiltre-kjennetegn" hidden data-facet-shape="(\w+)" data-facet-counts="(\w+)"')
COUNT = re.compile(r'<span id="(n-[^"]+)" hx-swap-oob="innerHTML">\((\d+)\)</span>')
PANEL_COUNT = re.compile(r'<span class="count" id="(n-[^"]+)">\((\d+)\)</span>')


def get(client, url, headers=None):
    response = client.get(url, headers=headers or {})
    assert response.status_code == 200
    return response, response.get_data(as_text=True)


def prints(body):
    shape, counts = PRINTS.search(body).groups()
    return {SHAPE_HEADER: shape, COUNTS_HEADER: counts}


def test_the_full_page_has_the_panel_beside_the_results(shared_search_client):
    response, body = get(shared_search_client, "/tjenester?q=lagring")
    panel = body.split('<div id="sokefiltre"', 1)[1].split('<div id="sokeresultat"', 1)[0]
    assert 'class="filter-disclosure"' in panel and 'type="checkbox"' in panel and PRINTS.search(panel)
    assert "hx-swap-oob" not in body and 'class="search-hit"' in body.split('id="sokeresultat"', 1)[1]
    assert PANEL_COUNT.search(panel)  # every count has an id
    assert {"HX-Request", SHAPE_HEADER, COUNTS_HEADER} <= set(response.headers["Vary"].replace(" ", "").split(","))


def test_the_fragment_sends_the_panel_only_when_it_changed(shared_search_client):
    _, page = get(shared_search_client, "/tjenester?q=lagring")
    # No fingerprints (the first live search, or a page without search.js): the whole panel, out of band.
    response, whole = get(shared_search_client, "/tjenester?q=lagring", HX)
    assert "<html" not in whole and 'class="search-hit"' in whole
    assert '<div id="sokefiltre" class="search-filters-region" hx-swap-oob="true">' in whole
    assert whole.count('type="checkbox"') == page.count('type="checkbox"') > 20
    assert response.headers["HX-Push-Url"] == "/tjenester?q=lagring" and "mps-announce" in response.headers["HX-Trigger"]
    # The same search again with the fingerprints it carried: no panel at all, a much smaller answer.
    _, same = get(shared_search_client, "/tjenester?q=lagring", {**HX, **prints(whole)})
    assert 'class="search-hit"' in same
    assert "sokefiltre" not in same and "hx-swap-oob" not in same and 'type="checkbox"' not in same
    assert len(same.encode()) < 0.6 * len(page.encode()), (len(same), len(page))
    # Another order or page changes no count either.
    _, sorted_ = get(shared_search_client, "/tjenester?q=lagring&sorter=navn", {**HX, **prints(whole)})
    assert "hx-swap-oob" not in sorted_


def test_only_the_counts_when_the_panel_keeps_its_shape(shared_search_client):
    """A search whose panel shows the same values, ticked the same, with other numbers: the page's
    shape fingerprint matches, its counts fingerprint does not."""
    _, page = get(shared_search_client, "/tjenester?q=lagring")
    shown = dict(PANEL_COUNT.findall(page))
    sent = {**prints(page), COUNTS_HEADER: "numbers-of-an-earlier-search"}
    _, body = get(shared_search_client, "/tjenester?q=lagring", {**HX, **sent})
    assert "type=\"checkbox\"" not in body and "<details" not in body and 'id="sokefiltre"' not in body
    assert dict(COUNT.findall(body)) == shown  # every count the panel shows, with its number now
    assert f'data-facet-counts="{prints(page)[COUNTS_HEADER]}" hx-swap-oob="true"' in body  # the new fingerprint
    assert re.search(r'<span id="alle-leverandor" hx-swap-oob="true">Vis alle \d+</span>', body)
    # Another search with the same shape: its own numbers.
    _, other = get(shared_search_client, "/tjenester?q=data")
    _, body = get(shared_search_client, "/tjenester?q=data", {**HX, SHAPE_HEADER: prints(other)[SHAPE_HEADER],
                                                               COUNTS_HEADER: prints(page)[COUNTS_HEADER]})
    assert dict(COUNT.findall(body)) == dict(PANEL_COUNT.findall(other)) != shown


def test_ticking_a_filter_sends_the_whole_panel(shared_search_client):
    _, page = get(shared_search_client, "/tjenester?q=lagring")
    _, body = get(shared_search_client, "/tjenester?q=lagring&governing_law=norge", {**HX, **prints(page)})
    assert '<div id="sokefiltre" class="search-filters-region" hx-swap-oob="true">' in body
    assert re.search(r'id="f-governing_law-norge"[^>]* checked', body)
    assert prints(body) != prints(page) and not COUNT.search(body)


def test_vis_alle_is_a_button_of_the_search_form(shared_search_client):
    _, page = get(shared_search_client, "/tjenester?q=tjeneste")
    facet = page.split('id="facet-leverandor"', 1)[1].split("</details>", 1)[0]
    top = facet.count('name="leverandor"')
    assert top == 5 and 'name="flere" value="leverandor"' in facet and "href" not in facet
    # Without JavaScript the button sends the form: a plain GET with flere shows every value.
    _, opened = get(shared_search_client, "/tjenester?q=tjeneste&flere=leverandor")
    group = opened.split('id="facet-leverandor"', 1)[1].split("</details>", 1)[0]
    number = int(re.search(r"Vis alle (\d+)", facet).group(1))
    assert group.count('name="leverandor" value=') == number > top
    assert "Vis alle" not in group and 'open' in opened.split('id="facet-leverandor"', 1)[1].split(">", 1)[0]
    # With htmx it is a change of shape (the facet expanded): the whole panel, out of band.
    _, body = get(shared_search_client, "/tjenester?q=tjeneste&flere=leverandor", {**HX, **prints(page)})
    assert 'hx-swap-oob="true">' in body and body.count('name="leverandor" value=') == number


def test_sub_categories_show_under_a_chosen_category_or_when_asked_for(shared_search_client):
    # The whole category tree is most of the panel: the top categories, and the sub-categories of
    # the one chosen (to narrow by); all of them behind "Vis underkategoriene" (a button of the form).
    _, body = get(shared_search_client, "/tjenester")
    panel = body.split('<div id="sokefiltre"', 1)[1].split('<div id="sokeresultat"', 1)[0]
    assert 'name="underkategori"' not in panel
    button = re.search(r'<button type="submit" form="sok-skjema" name="flere" value="kategori"[^>]*>([^<]+)', panel)
    assert button and button.group(1).strip() == "Vis underkategoriene"
    tops = re.findall(r'name="kategori" value="([^"]+)"', panel)
    assert len(tops) > 3
    _, chosen = get(shared_search_client, f"/tjenester?kategori={tops[0]}")
    chosen_panel = chosen.split('<div id="sokefiltre"', 1)[1].split('<div id="sokeresultat"', 1)[0]
    subs = re.findall(r'name="underkategori" value="([^"]+)"', chosen_panel)
    assert subs, "the chosen category shows its sub-categories"
    _, all_ = get(shared_search_client, "/tjenester?flere=kategori")
    all_panel = all_.split('<div id="sokefiltre"', 1)[1].split('<div id="sokeresultat"', 1)[0]
    assert len(re.findall(r'name="underkategori"', all_panel)) > len(subs)
    assert '<input type="hidden" name="flere" value="kategori" form="sok-skjema">' in all_panel  # stays open
    assert 'value="kategori" class="link-button"' not in all_panel
    # Only a sub-category chosen (a link from a category page): its branch shows, ticked.
    _, sub_only = get(shared_search_client, f"/tjenester?underkategori={subs[0]}")
    assert re.search(rf'name="underkategori" value="{subs[0]}" form="sok-skjema" checked', sub_only)
