"""The smaller items of issue 16: the form's section list, article contents, Norwegian text marked
as such on English pages."""
from __future__ import annotations


def test_supplier_text_is_marked_norwegian_on_english_pages(client):
    from sqlmodel import Session, select

    from catalogue.browse import published_of_supplier
    from catalogue.models import Supplier

    with Session(client.application.extensions["db_engine"]) as s:
        service = next(row[0] for sup in s.exec(select(Supplier)).all() for row in published_of_supplier(s, sup.id))
    page = client.get(f"/tjeneste/{service.id}?lang=en").get_data(as_text=True)
    assert '<html lang="en">' in page
    assert f'<h1 lang="nb">{service.name}</h1>' in page
    assert 'class="prewrap" lang="nb"' in page


def test_article_contents_are_not_numbered_twice(client):
    page = client.get("/veiledning/skyreisen").get_data(as_text=True)
    assert 'class="toc-own-numbers"' in page


def test_form_contents_list_reads_as_separate_items():
    css = (__import__("pathlib").Path(__file__).parents[1] / "static/css/forms.css").read_text()
    rule = next(line for line in css.splitlines() if line.startswith(".form-toc ol"))
    assert "flex" not in rule  # a flex list runs its items together when read ("Tjenesten2. Vilkår3.")
