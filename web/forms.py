"""HTML forms: they shape and validate input; the services decide."""

from __future__ import annotations

from typing import cast

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class WhoForm(forms.Form):
    """Step 1: the cycle, the category and who is nominated."""

    category = forms.TypedChoiceField(label=_("Category"), coerce=int)
    nominees = forms.TypedMultipleChoiceField(
        label=_("Nominees"), coerce=int, widget=forms.CheckboxSelectMultiple
    )
    lead = forms.TypedChoiceField(
        label=_("Lead (for a team)"), coerce=int, required=False, empty_value=None
    )

    def __init__(self, *args, categories, team, **kwargs):
        super().__init__(*args, **kwargs)
        fields = cast(dict[str, forms.ChoiceField], self.fields)
        fields["category"].choices = [(c.pk, f"{c.cycle.name} — {c.name}") for c in categories]
        people = [(e.pk, f"{e.name} ({e.position or e.org_unit.name})") for e in team]
        fields["nominees"].choices = people
        fields["lead"].choices = [("", _("the first one chosen")), *people]


class InnovationForm(forms.Form):
    """Step 2: the innovation."""

    title = forms.CharField(label=_("Title of the innovation"), max_length=200)
    problem = forms.CharField(
        label=_("The problem it solves"), widget=forms.Textarea(attrs={"rows": 3})
    )
    solution = forms.CharField(label=_("The solution"), widget=forms.Textarea(attrs={"rows": 3}))
    impact = forms.CharField(
        label=_("Measurable impact"),
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Numbers before and after: time, cost, people served."),
    )
    started_on = forms.DateField(
        label=_("The innovation started on"), widget=forms.DateInput(attrs={"type": "date"})
    )

    def clean_started_on(self):
        value = self.cleaned_data["started_on"]
        if value > timezone.localdate():
            raise forms.ValidationError(_("The innovation cannot start in the future."))
        return value


class StatementsForm(forms.Form):
    """Step 3: one statement per PSM dimension of the cycle's rubric."""

    def __init__(self, *args, criteria, **kwargs):
        super().__init__(*args, **kwargs)
        for criterion in criteria:
            self.fields[criterion.code] = forms.CharField(
                label=criterion.name,
                widget=forms.Textarea(attrs={"rows": 3}),
                help_text=_("How the innovation shows this, with an example."),
            )


class ReasonForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), widget=forms.Textarea(attrs={"rows": 2}))
