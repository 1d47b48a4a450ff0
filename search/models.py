"""Stored determinations: the database and the stored originals are the truth.

The Whoosh index is derived from these tables and can always be rebuilt.
"""
from __future__ import annotations

from django.core.files.storage import FileSystemStorage
from django.db import models
from django.urls import reverse

from .citations import section_title
from .reasons import LABELS
from .record import OUTCOMES


def originals_storage() -> FileSystemStorage:
    # No fixed location: it follows settings.MEDIA_ROOT (the originals folder), also when tests change it.
    return FileSystemStorage()


class Determination(models.Model):
    # A stable address: the case number, or "doc-<hash>" for a document without one.
    slug = models.CharField(max_length=40, unique=True)
    case_number = models.CharField(max_length=20, null=True, blank=True, unique=True)
    date_assigned = models.DateField(null=True, blank=True)
    decision_date = models.DateField(null=True, blank=True, db_index=True)
    injury_date = models.DateField(null=True, blank=True)
    ur_denial_date = models.DateField(null=True, blank=True)
    reviewer_states = models.JSONField(default=list, blank=True)
    reviewer_specialties = models.JSONField(default=list, blank=True)
    reviewer_subspecialties = models.JSONField(default=list, blank=True)
    patient_age = models.PositiveSmallIntegerField(null=True, blank=True)
    patient_sex = models.CharField(max_length=6, blank=True)
    summary = models.TextField(blank=True)
    # Demonstration text from the corpus generator (it opens with record.GENERATED_NOTICE), never a
    # real decision: the site labels it wherever it shows it.
    generated = models.BooleanField(default=False, db_index=True)

    source_name = models.CharField(max_length=255, help_text="file name as ingested")
    original = models.FileField(storage=originals_storage, max_length=255)
    text = models.TextField(help_text="the text the record was parsed from")
    sha256 = models.CharField(max_length=64, db_index=True)
    added_at = models.DateTimeField(auto_now_add=True, db_index=True)
    updated_at = models.DateTimeField(auto_now=True, db_index=True)
    # False from the moment the row changes until the index holds that change.
    indexed = models.BooleanField(default=False, db_index=True)

    class Meta:
        ordering = ["-decision_date", "slug"]

    def __str__(self) -> str:
        return self.case_number or self.slug

    def get_absolute_url(self) -> str:
        return reverse("determination", args=[self.slug])

    @property
    def is_pdf(self) -> bool:
        return self.source_name.lower().endswith(".pdf")


class EarlierVersion(models.Model):
    """A file once stored for a determination and since replaced by a different file with the same
    case number: kept, never silently lost, and downloadable from the case page."""

    determination = models.ForeignKey(Determination, on_delete=models.CASCADE, related_name="earlier_versions")
    source_name = models.CharField(max_length=255, help_text="file name as ingested")
    original = models.FileField(storage=originals_storage, max_length=255)
    text = models.TextField(help_text="the text that version was parsed from")
    sha256 = models.CharField(max_length=64)
    stored_at = models.DateTimeField(help_text="when that version was stored")
    replaced_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-replaced_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.determination} as {self.source_name}"

    @property
    def is_pdf(self) -> bool:
        return self.source_name.lower().endswith(".pdf")


GUIDELINE_SEPARATOR = "\n"  # between the two guideline lines of an item's cited text


def cited_text(maximus_guideline: str, claims_guideline: str) -> str:
    """The guideline lines an item cites, as the index's guideline field holds them: the
    MAXIMUS line, then the claims administrator's, one line apart."""
    return GUIDELINE_SEPARATOR.join(filter(None, [maximus_guideline, claims_guideline]))


class DisputedItem(models.Model):
    determination = models.ForeignKey(Determination, on_delete=models.CASCADE, related_name="items")
    position = models.PositiveSmallIntegerField(help_text="1-based order in the determination")
    request = models.TextField()
    outcome = models.CharField(max_length=10, choices=[(o, o) for o in OUTCOMES], db_index=True)
    drug = models.CharField(max_length=120, null=True, blank=True, db_index=True)
    brand = models.CharField(max_length=120, null=True, blank=True)
    strength = models.CharField(max_length=60, null=True, blank=True)
    quantity = models.PositiveIntegerField(null=True, blank=True)
    category = models.CharField(max_length=30, db_index=True)
    guidelines = models.JSONField(default=list, blank=True)
    claims_guideline = models.TextField(blank=True)
    maximus_guideline = models.TextField(blank=True)
    rationale = models.TextField()
    original_request = models.TextField(blank=True)
    # The reviewer's stated reasons for the outcome (reasons.LABELS keys), as the parse classified them.
    reasons = models.JSONField(default=list, blank=True)

    class Meta:
        ordering = ["determination", "position"]
        constraints = [
            models.UniqueConstraint(fields=["determination", "position"], name="one_item_per_position"),
        ]
        indexes = [models.Index(fields=["drug", "outcome"]), models.Index(fields=["category", "outcome"])]

    def __str__(self) -> str:
        return f"{self.request}: {self.outcome}"

    @property
    def anchor(self) -> str:
        return f"item-{self.position}"

    def get_absolute_url(self) -> str:
        return f"{self.determination.get_absolute_url()}#{self.anchor}"

    @property
    def cited_text(self) -> str:
        return cited_text(self.maximus_guideline, self.claims_guideline)

    @property
    def reason_names(self) -> list[str]:
        return [LABELS.get(label, label) for label in self.reasons]


class GuidelineSection(models.Model):
    """One section of one guideline however it is cited: the citator's unit (citations.py)."""

    key = models.CharField(max_length=255, unique=True, help_text="citations.section_key: facet value and URL")
    source = models.CharField(max_length=60, db_index=True)  # MTUS, ACOEM, ODG, or another source's name
    guideline = models.CharField(max_length=200, blank=True)  # canonical; "" when none was named
    name = models.CharField(max_length=255, blank=True)  # canonical section; "" for a whole guideline

    class Meta:
        ordering = ["source", "guideline", "name"]

    def __str__(self) -> str:
        return self.title

    @property
    def title(self) -> str:
        return section_title(self.source, self.guideline, self.name)

    def get_absolute_url(self) -> str:
        return reverse("guideline_section", args=[self.key])


class Citation(models.Model):
    """One guideline section an item's reviewer based the decision on, with the pages and edition."""

    item = models.ForeignKey(DisputedItem, on_delete=models.CASCADE, related_name="citations")
    section = models.ForeignKey(GuidelineSection, on_delete=models.PROTECT, related_name="citations")
    position = models.PositiveSmallIntegerField(help_text="1-based order in the item's guideline line")
    pages = models.CharField(max_length=120, blank=True)
    edition = models.CharField(max_length=60, blank=True)
    as_written = models.TextField(blank=True)

    class Meta:
        ordering = ["item", "position"]

    def __str__(self) -> str:
        return f"{self.section.title} {self.pages}".strip()
