import pytest

from breakdesk.evals.recon.generator import generate
from breakdesk.evals.recon.writers import camt053_xml
from tests.conftest import REFERENCE


def test_generated_camt053_is_schema_valid():
    xsd = REFERENCE / "xsd" / "camt.053.001.08.xsd"
    if not xsd.is_file():
        pytest.skip("reference XSDs not available")
    import xmlschema
    from lxml import etree

    ds = generate(150, seed=11)
    data = camt053_xml(ds)
    xmlschema.XMLSchema(str(xsd)).validate(etree.fromstring(data))
    assert data.count(b"<Ntry>") == len(ds.banks)
