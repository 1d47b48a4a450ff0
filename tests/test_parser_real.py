"""Every field the real determinations in ../shared hold comes out right."""
from __future__ import annotations

import shutil
import subprocess

import pytest

from search.extract import document_text
from search.parser import parse

from .conftest import DWC, SEEDS, expected

SEED_EXPECTED = expected(SEEDS)
DWC_EXPECTED = expected(DWC)


def squash(text: str) -> str:
    return " ".join(text.split())


@pytest.mark.parametrize("name", sorted(SEED_EXPECTED))
def test_each_seed_parses_to_its_expected_record(name):
    want = SEED_EXPECTED[name]
    record = parse((SEEDS / name).read_text())
    assert record.reviewer_states == want["reviewer_states"]
    assert record.reviewer_specialties == want["reviewer_specialties"]
    assert record.patient_age == want["patient_age"]
    assert record.patient_sex == want["patient_sex"]
    assert record.injury_date.isoformat() == want["injury_date"]
    assert len(record.items) == len(want["items"])
    for number, (item, wanted) in enumerate(zip(record.items, want["items"]), start=1):
        where = f"{name} item {number}"
        assert squash(item.request) == squash(wanted["request"]), where
        assert item.outcome == wanted["outcome"], where
        assert item.quantity == wanted["quantity"], where
        assert item.guidelines == wanted["guidelines"], where
        assert item.drug and all(word in item.drug for word in wanted["drug_has"]), (where, item.drug)
        assert squash(item.rationale).startswith(squash(wanted["rationale_starts"])), where
        assert squash(item.rationale).endswith(squash(wanted["rationale_ends"])), where


@pytest.mark.parametrize("name", sorted(DWC_EXPECTED))
def test_each_dwc_pdf_gives_its_facts(name):
    want = DWC_EXPECTED[name]
    path = DWC / name
    record = parse(document_text(path.name, path.read_bytes()))
    assert record.case_number == want["case_number"]
    assert record.decision_date.isoformat() == want["decision_date"]
    assert record.injury_date.isoformat() == want["injury_date"]
    assert record.reviewer_states == want["reviewer_states"]
    assert [item.outcome for item in record.items] == want["outcomes"]


@pytest.mark.parametrize("name", sorted(DWC_EXPECTED))
def test_each_dwc_item_has_its_texts(name):
    path = DWC / name
    record = parse(document_text(path.name, path.read_bytes()))
    assert record.reviewer_specialties, "no reviewer specialty"
    assert record.patient_sex  # an age is not always given (CM16-0249170 lists two birthdates)
    for item in record.items:
        assert item.request and len(item.request) < 300, item.request
        assert not item.request.lower().startswith(("the final determination", "claims administrator"))
        assert item.rationale.endswith((".", ")", '"')), item.rationale[-80:]
        assert "Claims Administrator guideline" not in item.rationale
        assert "MAXIMUS guideline" not in item.claims_guideline
        assert item.maximus_guideline


@pytest.mark.skipif(not shutil.which("pdftotext"), reason="poppler-utils not installed (.ci/run installs it)")
@pytest.mark.parametrize("name", sorted(DWC_EXPECTED))
def test_pdftotext_extractions_in_each_order_give_the_same_facts(name):
    # Text that others extracted: pdftotext's default order separates the header's labels from their values.
    want = DWC_EXPECTED[name]
    for mode in ([], ["-layout"], ["-raw"]):
        text = subprocess.run(["pdftotext", *mode, str(DWC / name), "-"], capture_output=True, text=True,
                              check=True).stdout
        record = parse(text)
        assert record.case_number == want["case_number"], mode
        assert record.decision_date.isoformat() == want["decision_date"], mode
        assert record.injury_date.isoformat() == want["injury_date"], mode
        assert record.reviewer_states == want["reviewer_states"], mode
        assert [item.outcome for item in record.items] == want["outcomes"], mode
