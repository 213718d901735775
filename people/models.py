from __future__ import annotations

from collections.abc import Collection
from contextlib import nullcontext
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import connection, models, transaction
from django.utils.translation import gettext_lazy as _

from core.models import TimeStampedModel
from core.tree import MAX_DEPTH

from .nip import parse_nip, validate_nip
from .ranks import normalize_rank


def path_ends_with(path: str, above: int | None) -> bool:
    """Whether a stored path (``"1/5/"``) ends with ``above``, the row it
    hangs from (none: the path is empty)."""
    if above is None:
        return path == ""
    tail = f"{above}/"
    return path == tail or path.endswith(f"/{tail}")


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
    # The ids of the units above, top first, each followed by "/" ("1/5/"):
    # the units below a unit are one index range (LIKE '1/5/9/%'), where
    # following the parent links probed the index once for each of them
    # (22,000 probes below a unit of a 40,000-unit organisation). Kept by
    # save() and by refresh_unit_paths() after bulk writes.
    path = models.CharField(max_length=2000, default="", editable=False)

    class Meta:
        ordering = ["code"]
        verbose_name = _("org unit")
        verbose_name_plural = _("org units")
        indexes = [
            models.Index(fields=["path"], name="orgunit_path", opclasses=["varchar_pattern_ops"]),
        ]
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

    def _path_is_current(self) -> bool:
        """Whether the stored path still ends with the current parent."""
        return path_ends_with(self.path, self.parent_id)

    def save(self, *args, **kwargs) -> None:
        moved = False
        if self._state.adding or not self._path_is_current():
            path = ""
            if self.parent_id is not None:
                above = OrgUnit.objects.filter(pk=self.parent_id).values_list("path", flat=True)
                path = f"{above.first() or ''}{self.parent_id}/"
            moved = not self._state.adding
            self.path = path
            if kwargs.get("update_fields") is not None:
                kwargs["update_fields"] = {*kwargs["update_fields"], "path"}
        super().save(*args, **kwargs)
        if moved:
            refresh_unit_paths(below=self)

    @property
    def below_prefix(self) -> str:
        """The start of the path of every unit below this one."""
        return f"{self.path}{self.pk}/"


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
    # The supervisors' ids from the top of the line down to the direct
    # supervisor, each followed by "/" ("" at the top): everyone below X has
    # a path starting with X's path + "X/" (one index range, however large
    # the line). Kept by save() and by refresh_reporting_paths() after bulk
    # writes; never edited by hand.
    reporting_path = models.CharField(max_length=2000, default="", editable=False)

    class Meta:
        ordering = ["name", "nip"]
        verbose_name = _("employee")
        verbose_name_plural = _("employees")
        indexes = [
            # The employee list's order, read a page at a time (keyset).
            models.Index(fields=["name", "id"], name="employee_list_order"),
            # Who opted out of public recognition (a few in a hundred): the
            # wall's check that no nominee of a post did, an index lookup.
            models.Index(
                fields=["id"],
                name="employee_opted_out",
                condition=models.Q(public_recognition=False),
            ),
            # A reporting line by the prefix of its paths (LIKE 'prefix%').
            models.Index(
                fields=["reporting_path"],
                name="employee_reporting_path",
                opclasses=["varchar_pattern_ops"],
            ),
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
        from .selectors import employee_reporting_line

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
                or employee_reporting_line(employee=self).filter(pk=self.supervisor_id).exists()
            )
        ):
            errors["supervisor"] = [
                _("This supervisor reports to the employee: the reporting line would be a cycle.")
            ]
        if errors:
            raise ValidationError(errors)

    def _path_is_current(self) -> bool:
        """Whether the stored path still ends with the current supervisor."""
        return path_ends_with(self.reporting_path, self.supervisor_id)

    def save(self, *args, **kwargs) -> None:
        if self.nip and not self.birth_date:
            self.derive_from_nip()
        moved = False
        if self._state.adding or not self._path_is_current():
            path = ""
            if self.supervisor_id is not None:
                above = Employee.objects.filter(pk=self.supervisor_id)
                path = f"{above.values_list('reporting_path', flat=True).first() or ''}"
                path += f"{self.supervisor_id}/"
            moved = not self._state.adding
            self.reporting_path = path
            if kwargs.get("update_fields") is not None:
                kwargs["update_fields"] = {*kwargs["update_fields"], "reporting_path"}
        super().save(*args, **kwargs)
        if moved:
            refresh_reporting_paths(below=self)


REFRESH_BATCH = 2000


def refresh_reporting_paths(
    *, below: Employee | None = None, moved: Collection[int] | None = None
) -> int:
    """Rewrite reporting paths from the supervisor links; returns how many
    changed (PostgreSQL, SQLite ≥ 3.33).

    ``below``: everyone below that employee (whose own path is right).
    ``moved``: the employees of these ids, whose supervisor changed in a bulk
    write (an HR import), and everyone below them: the work grows with the
    moved subtrees, not with the organisation. Neither: everyone (a
    generated organisation, a repair).
    """
    if below is not None:
        return _rewrite_paths([(below.pk, below.reporting_path)], from_children=True)
    if moved is None:
        table = connection.ops.quote_name(Employee._meta.db_table)
        return _rewrite_paths(
            f"SELECT id, CAST('' AS TEXT), 0 FROM {table} WHERE supervisor_id IS NULL"  # noqa: S608
        )
    roots = _topmost_moved(set(moved))
    return sum(
        _rewrite_paths(roots[start : start + REFRESH_BATCH], probes=True)
        for start in range(0, len(roots), REFRESH_BATCH)
    )


def refresh_unit_paths(*, below: OrgUnit | None = None) -> int:
    """Rewrite the units' paths from their parent links: of the units below
    ``below`` (whose own path is right), or of every unit (after a bulk
    write, or a repair). Returns how many changed."""
    if below is not None:
        return _rewrite_paths([(below.pk, below.path)], from_children=True, tree=_UNITS)
    table = connection.ops.quote_name(OrgUnit._meta.db_table)
    return _rewrite_paths(
        f"SELECT id, CAST('' AS TEXT), 0 FROM {table} WHERE parent_id IS NULL",  # noqa: S608
        tree=_UNITS,
    )


def _topmost_moved(moved: set[int]) -> list[tuple[int, str]]:
    """The moved employees with no moved one above them, each with its new
    path. A supervisor's stored path still agrees with the supervisor links
    up to the first moved employee above it, so an employee is below a moved
    one exactly when its supervisor moved or its supervisor's stored path
    holds a moved id. Their subtrees are disjoint, so they can be rewritten
    in batches."""
    roots = []
    ordered = sorted(moved)
    for start in range(0, len(ordered), REFRESH_BATCH):
        links = dict(
            Employee.objects.filter(pk__in=ordered[start : start + REFRESH_BATCH])
            .order_by()
            .values_list("pk", "supervisor_id")
        )
        unmoved = {sup for sup in links.values() if sup is not None and sup not in moved}
        above = dict(
            Employee.objects.filter(pk__in=unmoved).order_by().values_list("pk", "reporting_path")
        )
        for pk, supervisor in links.items():
            if supervisor is None:
                roots.append((pk, ""))
            elif supervisor in above and moved.isdisjoint(
                int(part) for part in above[supervisor].split("/") if part
            ):
                roots.append((pk, f"{above[supervisor]}{supervisor}/"))
    return roots


# The trees whose paths are kept: (model, link column, path column).
_EMPLOYEES = (Employee, "supervisor_id", "reporting_path")
_UNITS = (OrgUnit, "parent_id", "path")


def _rewrite_paths(
    start: str | list[tuple[int, str]],
    *,
    from_children: bool = False,
    probes: bool = False,
    tree: tuple[type[models.Model], str, str] = _EMPLOYEES,
) -> int:
    """One recursive ``UPDATE`` down the links of ``tree`` (the supervisors,
    or the parent units) from ``start``: a query of ``(id, path, 0)`` rows,
    or ``(id, path)`` pairs whose paths are right. ``from_children``: the
    start rows keep their path (only those below them are rewritten).
    ``probes``: the subtrees are small, so follow each link by its index
    (see below)."""
    model, link, column = tree
    table = connection.ops.quote_name(model._meta.db_table)
    params: list = []
    if not isinstance(start, str):
        if not start:
            return 0
        row = "(CAST(%s AS BIGINT), CAST(%s AS TEXT), 0)"
        params = [value for pair in start for value in pair]
        start = "VALUES " + ", ".join([row] * len(start))
    sql = (
        f"WITH RECURSIVE tree(id, path, depth) AS ({start}"  # noqa: S608 (names from model meta)
        f" UNION ALL"
        f" SELECT e.id, CAST(tree.path || CAST(tree.id AS TEXT) || '/' AS TEXT), tree.depth + 1"
        f" FROM {table} e JOIN tree ON e.{link} = tree.id WHERE tree.depth < {MAX_DEPTH})"
        f" UPDATE {table} SET {column} = tree.path FROM tree"
        f" WHERE tree.id = {table}.id AND {table}.{column} <> tree.path"
    )
    if from_children:
        sql += " AND tree.depth > 0"
    with connection.cursor() as cursor:
        if not probes or connection.vendor != "postgresql":
            cursor.execute(sql, params)
            return cursor.rowcount
        # PostgreSQL guesses the recursive part's rows as ten times the start
        # and, for thousands of moved employees, hashes the whole table at
        # every level (seconds at a million). Moved subtrees are small: an
        # index probe per supervisor is right. For this statement only.
        with transaction.atomic() if not connection.in_atomic_block else nullcontext():
            cursor.execute(
                "SELECT current_setting('enable_hashjoin'), current_setting('enable_mergejoin'),"
                " set_config('enable_hashjoin', 'off', true),"
                " set_config('enable_mergejoin', 'off', true)"
            )
            hashjoin, mergejoin, *_ = cursor.fetchone()
            cursor.execute(sql, params)
            changed = cursor.rowcount
            cursor.execute(
                "SELECT set_config('enable_hashjoin', %s, true),"
                " set_config('enable_mergejoin', %s, true)",
                [hashjoin, mergejoin],
            )
        return changed


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
