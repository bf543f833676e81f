from tests.test_fuzz_forms import read_forms, discover
from tests.security_support import make_world
def test_x(template_db, search_template, tmp_path):
    w = make_world(template_db, tmp_path, search_template=search_template)
    r = w.client("supplier_a").get("/leverandor/tjenester/ny")
    print(r.status_code, r.mimetype)
    for f in read_forms(r.get_data(as_text=True), "http://localhost/leverandor/tjenester/ny"):
        print(f.method, f.action, list(f.fields)[:8])
    found = discover(w)
    for k,(e,f) in sorted(found.items()): print(k, e)
