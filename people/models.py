from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from core.models import TimeStampedModel

from .nip import parse_nip, validate_nip
from .ranks import normalize_rank


class OrgUnit(TimeStampedModel):
    """A unit of the organisation (*unit kerja*); units form a tree."""

    code = models.CharField(_("code"), max_length=32, unique=True)
    name = models.CharField(_("name"), max_length=255)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("parent unit"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="children",
    )

    class Meta:
        ordering = ["code"]
        verbose_name = _("org unit")
        verbose_name_plural = _("org units")
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(parent=models.F("id")), name="orgunit_not_own_parent"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.code} — {self.name}"

    def clean(self) -> None:
        from .selectors import orgunit_descendant_ids

        if (
            self.parent_id
            and self.pk
            and (self.parent_id == self.pk or self.parent_id in orgunit_descendant_ids(unit=self))
        ):
            raise ValidationError({"parent": _("A unit cannot be placed below itself.")})


class Employee(TimeStampedModel):
    """A civil servant (ASN). Gender and birth date are derived from the NIP."""

    class Gender(models.TextChoices):
        MALE = "M", _("male")
        FEMALE = "F", _("female")

    class PositionType(models.TextChoices):
        STRUCTURAL = "structural", _("structural")
        FUNCTIONAL = "functional", _("functional")
        EXECUTOR = "executor", _("executor")

    class EmploymentStatus(models.TextChoices):
        PNS = "pns", _("PNS (civil servant)")
        CPNS = "cpns", _("CPNS (candidate civil servant)")
        PPPK = "pppk", _("PPPK (contract civil servant)")

    nip = models.CharField(_("NIP"), max_length=18, unique=True, validators=[validate_nip])
    name = models.CharField(_("name"), max_length=255)
    gender = models.CharField(_("gender"), max_length=1, choices=Gender.choices, editable=False)
    birth_date = models.DateField(_("birth date"), editable=False)
    email = models.EmailField(_("e-mail"), blank=True)
    org_unit = models.ForeignKey(
        OrgUnit, verbose_name=_("org unit"), on_delete=models.PROTECT, related_name="employees"
    )
    position = models.CharField(_("position"), max_length=255, blank=True)
    position_type = models.CharField(
        _("position type"),
        max_length=16,
        choices=PositionType.choices,
        default=PositionType.EXECUTOR,
    )
    employment_status = models.CharField(
        _("employment status"),
        max_length=8,
        choices=EmploymentStatus.choices,
        default=EmploymentStatus.PNS,
    )
    rank = models.CharField(_("rank"), max_length=8, blank=True)
    active = models.BooleanField(_("active"), default=True)
    # The employee's own choice, changeable at any time: when False, posts
    # naming them disappear from the public wall, API and feed at once.
    public_recognition = models.BooleanField(_("show me in public recognition"), default=True)
    # The language of the pages they last chose; their e-mails are written in
    # it (empty: the site's default, Indonesian).
    language = models.CharField(_("language"), max_length=8, blank=True, choices=settings.LANGUAGES)
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("login account"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="employee",
    )
    supervisor = models.ForeignKey(
        "self",
        verbose_name=_("supervisor"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="subordinates",
    )

    class Meta:
        ordering = ["name", "nip"]
        verbose_name = _("employee")
        verbose_name_plural = _("employees")
        indexes = [
            # The employee list's order, read a page at a time (keyset).
            models.Index(fields=["name", "id"], name="employee_list_order"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(supervisor=models.F("id")), name="employee_not_own_supervisor"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.nip})"

    def derive_from_nip(self) -> None:
        parsed = parse_nip(self.nip)
        self.nip = parsed.nip
        self.gender = parsed.gender
        self.birth_date = parsed.birth_date

    def clean(self) -> None:
        from .selectors import employee_reporting_line_ids

        errors: dict[str, list] = {}
        try:
            self.derive_from_nip()
        except ValidationError as exc:
            errors["nip"] = exc.messages
        try:
            self.rank = normalize_rank(self.rank, employment_status=self.employment_status)
        except ValidationError as exc:
            errors["rank"] = exc.messages
        if (
            self.supervisor_id
            and self.pk
            and (
                self.supervisor_id == self.pk
                or self.supervisor_id in employee_reporting_line_ids(employee=self)
            )
        ):
            errors["supervisor"] = [
                _("This supervisor reports to the employee: the reporting line would be a cycle.")
            ]
        if errors:
            raise ValidationError(errors)

    def save(self, *args, **kwargs) -> None:
        if self.nip and not self.birth_date:
            self.derive_from_nip()
        super().save(*args, **kwargs)


class AppendOnlyQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise TypeError("Career events are append-only: they cannot be updated.")

    def delete(self):
        raise TypeError("Career events are append-only: they cannot be deleted.")


class CurrentTransactionId(models.Func):
    """The writing transaction's top-level id on PostgreSQL (``0`` elsewhere).

    The career feed orders by it: a row whose transaction id is below the
    oldest transaction still running is final, and no row can later appear
    before it, so consumers never miss an event that committed late.
    """

    output_field = models.BigIntegerField()

    def as_sql(self, compiler, connection, **extra_context):  # type: ignore[override]
        return "0", []

    def as_postgresql(self, compiler, connection, **extra_context):
        return "(pg_current_xact_id()::text::bigint)", []


class CareerEvent(models.Model):
    """One entry of an employee's career ledger. Append-only.

    The database refuses ``UPDATE`` and ``DELETE`` on this table (triggers in
    migration 0002); the model and queryset refuse them earlier with a clear
    error. A correction is a new event with the opposite amount.
    """

    class Kind(models.TextChoices):
        AWARD = "award", _("award")
        BONUS = "bonus", _("bonus")
        TRAINING = "training", _("training entitlement")
        CREDIT_POINTS = "credit_points", _("credit points (angka kredit)")
        TALENT_POOL = "talent_pool", _("talent-pool nomination")
        RECOGNITION = "recognition", _("recognition")

    employee = models.ForeignKey(
        Employee,
        verbose_name=_("employee"),
        on_delete=models.PROTECT,
        related_name="career_events",
    )
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)
    amount = models.DecimalField(_("amount"), max_digits=16, decimal_places=2, default=Decimal(0))
    unit = models.CharField(_("unit"), max_length=16, blank=True)
    # Where the event comes from, e.g. {"cycle": 1, "nomination": 7, "award_level": "gold"}.
    source = models.JSONField(_("source"), default=dict, blank=True)
    # A caller-chosen key that makes appending idempotent ("incentive:42").
    reference = models.CharField(_("reference"), max_length=100, blank=True)
    note = models.CharField(_("note"), max_length=255, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    txid = models.BigIntegerField(db_default=CurrentTransactionId(), editable=False)

    objects = AppendOnlyQuerySet.as_manager()

    class Meta:
        ordering = ["id"]
        verbose_name = _("career event")
        verbose_name_plural = _("career events")
        constraints = [
            models.UniqueConstraint(
                fields=["reference"],
                condition=~models.Q(reference=""),
                name="careerevent_unique_reference",
            ),
        ]
        indexes = [models.Index(fields=["txid", "id"], name="careerevent_feed_order")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.amount} {self.unit} → {self.employee_id}"

    def save(self, *args, **kwargs) -> None:
        if not self._state.adding:
            raise TypeError("Career events are append-only: they cannot be updated.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise TypeError("Career events are append-only: they cannot be deleted.")


class CareerProfile(models.Model):
    """Running totals of an employee's career ledger, kept by ``career_event_append``."""

    employee = models.OneToOneField(
        Employee,
        verbose_name=_("employee"),
        on_delete=models.PROTECT,
        primary_key=True,
        related_name="career_profile",
    )
    credit_points_total = models.DecimalField(
        _("credit points total"), max_digits=12, decimal_places=2, default=Decimal(0)
    )
    awards_received = models.PositiveIntegerField(_("awards received"), default=0)
    awards_last_five_years = models.PositiveIntegerField(
        _("awards in the last five years"), default=0
    )
    training_hours_entitlement = models.DecimalField(
        _("training hours entitlement"), max_digits=10, decimal_places=2, default=Decimal(0)
    )
    talent_pool = models.BooleanField(_("talent pool"), default=False)
    last_award_date = models.DateField(_("last award date"), null=True, blank=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("career profile")
        verbose_name_plural = _("career profiles")

    def __str__(self) -> str:
        return f"{self.employee_id}"


class TokenUse(models.Model):
    """When an API token (DRF's ``authtoken.Token``) was last used: a token
    idle for longer than ``API_TOKEN_IDLE_DAYS`` is refused and deleted
    (``people.authentication``). Updated at most once a minute per token."""

    token = models.OneToOneField(
        "authtoken.Token", on_delete=models.CASCADE, primary_key=True, related_name="use"
    )
    last_used_at = models.DateTimeField()

    class Meta:
        verbose_name = _("API token use")
        verbose_name_plural = _("API token uses")

    def __str__(self) -> str:
        return f"{self.last_used_at:%Y-%m-%d %H:%M}"
