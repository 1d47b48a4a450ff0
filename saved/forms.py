"""Forms of the saved-search pages: save, rename, alert frequency."""
from __future__ import annotations

from crispy_forms.bootstrap import PrependedText, StrictButton
from crispy_forms.helper import FormHelper
from crispy_forms.layout import Layout, Submit
from django import forms

from .models import SavedQuery
from .queries import MAX_QUERY_STRING, InvalidQuery, normalize, params_for

MAX_SAVED_PER_USER = 200  # the list page counts new items for each one


def one_line_name(value: str) -> str:
    """A saved search's name on one line (it becomes an email subject), never empty."""
    name = " ".join(value.split())
    if not name:
        raise forms.ValidationError("Give the search a name.")
    return name


class SaveQueryForm(forms.Form):
    name = forms.CharField(max_length=200, label="Name",
                           widget=forms.TextInput(attrs={"placeholder": "Name this search"}))
    query = forms.CharField(required=False, max_length=MAX_QUERY_STRING, widget=forms.HiddenInput)

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        self.helper = FormHelper()
        self.helper.form_action = "saved:list"
        self.helper.form_class = "save-search d-flex flex-wrap gap-2 align-items-start"
        self.helper.form_show_labels = False
        self.helper.layout = Layout(
            PrependedText("name", "Save as", wrapper_class="mb-0 flex-grow-1", css_class="form-control-sm",
                          aria_label="Name this search", input_size="input-group-sm"),
            "query",
            StrictButton("Save search", type="submit", css_class="btn-sm btn-outline-primary"),
        )

    def clean_name(self) -> str:
        return one_line_name(self.cleaned_data["name"])

    def clean_query(self) -> str:
        query = normalize(self.cleaned_data.get("query") or "")
        try:
            params_for(query)
        except InvalidQuery as error:
            raise forms.ValidationError(f"This search cannot be saved: {error}") from None
        return query

    def clean(self):
        cleaned = super().clean()
        if self.user is not None and SavedQuery.objects.filter(user=self.user).count() >= MAX_SAVED_PER_USER:
            raise forms.ValidationError(f"You have {MAX_SAVED_PER_USER} saved searches; delete some to save more.")
        return cleaned


class RenameForm(forms.ModelForm):
    class Meta:
        model = SavedQuery
        fields = ["name"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.add_input(Submit("rename", "Rename", css_class="btn-primary"))

    def clean_name(self) -> str:
        return one_line_name(self.cleaned_data["name"])


class AlertForm(forms.Form):
    alert_frequency = forms.ChoiceField(choices=SavedQuery.Frequency.choices, label="Email alerts")
