"""Parse determinations and print what was read, without storing anything."""
from __future__ import annotations

import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from search.extract import ExtractError, document_text
from search.limits import Limits
from search.parser import parse
from search.record import ParseError

ITEM_KEYS = ("request", "outcome", "drug", "brand", "strength", "quantity", "category", "guidelines", "rationale")


def parsed_file(path: Path) -> dict:
    """The JSON object for one file: its record, or {"source", "error"}."""
    try:
        record = parse(document_text(path.name, path.read_bytes(), Limits.from_settings()))
    except (OSError, ExtractError, ParseError) as error:
        reason = error.strerror if isinstance(error, OSError) and error.strerror else str(error)
        return {"source": str(path), "error": reason}
    data = record.as_json()
    return {
        "source": str(path),
        **{key: data[key] for key in ("case_number", "decision_date", "injury_date", "date_assigned",
                                      "ur_denial_date", "reviewer_states", "reviewer_specialties",
                                      "reviewer_subspecialties", "patient_age", "patient_sex")},
        "items": [
            {**{key: item[key] for key in ITEM_KEYS}, "claims_guideline": item["claims_guideline"],
             "maximus_guideline": item["maximus_guideline"], "original_request": item["original_request"],
             "citations": item["citations"], "reasons": item["reasons"]}
            for item in data["items"]
        ],
    }


def summary_lines(result: dict) -> list[str]:
    if "error" in result:
        return [f"{result['source']}: REFUSED: {result['error']}"]
    lines = [
        (f"{result['source']}: {result['case_number'] or '(no case number)'}, decided {result['decision_date'] or '?'},"
        f" injured {result['injury_date'] or '?'}"),
        f"  reviewer: {', '.join(result['reviewer_specialties']) or '?'} ({', '.join(result['reviewer_states']) or '?'})",
        f"  patient: {result['patient_age'] or '?'}, {result['patient_sex'] or '?'}",
    ]
    for number, item in enumerate(result["items"], start=1):
        drug = f" [{item['drug']}]" if item["drug"] else ""
        guidelines = ", ".join(item["guidelines"]) or "no guideline cited"
        lines.append(f"  {number}. {item['request']}: {item['outcome']}{drug} ({item['category']}; {guidelines})")
        lines.append(f"     reasons: {', '.join(item['reasons'])}")
    return lines


class Command(BaseCommand):
    help = "Parse determination files (.txt or .pdf) and print what was read; stores nothing."

    def add_arguments(self, parser):
        parser.add_argument("files", nargs="+", help="determination files")
        parser.add_argument("--json", action="store_true", help="print a JSON array, one object per file")

    def handle(self, *args, **options):
        results = [parsed_file(Path(name)) for name in options["files"]]
        if options["json"]:
            self.stdout.write(json.dumps(results, indent=2, ensure_ascii=False))
        else:
            for result in results:
                self.stdout.write("\n".join(summary_lines(result)))
        if any("error" in result for result in results):
            raise CommandError(f"{sum('error' in r for r in results)} of {len(results)} file(s) could not be parsed",
                               returncode=1)
