"""HTML forms: they shape and validate input; the services decide."""

from __future__ import annotations

from typing import Any, cast

from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from nominations.models import Round


class WhoForm(forms.Form):
    """Step 1: the cycle, the category and who is nominated. The nominees are
    ids picked from a search over the supervisor's reporting line (``team``,
    a queryset never loaded whole); the lead is one of them, for a team
    category."""

    category = forms.TypedChoiceField(label=_("Category"), coerce=int)
    nominees = forms.TypedMultipleChoiceField(
        label=_("Nominees"), coerce=int, widget=forms.MultipleHiddenInput
    )
    lead = forms.TypedChoiceField(
        label=_("Lead (for a team)"), coerce=int, required=False, empty_value=None
    )

    def __init__(self, *args, categories, team, **kwargs):
        super().__init__(*args, **kwargs)
        self.team = team
        self.categories = {c.pk: c for c in categories}
        fields = cast(dict[str, forms.ChoiceField], self.fields)
        fields["category"].choices = [("", "—")] + [
            (c.pk, f"{c.cycle.name} — {c.name}") for c in categories
        ]
        # Any id is accepted by the field; clean_nominees checks it is in the team.
        data = cast(Any, self.data)  # a QueryDict when bound
        ids = [str(v) for v in (data.getlist("nominees") if self.is_bound else [])]
        fields["nominees"].choices = [(v, v) for v in ids if v.isdigit()]
        fields["lead"].choices = [(v, v) for v in ids if v.isdigit()]

    def clean_nominees(self):
        """The chosen employees, in the order chosen, each in the team."""
        ids = list(dict.fromkeys(self.cleaned_data["nominees"]))
        found = {e.pk: e for e in self.team.filter(pk__in=ids)}
        if len(found) != len(ids):
            raise forms.ValidationError(_("Choose people of your own reporting line."))
        return [found[pk] for pk in ids]

    def clean(self):
        data = cast(dict[str, Any], super().clean())
        category = self.categories.get(data.get("category"))
        lead = data.get("lead")
        people = data.get("nominees") or []
        if category is not None and not category.team:
            data["lead"] = None
        elif lead is not None:
            data["lead"] = next((e for e in people if e.pk == lead), None)
        return data


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


# --- cycle set-up (secretariat) -------------------------------------------------------------

DATE_INPUT = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class CycleDatesForm(forms.Form):
    nominating_on = forms.DateField(label=_("Nominations open"), required=False, widget=DATE_INPUT)
    reviewing_on = forms.DateField(label=_("Review starts"), required=False, widget=DATE_INPUT)
    deciding_on = forms.DateField(label=_("Decisions start"), required=False, widget=DATE_INPUT)
    publishing_on = forms.DateField(label=_("Publication"), required=False, widget=DATE_INPUT)
    closing_on = forms.DateField(label=_("Closing"), required=False, widget=DATE_INPUT)


class ScopeUnitField(forms.CharField):
    """An org unit given by its code (a select of every unit does not scale)."""

    def clean(self, value):
        from people.models import OrgUnit

        code = (super().clean(value) or "").strip()
        if not code:
            return None
        unit = OrgUnit.objects.filter(code__iexact=code).first()
        if unit is None:
            raise forms.ValidationError(_("No org unit has the code “%(code)s”.") % {"code": code})
        return unit


class ParentField(forms.ModelChoiceField):
    """The higher-level cycle, by name."""

    def __init__(self, **kwargs):
        from nominations.models import Cycle

        kwargs.setdefault("label", _("Higher-level cycle"))
        kwargs.setdefault(
            "help_text", _("The cycle this cycle's award winners can be put forward to.")
        )
        kwargs.setdefault("empty_label", _("none"))
        super().__init__(queryset=Cycle.objects.none(), required=False, **kwargs)


class CycleNewForm(CycleDatesForm):
    """A new cycle: empty (the default set-up) or a copy of an earlier one."""

    name = forms.CharField(label=_("Name"), max_length=200)
    copy_from = forms.TypedChoiceField(
        label=_("Start from"), coerce=int, required=False, empty_value=None
    )
    scope_unit = ScopeUnitField(
        label=_("Only for this org unit (code, optional)"),
        required=False,
        help_text=_("Only employees of this unit and the units below it can be nominated."),
    )
    parent = ParentField()
    field_order = ["name", "copy_from", "scope_unit", "parent"]

    def __init__(self, *args, cycles, **kwargs):
        super().__init__(*args, **kwargs)
        choices: list[tuple[Any, Any]] = [("", _("the default set-up"))]
        choices += [(c.pk, _("a copy of %(name)s") % {"name": c.name}) for c in cycles]
        cast(forms.ChoiceField, self.fields["copy_from"]).choices = choices
        cast(forms.ModelChoiceField, self.fields["parent"]).queryset = cycles


class CycleSettingsForm(CycleDatesForm):
    """The name, dates and rules of a cycle (rules disabled once it leaves draft)."""

    name = forms.CharField(label=_("Name"), max_length=200)
    auto_advance = forms.BooleanField(
        label=_("Advance phases on their planned dates"), required=False
    )
    scope_unit = ScopeUnitField(label=_("Only for this org unit (code)"), required=False)
    blind_review = forms.BooleanField(label=_("Blind review"), required=False)
    reviewers_per_nomination = forms.IntegerField(
        label=_("Reviewers per nomination"), min_value=1, max_value=20
    )
    min_innovation_months = forms.IntegerField(
        label=_("Minimum months the innovation has run"), min_value=0, max_value=600
    )
    max_nominations_per_unit = forms.IntegerField(
        label=_("Nominations per org unit"), min_value=1, max_value=10000, required=False
    )
    adjust_scores = forms.BooleanField(
        label=_("Adjust scores for reviewer leniency"), required=False
    )
    disagreement_rate = forms.DecimalField(
        label=_("Disagreement flag rate (%)"), min_value=0.1, max_value=50, decimal_places=1
    )
    parent = ParentField()
    promotion_min_award_level = forms.SlugField(
        label=_("Lowest award level taken from lower-level cycles (code)"),
        max_length=40,
        required=False,
        help_text=_(
            "A code of their award levels: their winners at this level or above. "
            "Empty: any award level."
        ),
    )
    promotion_quota = forms.IntegerField(
        label=_("Nominations taken from each lower-level cycle"),
        min_value=1,
        max_value=10000,
        required=False,
        help_text=_("Empty: no limit."),
    )
    field_order = ["name"]

    def __init__(self, *args, cycle, **kwargs):
        from nominations.selectors import cycle_list

        kwargs["initial"] = {
            name: getattr(cycle, name) for name in self.base_fields if name != "scope_unit"
        }
        kwargs["initial"]["scope_unit"] = cycle.scope_unit.code if cycle.scope_unit else ""
        super().__init__(*args, **kwargs)
        cast(forms.ModelChoiceField, self.fields["parent"]).queryset = (
            cycle_list().prefetch_related(None).exclude(pk=cycle.pk).order_by("-created_at")
        )
        from nominations.services.setup import RULE_FIELDS

        if cycle.phase != "draft":
            for name in RULE_FIELDS:
                self.fields[name].disabled = True


class NamesForm(forms.Form):
    name_id = forms.CharField(label=_("Name in Indonesian"), max_length=200)
    name_en = forms.CharField(label=_("Name in English"), max_length=200)

    def names(self) -> dict[str, str]:
        return {"id": self.cleaned_data["name_id"], "en": self.cleaned_data["name_en"]}


class CategoryForm(NamesForm):
    code = forms.SlugField(label=_("Code"), max_length=40)
    team = forms.BooleanField(label=_("For teams"), required=False)


class AwardLevelForm(NamesForm):
    code = forms.SlugField(label=_("Code"), max_length=40)
    min_score = forms.DecimalField(
        label=_("Minimum score"), min_value=0, max_value=100, decimal_places=2
    )
    quota = forms.IntegerField(label=_("Quota per category"), min_value=0, max_value=1000)


ROLES = [
    ("member", _("member (reviews)")),
    ("chair", _("chair")),
    ("deputy_chair", _("deputy chair")),
]


class CommitteeMemberForm(forms.Form):
    role = forms.ChoiceField(label=_("Role"), choices=ROLES)
    load_cap = forms.IntegerField(
        label=_("Most nominations to review"), min_value=0, max_value=1000, initial=20
    )
    expertise = forms.MultipleChoiceField(
        label=_("Expertise"), required=False, widget=forms.CheckboxSelectMultiple
    )

    def __init__(self, *args, categories, **kwargs):
        super().__init__(*args, **kwargs)
        cast(forms.MultipleChoiceField, self.fields["expertise"]).choices = [
            (c.code, c.name) for c in categories
        ]


class OversightForm(forms.Form):
    """The filters of a cycle's nomination list (GET); a value that does not
    fit is named by the form and left out of the filter."""

    SORTS = [
        ("submitted", _("Newest submitted")),
        ("title", _("Title")),
        ("nominee", _("Nominee")),
        ("unit", _("Unit")),
        ("category", _("Category")),
        ("status", _("Status")),
    ]

    q = forms.CharField(label=_("Search"), required=False, max_length=100)
    category = forms.TypedChoiceField(
        label=_("Category"), coerce=int, required=False, empty_value=None
    )
    status = forms.ChoiceField(label=_("Status"), required=False)
    # A unit's code takes the units below it (nominations.selectors).
    unit = forms.CharField(
        label=_("Unit"),
        required=False,
        max_length=100,
        widget=forms.TextInput(
            attrs={"type": "search", "placeholder": _("code or part of the name")}
        ),
    )
    flagged = forms.BooleanField(label=_("Flagged only"), required=False)
    sort = forms.ChoiceField(label=_("Sort by"), required=False, choices=SORTS)

    def __init__(self, *args, categories, statuses, **kwargs):
        super().__init__(*args, **kwargs)
        fields = cast(dict[str, forms.ChoiceField], self.fields)
        everything = [("", _("All"))]
        fields["category"].choices = everything + [(c.pk, c.name) for c in categories]
        fields["status"].choices = everything + list(statuses)

    def filters(self) -> dict[str, Any]:
        """The valid filters, by field (an invalid one is left out)."""
        self.is_valid()  # cleaned_data then holds the fields that are valid
        return self.cleaned_data


class LoginForm(AuthenticationForm):
    """Django's login form with its refusal in our own words (Django's
    Indonesian catalogue repeats "nama pengguna" in it)."""

    error_messages = {
        **AuthenticationForm.error_messages,
        "invalid_login": _(
            "The username or the password is wrong. Capitals and small letters count."
        ),
    }


class IncentivesForm(forms.Form):
    """A cycle's bonus budget and, per award level, an amount for each kind
    of incentive (blank: the level does not give it; 0: it gives it without
    an amount, as recognition only). Numbers as the language writes them."""

    bonus_budget = forms.DecimalField(
        label=_("Bonus budget (IDR)"), min_value=0, max_digits=16, decimal_places=2, localize=True
    )

    def __init__(self, *args, levels, **kwargs):
        from rewards.models import IncentiveKind

        super().__init__(*args, **kwargs)
        self.cells = []
        for level in levels:
            for kind in IncentiveKind:
                name = f"{level.code}-{kind.value}"
                self.fields[name] = forms.DecimalField(
                    label=f"{level.name}, {kind.label}",
                    required=False,
                    min_value=0,
                    max_digits=16,
                    decimal_places=2,
                    localize=True,
                )
                self.cells.append((name, level.code, kind.value))

    def levels(self) -> dict[str, list[dict]]:
        """``{level code: [{kind, amount}]}`` for ``incentive_policy_set``."""
        chosen: dict[str, list[dict]] = {}
        for name, level, kind in self.cells:
            chosen.setdefault(level, [])
            if self.cleaned_data.get(name) is not None:
                chosen[level].append({"kind": kind, "amount": self.cleaned_data[name]})
        return chosen


class RoundForm(forms.Form):
    """A round of a cycle (``services.rounds``): empty names take the
    kind's usual name; no panel member ticked means the whole committee."""

    kind = forms.ChoiceField(label=_("Kind"), choices=Round.Kind.choices)
    name_id = forms.CharField(label=_("Name in Indonesian"), max_length=200, required=False)
    name_en = forms.CharField(label=_("Name in English"), max_length=200, required=False)
    weight = forms.IntegerField(
        label=_("Weight in the final score"), min_value=0, max_value=100, initial=1
    )
    reviewers_per_nomination = forms.IntegerField(
        label=_("Reviewers per nomination"),
        min_value=1,
        max_value=50,
        required=False,
        help_text=_("Empty: the cycle's number."),
    )
    advance_rule = forms.ChoiceField(label=_("Who advances"), choices=Round.Rule.choices)
    advance_n = forms.IntegerField(
        label=_("N per category"), min_value=1, max_value=10000, required=False
    )
    advance_min_score = forms.DecimalField(
        label=_("Minimum score"), min_value=0, max_value=100, decimal_places=2, required=False
    )
    max_unverified_claims = forms.IntegerField(
        label=_("Disqualify with more claims not verified than"),
        min_value=0,
        max_value=30,
        required=False,
        help_text=_("Field verification only. Empty: never disqualify; 0: any claim not verified."),
    )
    starts_on = forms.DateField(
        label=_("Starts on"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    ends_on = forms.DateField(
        label=_("Ends on"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    panel = forms.MultipleChoiceField(
        label=_("Panel"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("None ticked: every reviewing member of the committee."),
    )

    def __init__(self, *args, members, **kwargs):
        super().__init__(*args, **kwargs)
        cast(forms.MultipleChoiceField, self.fields["panel"]).choices = [
            (str(m.pk), m.employee.name) for m in members
        ]

    def fields_for_service(self) -> dict:
        data = self.cleaned_data
        fields = {
            "kind": data["kind"],
            "weight": data["weight"],
            "reviewers_per_nomination": data["reviewers_per_nomination"],
            "advance": {
                "rule": data["advance_rule"],
                "n": data["advance_n"],
                "min_score": data["advance_min_score"],
            },
            "max_unverified_claims": data["max_unverified_claims"],
            "starts_on": data["starts_on"],
            "ends_on": data["ends_on"],
            "panel": [int(pk) for pk in data["panel"]],
        }
        if data["name_id"] or data["name_en"]:
            fields["names"] = {"id": data["name_id"], "en": data["name_en"]}
        return fields

    @classmethod
    def initial_of(cls, round) -> dict:
        return {
            "kind": round.kind,
            "name_id": round.name_id,
            "name_en": round.name_en,
            "weight": round.weight,
            "reviewers_per_nomination": round.reviewers_per_nomination,
            "advance_rule": round.advance_rule,
            "advance_n": round.advance_n,
            "advance_min_score": round.advance_min_score,
            "max_unverified_claims": round.max_unverified_claims,
            "starts_on": round.starts_on,
            "ends_on": round.ends_on,
            "panel": [str(m.pk) for m in round.panel.all()],
        }


class ScheduleForm(forms.Form):
    """The interview days and hours (``services.rounds.interviews_schedule``)."""

    days = forms.CharField(
        label=_("Days"),
        help_text=_("The dates, separated by commas: 2027-03-01, 2027-03-02"),
    )
    start = forms.TimeField(
        label=_("First interview at"), widget=forms.TimeInput(attrs={"type": "time"})
    )
    end = forms.TimeField(
        label=_("Last one ends by"), widget=forms.TimeInput(attrs={"type": "time"})
    )
    slot_minutes = forms.IntegerField(
        label=_("Minutes an interview"), min_value=5, max_value=240, initial=20
    )
    break_minutes = forms.IntegerField(
        label=_("Minutes between"), min_value=0, max_value=240, initial=5
    )
    rooms = forms.IntegerField(label=_("Rooms"), min_value=1, max_value=20, initial=1)

    def clean_days(self):
        import datetime as dt

        days = []
        for text in self.cleaned_data["days"].replace(" ", "").split(","):
            if not text:
                continue
            try:
                days.append(dt.date.fromisoformat(text))
            except ValueError:
                raise forms.ValidationError(
                    _("“%(text)s” is not a date (year-month-day).") % {"text": text}
                ) from None
        if not days or len(days) > 31:
            raise forms.ValidationError(_("Give between 1 and 31 dates."))
        return days

    def times(self):
        from nominations.services.rounds import InterviewTimes

        return InterviewTimes(**self.cleaned_data)
