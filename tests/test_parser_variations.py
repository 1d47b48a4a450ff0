"""The layouts the real archive shows, built from the real determinations in ../shared."""
from __future__ import annotations

import re
from datetime import date

import pytest

from search.extract import ExtractError, document_text
from search.parser import parse, parse_date
from search.record import ParseError

from .conftest import DWC, seed_text

MORPHINE = "000_f9e98a1e4886a13a.txt"  # four items, blank lines here and there
VALIUM_NORCO = "001_dc3f27e9efaf9617.txt"  # a blank line after every line


def dwc_text(case: str) -> str:
    path = DWC / f"{case}.pdf"
    return document_text(path.name, path.read_bytes())


def squash(text: str) -> str:
    return " ".join(text.split())


def test_crlf_line_ends_read_the_same():
    text = seed_text(MORPHINE)
    assert parse(text.replace("\n", "\r\n")) == parse(text)


def test_text_without_blank_lines_reads_the_same():
    text = seed_text(VALIUM_NORCO)
    packed = "\n".join(line for line in text.splitlines() if line.strip())
    assert parse(packed) == parse(text)


def test_a_blank_line_after_every_line_reads_the_same():
    text = seed_text(MORPHINE)
    spaced = "\n\n".join(text.splitlines())
    assert parse(spaced) == parse(text)


def test_an_overturned_item_is_read_as_overturned():
    text = seed_text(MORPHINE).replace("Valium 5mg #60: Upheld", "Valium 5mg #60: Overturned")
    outcomes = [item.outcome for item in parse(text).items]
    assert outcomes == ["Upheld", "Upheld", "Overturned", "Upheld"]


def test_double_spaces_before_the_outcome_are_allowed():
    text = seed_text(MORPHINE).replace("MS Contin 30mg #90: Upheld", "MS Contin 30mg #90:  Upheld")
    assert parse(text).items[0].request == "MS Contin 30mg #90"


def test_an_item_name_wrapped_over_three_lines_is_joined():
    heading = (
        "Retrospective request for MS Contin 30mg #90 dispensed on 03/20/2015 for the\n"
        "treatment of chronic low back pain and right lower extremity radicular\n"
        "symptoms: Upheld"
    )
    text = seed_text(MORPHINE).replace("MS Contin 30mg #90: Upheld", heading)
    item = parse(text).items[0]
    assert item.request == (
        "Retrospective request for MS Contin 30mg #90 dispensed on 03/20/2015 for the treatment of chronic "
        "low back pain and right lower extremity radicular symptoms"
    )
    assert item.drug == "morphine" and item.quantity == 90
    assert parse(text).items[0].rationale == parse(seed_text(MORPHINE)).items[0].rationale


def test_a_wrapped_item_name_after_a_rationale_is_not_glued_to_it():
    text = seed_text(MORPHINE).replace(
        "Valium 5mg #60: Upheld", "Valium 5mg #60 for anxiety and muscle spasm associated with the\nlumbar injury: Upheld"
    )
    items = parse(text).items
    assert items[2].request == "Valium 5mg #60 for anxiety and muscle spasm associated with the lumbar injury"
    assert items[1].rationale.endswith("retrospective request for MS Contin 30 mg is not medically necessary.")


def test_partial_certification_keeps_the_remaining_portion_as_the_request():
    items = parse(dwc_text("CM16-0234464")).items
    partial = next(item for item in items if item.original_request)
    assert partial.request == "Cyclobenzaprine 7.5mg #27"
    assert partial.quantity == 27 and partial.drug == "cyclobenzaprine"
    assert partial.original_request.startswith("Cyclobenzaprine 7.5mg #90 was the original request.")
    assert "The remaining IMR eligible portion" in partial.original_request


def test_partial_certification_in_the_other_wording():
    item = parse(dwc_text("CM16-0229336")).items[0]
    assert item.outcome == "Overturned"
    assert item.request == (
        "Acute inpatient rehabilitation physical therapy and occupational therapy 7-10 days for left foot fracture"
    )


def test_prose_credentials_give_specialty_subspecialty_and_states():
    text = seed_text(MORPHINE)
    prose = (
        "The expert reviewer is Board Certified in Physical Medicine & Rehabilitation, has a subspecialty in\n"
        "Pain Medicine and is licensed to practice in California,Texas and New York.\n"
    )
    text = re.sub(r"The Expert Reviewer has the following credentials:.*?Certification\(s\)/Specialty: Anesthesiology",
                  prose, text, flags=re.DOTALL)
    record = parse(text)
    assert record.reviewer_specialties == ["Physical Medicine and Rehabilitation"]
    assert record.reviewer_subspecialties == ["Pain Management"] or record.reviewer_subspecialties == ["Pain Medicine"]
    assert record.reviewer_states == ["California", "Texas", "New York"]


def test_prose_credentials_without_a_subspecialty():
    prose = "The expert reviewer is Board Certified in Family Practice and is licensed to practice in Oregon.\n"
    text = re.sub(r"The Expert Reviewer has the following credentials:.*?Anesthesiology", prose, seed_text(MORPHINE),
                  flags=re.DOTALL)
    record = parse(text)
    assert record.reviewer_specialties == ["Family Practice"]
    assert record.reviewer_states == ["Oregon"]


@pytest.mark.parametrize(
    "line, states",
    [
        ("California,North Carolina", ["California", "North Carolina"]),
        ("Texas, New York, California", ["Texas", "New York", "California"]),
        ("Tennessee,Florida,Ohio ", ["Tennessee", "Florida", "Ohio"]),
    ],
)
def test_licensure_lists_with_and_without_spaces(line, states):
    text = seed_text(MORPHINE).replace("State(s) of Licensure: New York", f"State(s) of Licensure: {line}")
    assert parse(text).reviewer_states == states


@pytest.mark.parametrize(
    "line, specialties",
    [
        ("Orthopedic Surgery, Sports Medicinea", ["Orthopedic Surgery", "Sports Medicine"]),
        ("Physical Medicine Rehabilitation", ["Physical Medicine and Rehabilitation"]),
        ("Physical Medicine & Rehabilitation,Pain Management", ["Physical Medicine and Rehabilitation", "Pain Management"]),
        ("Preventive Medicine, Occupational Medicine", ["Preventive Medicine", "Occupational Medicine"]),
    ],
)
def test_specialties_land_on_canonical_names(line, specialties):
    text = seed_text(MORPHINE).replace("Certification(s)/Specialty: Anesthesiology", f"Certification(s)/Specialty: {line}")
    assert parse(text).reviewer_specialties == specialties


def test_guideline_line_outside_the_mtus_cites_odg_not_mtus():
    record = parse(dwc_text("CM16-0213037"))
    cited = {tuple(item.guidelines) for item in record.items}
    assert cited
    for item in record.items:
        if "outside" in item.maximus_guideline:
            assert "MTUS" not in item.guidelines


def test_guideline_line_citing_nothing_gives_no_sources():
    items = [item for item in parse(dwc_text("CM16-0238035")).items
             if "did not cite any medical evidence" in item.maximus_guideline]
    assert items
    assert all(item.guidelines == [] for item in items)


@pytest.mark.parametrize(
    "text, expected",
    [
        ("10-13-16", date(2016, 10, 13)),
        ("10/13/2016", date(2016, 10, 13)),
        ("9/3/02", date(2002, 9, 3)),
        ("9/3/92", date(1992, 9, 3)),
        ("February 29, 2012", date(2012, 2, 29)),
        ("Feb. 3, 2012", date(2012, 2, 3)),
        ("2012-02-29", date(2012, 2, 29)),
        ("February 30, 2012", None),
        ("13/45/2012", None),
    ],
)
def test_dates_in_every_form_the_archive_uses(text, expected):
    assert parse_date(text) == expected


@pytest.mark.parametrize("phrase", ["48 year old male", "48-year-old male", "a(n) 48-year-old male", "48 yr old man"])
def test_patient_age_and_sex_in_each_wording(phrase):
    text = seed_text(MORPHINE).replace("a(n) 51-year-old female", phrase)
    record = parse(text)
    assert (record.patient_age, record.patient_sex) == (48, "male")


COLUMN_HEADER = """Case Number:
Date Assigned:
Decision Date:
Priority:

CM16-0229336
12/05/2016
12/30/2016
Standard

Date of Injury:
UR Denial Date:
Application
Received:

10/20/2016
10/28/2016
11/28/2016

"""


def test_a_header_of_labels_then_values_reads_like_the_table():
    # pdftotext's default order: a column of labels, then a column of their values.
    text = dwc_text("CM16-0229336")
    body = text[text.index("HOW THE IMR FINAL DETERMINATION WAS MADE"):]
    assert parse(COLUMN_HEADER + body) == parse(text)
    assert parse(text).decision_date == date(2016, 12, 30) and parse(text).injury_date == date(2016, 10, 20)


def test_a_header_with_some_values_above_their_labels_is_read():
    # pdfminer's order for the same table: the injury date comes before its label.
    text = dwc_text("CM16-0229336")
    body = text[text.index("HOW THE IMR FINAL DETERMINATION WAS MADE"):]
    header = ("Case Number:\nDate Assigned:\nDecision Date:\nPriority:\n\nCM16-0229336\n12/05/2016\n12/30/2016\n"
              "Standard\n\n10/20/2016\nDate of Injury:\nUR Denial Date:   10/28/2016\n11/28/2016\nApplication\n"
              "Received:\n\n")
    assert parse(header + body) == parse(text)


def test_a_header_with_each_value_under_its_label_is_read():
    text = dwc_text("CM16-0229336")
    body = text[text.index("HOW THE IMR FINAL DETERMINATION WAS MADE"):]
    stacked = ("Case Number:\nCM16-0229336\nDate Assigned:\n12/05/2016\nDate of Injury:\n10/20/2016\n"
               "Decision Date:\n12/30/2016\nUR Denial Date:\n10/28/2016\n")
    assert parse(stacked + body) == parse(text)


def test_a_header_label_left_empty_takes_no_other_labels_value():
    text = dwc_text("CM16-0229336")
    body = text[text.index("HOW THE IMR FINAL DETERMINATION WAS MADE"):]
    record = parse("Case Number: CM16-0229336\nDate Assigned: Date of Injury: 10/20/2016\n"
                   "Decision Date: 12/30/2016 UR Denial Date:\n" + body)
    assert (record.date_assigned, record.injury_date, record.ur_denial_date) == (None, date(2016, 10, 20), None)
    assert record.decision_date == date(2016, 12, 30)


def test_a_date_wrapped_at_its_hyphen_is_joined_whole():
    text = seed_text(MORPHINE).replace("Decision rationale:", "Decision rationale: Seen on 10-\n17-2016.", 1)
    assert parse(text).items[0].rationale.startswith("Seen on 10-17-2016.")


def test_injury_date_comes_from_the_summary_when_there_is_no_header():
    assert parse(seed_text(VALIUM_NORCO)).injury_date == date(2012, 2, 29)


def test_a_page_break_with_a_footer_inside_a_rationale_is_dropped():
    plain = parse(seed_text(MORPHINE)).items[0].rationale
    text = seed_text(MORPHINE).replace(
        "functional status, appropriate medication use, and side effects.",
        "functional status, appropriate medication use, and side\n\fPage 2 of 4\nCM16-0213037\neffects.",
        1,
    )
    assert parse(text).items[0].rationale == plain


def test_a_bare_page_number_footer_is_dropped():
    plain = parse(seed_text(MORPHINE)).items[0].rationale
    text = seed_text(MORPHINE).replace("and side effects.", "and side\n\fPage 2\neffects.", 1)
    assert parse(text).items[0].rationale == plain


@pytest.mark.parametrize("heading", ["X-rays of the lumbar spine", "MRI of the lumbar spine", "1 prescription of Valium"])
def test_a_heading_starting_with_capitals_or_digits_glued_to_a_rationale_is_split(heading):
    text = seed_text(MORPHINE).replace("necessary. \n\n\n\n \n\nValium 5mg #60: Upheld", f"necessary.{heading}: Upheld")
    items = parse(text).items
    assert items[2].request == heading
    assert items[1].rationale.endswith("not medically necessary.")


def test_a_partial_certification_wrapped_at_sentence_ends_stays_whole():
    heading = (
        "Valium 5mg #90 was the original request.\n"
        "Valium 5mg #30 was authorized by the Claims Administrator. The remaining IMR eligible portion of the\n"
        "original request, Valium 5mg #60 is: Upheld"
    )
    text = seed_text(MORPHINE).replace("Valium 5mg #60: Upheld", heading)
    items = parse(text).items
    assert items[2].request == "Valium 5mg #60"
    assert items[2].original_request.startswith("Valium 5mg #90 was the original request.")
    assert items[1].rationale.endswith("retrospective request for MS Contin 30 mg is not medically necessary.")


def test_words_split_by_a_line_wrap_hyphen_are_joined():
    text = seed_text(MORPHINE).replace("controlled-release preparation", "controlled-release prepa-\nration", 1)
    assert "controlled-release preparation" in parse(text).items[0].rationale


def test_labels_glued_to_the_outcome_are_split():
    text = seed_text(MORPHINE).replace(
        "MS Contin 30mg #90: Upheld \n\nClaims Administrator", "MS Contin 30mg #90: UpheldClaims Administrator"
    )
    record = parse(text)
    assert record.items[0].request == "MS Contin 30mg #90"
    assert record.items[0].claims_guideline.startswith("Decision based on MTUS")


def test_a_heading_glued_to_the_previous_rationale_is_split():
    text = seed_text(MORPHINE).replace(
        "necessary. \n\n\n\n \n\nValium 5mg #60: Upheld", "necessary.Valium 5mg #60: Upheld"
    )
    items = parse(text).items
    assert items[2].request == "Valium 5mg #60"
    assert items[1].rationale.endswith("not medically necessary.")


def test_labels_in_another_case_or_with_a_space_before_the_colon_read_the_same():
    text = seed_text(MORPHINE)
    retyped = (text.replace("Claims Administrator guideline:", "Claims Administrator Guideline :")
               .replace("MAXIMUS guideline:", "Maximus Guideline:")
               .replace("Decision rationale:", "Decision  Rationale:"))
    assert parse(retyped) == parse(text)


def test_the_clinical_case_summary_in_prose_is_not_taken_for_the_heading():
    record = parse(seed_text(MORPHINE))
    assert record.summary.startswith("The injured worker is a(n) 51-year-old female")


def test_ligatures_left_by_a_pdf_extractor_are_read_as_letters():
    text = seed_text(MORPHINE)
    assert parse(text.replace("fi", "\ufb01").replace("fl", "\ufb02")) == parse(text)


def test_an_age_written_with_typographic_dashes_is_read():
    text = seed_text(MORPHINE).replace("51-year-old", "51\u2013year\u2013old")
    assert parse(text).patient_age == 51


def test_a_list_number_before_an_item_is_not_part_of_its_request():
    text = seed_text(MORPHINE).replace("MS Contin 30mg #90: Upheld", "1. MS Contin 30mg #90: Upheld")
    text = text.replace("Valium 5mg #60: Upheld", "3) Valium 5mg #60: Upheld")
    assert [item.request for item in parse(text).items] == [item.request for item in parse(seed_text(MORPHINE)).items]


# -- refused -------------------------------------------------------------------------------

OLD_FORMAT = """Notice of Independent Medical Review Determination
Dated: 11/21/2013
IMR Case Number: CM13-0012345 Date of Injury: 01/02/2010
MEDICAL PROFESSIONAL REVIEW
The reviewer determined that the requested Norco 10/325mg #90 is not medically necessary.
1) Regarding the request for Norco 10/325mg #90: Upheld
"""


def test_the_2013_format_is_recognised_and_refused():
    with pytest.raises(ParseError, match="older-format"):
        parse(OLD_FORMAT)


LETTER_FORMAT = """Independent Medical Review Final Determination Letter
Dated: 1/15/2014
IMR Case Number: CM13-0054321 Date of Injury: 03/12/2009
Final Determination: UPHOLD.
INDEPENDENT MEDICAL REVIEW DECISION AND RATIONALE
1. Norco 10/325mg #120 is not medically necessary and appropriate.
Guidelines Used by Claims Administrator in the Utilization Review Denial/Modification: MTUS
Medical Treatment Guideline(s) Used by the Expert Reviewer: MTUS, Opioids, pages 74-96
Rationale for the Decision: The records do not document functional improvement.
"""


def test_the_2014_letter_format_is_recognised_and_refused():
    with pytest.raises(ParseError, match="older-format"):
        parse(LETTER_FORMAT)


def test_an_empty_document_is_refused():
    with pytest.raises(ParseError, match="empty"):
        parse("  \n\n ")


def test_a_letter_that_is_not_a_determination_is_refused():
    letter = "Dear Claims Adjuster,\nPlease find enclosed the records you requested.\nSincerely,\nJane Doe\n"
    with pytest.raises(ParseError, match="not an IMR final determination"):
        parse(letter)


def test_a_determination_cut_off_before_its_decisions_is_refused():
    text = seed_text(MORPHINE)
    cut = text[: text.index("IMR ISSUES, DECISIONS AND RATIONALES")]
    with pytest.raises(ParseError, match="cut off"):
        parse(cut)


def test_a_determination_cut_off_inside_its_first_item_is_refused():
    text = seed_text(MORPHINE)
    cut = text[: text.index("Claims Administrator guideline")] + "Claims Administrator guideline: Decision"
    with pytest.raises(ParseError, match="cut off"):
        parse(cut)


def test_a_binary_file_named_pdf_is_refused_with_the_reason():
    with pytest.raises(ExtractError, match="not a readable PDF"):
        document_text("CM16-0000001.pdf", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)))


def test_html_in_a_document_is_kept_as_text():
    text = seed_text(MORPHINE).replace("MS Contin 30mg #90: Upheld", "<script>alert('x')</script> MS Contin 30mg #90: Upheld")
    item = parse(text).items[0]
    assert item.request == "<script>alert('x')</script> MS Contin 30mg #90"
