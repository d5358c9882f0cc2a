from breakdesk.agents.recon.normalize import name_key, norm_name, norm_ref, refs_in_text


def test_norm_ref_ignores_case_spaces_and_punctuation():
    assert norm_ref(" inv 2024-001 ") == norm_ref("INV2024001") == "INV2024001"
    assert norm_ref("NONREF") == ""
    assert norm_ref(None) == ""


def test_refs_in_text_finds_tagged_split_and_uuid_references():
    refs = refs_in_text("EREF+E2E-77 PAYMENT INV 2024 001 uetr 3f2a1c9e-0b1d-4c2e-9f3a-123456789abc")
    assert "E2E77" in refs
    assert "INV2024001" in refs  # re-joined from three tokens
    assert "3F2A1C9E0B1D4C2E9F3A123456789ABC" in refs
    assert "PAYMENT" not in refs  # no digit: a word, not a reference


def test_norm_name_strips_legal_forms_accents_and_case():
    assert norm_name("Müller Maschinenbau GmbH & Co. KG") == "MULLER MASCHINENBAU"
    assert norm_name("ACME Ltd.") == norm_name("acme limited") == "ACME"
    assert name_key("THE ACME") == "ACME" or name_key(norm_name("The Acme")) == "ACME"
