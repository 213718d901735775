"""Lists, pages and jobs at national scale against a small organisation.

Builds two organisations on scratch PostgreSQL databases with
``INSERT … SELECT`` (no services, no Python loops over rows):

* small: 10,000 employees in 400 units, 5 cycles of 200 nominations;
* big: 1,000,000 employees in 40,000 units (8 levels), 5 cycles of 20,000
  nominations (100,000), 3 reviews each (300,000), 5 career events an
  employee (5,000,000), a recognition post and a certificate for every
  nomination of the four published cycles (80,000 each).

Then, through the whole Django stack in-process (the API with a token, the
pages with a session), it times every list endpoint and page at its first,
a middle and its last page, and prints small time, big time, their ratio
and the query count of each. Goals (issue 16): page 1 within 150 ms, any
page within 3× its small-organisation time, the ranking page under 1 s.
A line that misses its goal is marked ``MISS`` and the script exits 1.

Each organisation is built and measured in a subprocess of its own (its
own database, its own Django), so one cannot warm the other's caches. The
databases get the settings docker-compose.yml gives PostgreSQL (``jit``
off, ``work_mem``).

Jobs, run first in a fresh process and rolled back afterwards: an HR import
of 20,000 rows (5,000 people move, 15,000 are new), with the process's peak
memory (goal: under 200 MB), and the reviewer assignment of 5,000
nominations to 300 reviewers, with the growth of the process's memory
(goal: at most 50 MB more than in the small organisation, where the cycle
is the same: what grows with the organisation is the supervisor chains it
reads); both within 3× their small-organisation time.

    .venv/bin/python bench/scale.py [--scale 1.0] [--repeat 5]

``--scale 0.1`` builds a big organisation of 100,000 (a quick look).
"""

from __future__ import annotations

import argparse
import base64
import datetime as dt
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlencode

HERE = Path(__file__).resolve().parent

SMALL = {"employees": 10_000, "units": 400, "per_cycle": 200}
BIG = {"employees": 1_000_000, "units": 40_000, "per_cycle": 20_000}
CYCLES = 5
EVENTS_EACH = 5
PAGE_1_GOAL = 0.150
RATIO_GOAL = 3.0
# Marks a line whose answer itself grows with the organisation: no ratio goal.
GROWS = " (answer grows)"
RANKING_PAGE_GOAL = 1.0
# PostgreSQL's settings in docker-compose.yml (no JIT for short queries).
DEPLOYED = {"jit": "off", "work_mem": "16MB"}
IMPORT_PEAK_MB = 200  # the importing process's peak resident memory
ASSIGNMENT_GROWTH_MB = 50

FIRST = ["Ahmad", "Budi", "Citra", "Dewi", "Eko", "Fitri", "Gita", "Hendra", "Indah", "Joko",
         "Kartika", "Lestari", "Made", "Nur", "Oktavia", "Putu", "Rahmat", "Sari", "Teguh",
         "Wayan", "Yusuf", "Zainal", "Agus", "Bambang", "Dian", "Endang", "Fajar", "Hadi",
         "Ika", "Kurnia", "Lia", "Rina"]  # fmt: skip
LAST = ["Santoso", "Wijaya", "Saputra", "Hidayat", "Lestari", "Pratama", "Kusuma",
        "Nugroho", "Siregar", "Nasution", "Harahap", "Simanjuntak", "Wibowo", "Setiawan",
        "Gunawan", "Susanto", "Halim", "Rahayu", "Utami", "Permana", "Hakim", "Syahputra",
        "Purnomo"]  # fmt: skip


def sql_array(words: list[str]) -> str:
    return "(ARRAY[" + ",".join(f"'{w}'" for w in words) + "])"


# --- building -------------------------------------------------------------------


def build(size: dict) -> dict:  # noqa: PLR0915 (one organisation, step by step)
    """The organisation, its cycles and their rows; returns what the probes need."""
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Group
    from django.db import connection
    from rest_framework.authtoken.models import Token

    from nominations import services
    from nominations.models import Category, CommitteeMember, Cycle
    from people.models import Employee, refresh_reporting_paths, refresh_unit_paths

    n, units, per_cycle = size["employees"], size["units"], size["per_cycle"]
    started = time.perf_counter()
    with connection.cursor() as cur:
        # Units: fan-out 4 (8 levels at 40,000); unit i's head is employee i.
        cur.execute(
            "INSERT INTO people_orgunit (id, created_at, updated_at, code, name, parent_id, path)"
            " SELECT i, now(), now(), 'U' || i, 'Unit ' || i,"
            " CASE WHEN i = 1 THEN NULL ELSE (i - 2) / 4 + 1 END, ''"
            " FROM generate_series(1, %s) i",
            [units],
        )
        # Employees: names from Indonesian first and last names plus a number
        # (so that name order is not id order); the heads first.
        cur.execute(
            "INSERT INTO people_employee (id, created_at, updated_at, nip, name, gender,"
            " birth_date, email, position, position_type, employment_status, rank, active,"
            " supervisor_id, org_unit_id, public_recognition, language, reporting_path)"
            " SELECT j, now(), now(),"
            " to_char(date '1965-01-01' + j %% 12000, 'YYYYMMDD') || '199801'"
            "   || ((j / 12000) %% 2 + 1) || lpad((j / 24000 + 1)::text, 3, '0'),"
            f" {sql_array(FIRST)}[1 + (j * 7) %% {len(FIRST)}] || ' '"
            f"   || {sql_array(LAST)}[1 + (j * 13) %% {len(LAST)}] || ' ' || j,"
            " CASE WHEN j %% 2 = 0 THEN 'F' ELSE 'M' END, date '1965-01-01' + j %% 12000,"
            " 'p' || j || '@example.go.id', 'Analis', 'executor', 'pns', 'III/a', true,"
            " CASE WHEN j <= %(units)s THEN CASE WHEN j = 1 THEN NULL"
            "   ELSE (j - 2) / 4 + 1 END ELSE (j - 1) %% %(units)s + 1 END,"
            " CASE WHEN j <= %(units)s THEN j ELSE (j - 1) %% %(units)s + 1 END,"
            " j %% 50 <> 0, '', ''"
            " FROM generate_series(1, %(n)s) j",
            {"units": units, "n": n},
        )
        cur.execute(
            "INSERT INTO people_careerevent (kind, amount, unit, source, reference, note,"
            " created_at, employee_id)"
            " SELECT 'credit', 1, 'points', '{}'::jsonb, '', 'Angka kredit',"
            " now() - (k || ' days')::interval, j"
            f" FROM generate_series(1, %s) j, generate_series(1, {EVENTS_EACH}) k",
            [n],
        )
        refresh_reporting_paths()  # as an HR import does after its bulk writes
        refresh_unit_paths()
        for table in ("people_orgunit", "people_employee"):
            cur.execute(
                f"SELECT setval(pg_get_serial_sequence('{table}', 'id'),"
                f" (SELECT max(id) FROM {table}))"
            )
    cycles = []
    for c in range(CYCLES):
        cycle = services.cycle_create(name=f"Anugerah {2021 + c}")
        cycles.append(cycle)
    ranking_cycle = cycles[-1]
    with connection.cursor() as cur:
        for index, cycle in enumerate(cycles):
            published = cycle is not ranking_cycle
            categories = list(Category.objects.filter(cycle=cycle).values_list("id", flat=True))
            level = cycle.award_levels.order_by("min_score").values_list("id", flat=True).first()
            round_id = cycle.rounds.get().pk
            # 300 committee members, from the middle of the organisation.
            members = CommitteeMember.objects.bulk_create(
                CommitteeMember(cycle=cycle, employee_id=units + 1 + index * 300 + m, load_cap=999)
                for m in range(300)
            )
            first_member = members[0].pk
            cur.execute(
                "INSERT INTO nominations_nomination (created_at, updated_at, title, problem,"
                " solution, impact, psm_statements, status, submitted_at, screening_reason,"
                " decision_rationale, decision_override, decided_at, award_level_id,"
                " category_id, cycle_id, nominator_id, round_id)"
                " SELECT now() - (k || ' minutes')::interval, now(), 'Inovasi ' || k,"
                " 'Masalah', 'Solusi', 'Dampak', '{}'::jsonb, %(status)s, now(), '', '', false,"
                " %(decided)s, %(level)s, (%(categories)s::bigint[])[1 + k %% 6], %(cycle)s,"
                " 1 + k %% %(units)s, %(round)s FROM generate_series(1, %(count)s) k",
                {
                    "status": "published" if published else "reviewed",
                    "decided": None if not published else "2026-01-01T00:00:00Z",
                    "level": level if published else None,
                    "categories": categories,
                    "cycle": cycle.pk,
                    "units": units,
                    "round": round_id,
                    "count": per_cycle,
                },
            )
            # The lead nominee: an employee of the nominator's unit.
            cur.execute(
                "INSERT INTO nominations_nominee (is_lead, employee_id, nomination_id,"
                " mail_attempts, mail_error)"
                " SELECT true,"
                " nominator_id + %(units)s * (1 + (id * 7) %% (%(n)s / %(units)s - 1)),"
                " id, 0, '' FROM nominations_nomination WHERE cycle_id = %(cycle)s",
                {"units": units, "n": n, "cycle": cycle.pk},
            )
            cur.execute(
                "INSERT INTO nominations_assignment (status, expertise_match, created_at,"
                " member_id, nomination_id, conflict, round_id)"
                " SELECT 'submitted', false, now(), %(first)s + (id + r * 101) %% 300, id, '',"
                " %(round)s FROM nominations_nomination, generate_series(0, 2) r"
                " WHERE cycle_id = %(cycle)s",
                {"first": first_member, "round": round_id, "cycle": cycle.pk},
            )
            criteria = list(cycle.rubric.criteria.values_list("code", "weight", "group"))
            value = {code: f"(1 + (a.id * {7 + i * 3} + {i}) %% 5)" for i, (code, _w, _g) in
                     enumerate(criteria)}  # fmt: skip
            scores = ", ".join(f"'{code}', {value[code]}" for code, _w, _g in criteria)
            total = " + ".join(f"{w} * ({value[code]} - 1) / 4.0" for code, w, _g in criteria)
            psm = " + ".join(
                f"{w} * ({value[code]} - 1) / 4.0" for code, w, g in criteria if g == "psm"
            )
            cur.execute(
                "INSERT INTO nominations_review (scores, comments, submitted_at, score,"
                " psm_score, innovation_score, updated_at, assignment_id)"
                f" SELECT jsonb_build_object({scores}), '{{}}'::jsonb, now(), {total},"
                f" ({psm}) * 100 / 40, (({total}) - ({psm})) * 100 / 60, now(), a.id"
                " FROM nominations_assignment a JOIN nominations_nomination n"
                " ON n.id = a.nomination_id WHERE n.cycle_id = %s",
                [cycle.pk],
            )
            if published:
                cur.execute(
                    "INSERT INTO rewards_recognitionpost (created_at, updated_at, names, title,"
                    " body, published_at, award_level_id, category_id, cycle_id, lead_id,"
                    " nomination_id, org_unit_id, body_en, title_en)"
                    " SELECT now(), now(), e.name, n.title, 'Inovasi yang melayani.',"
                    " %(published)s::timestamptz + (n.id || ' seconds')::interval,"
                    " n.award_level_id, n.category_id, n.cycle_id, e.id, n.id, e.org_unit_id,"
                    " 'An innovation that serves.', n.title"
                    " FROM nominations_nomination n JOIN nominations_nominee ne"
                    " ON ne.nomination_id = n.id AND ne.is_lead"
                    " JOIN people_employee e ON e.id = ne.employee_id WHERE n.cycle_id = %(c)s",
                    {"published": f"{2021 + index}-12-01T00:00:00Z", "c": cycle.pk},
                )
                cur.execute(
                    "INSERT INTO certificates_certificate (created_at, updated_at, status,"
                    " verification_code, file, sha256, template_version, issued_at, attempts,"
                    " error, revoked_reason, nomination_id, recipient_id)"
                    " SELECT now(), now(), 'issued', upper(substr(md5(ne.id::text), 1, 16)),"
                    " '', '', '1', now(), 1, '', '', ne.nomination_id, ne.employee_id"
                    " FROM nominations_nominee ne JOIN nominations_nomination n"
                    " ON n.id = ne.nomination_id WHERE n.cycle_id = %s",
                    [cycle.pk],
                )
    for cycle in cycles:
        phase = "deciding" if cycle is ranking_cycle else "closed"
        Cycle.objects.filter(pk=cycle.pk).update(
            phase=phase, published_at=None if cycle is ranking_cycle else "2026-01-01T00:00:00Z"
        )
    # Logins: the secretariat; a level-1 head (a quarter of everyone below);
    # a head of a bottom unit (a small team); a nominee; the ranking's chair.
    User = get_user_model()
    secretariat = User.objects.create_user("sekretariat")
    secretariat.groups.add(Group.objects.get_or_create(name="secretariat")[0])
    logins = {"secretariat": secretariat}
    staff = Employee.objects.filter(nominations_received__is_lead=True).order_by("id").first()
    chair = services.committee_member_add(
        cycle=ranking_cycle, employee=Employee.objects.get(pk=n - 1), is_chair=True
    )
    heads = {"big supervisor": 2, "team supervisor": units}
    for role, employee_id in {**heads, "staff": staff.pk, "chair": chair.employee_id}.items():
        user = User.objects.create_user(role.replace(" ", "-"))
        Employee.objects.filter(pk=employee_id).update(user=user)
        logins[role] = user
    with connection.cursor() as cur:
        cur.execute("VACUUM ANALYZE")  # as autovacuum would after a bulk load
        # As docs/deployment.md asks after a first import: the name search's
        # GIN index, grown row by row, is 2.5 times its size and as slow.
        cur.execute("REINDEX INDEX employee_name_trgm")
    tokens = {role: Token.objects.create(user=user).key for role, user in logins.items()}
    return {
        "tokens": tokens,
        "users": {role: user.pk for role, user in logins.items()},
        "ranking_cycle": ranking_cycle.pk,
        "level_1_unit": 2,
        "built_seconds": time.perf_counter() - started,
    }


# --- probing --------------------------------------------------------------------


def page_urls(client, url: str, token: str, middle=None) -> dict[str, str]:
    """The first, a middle and the last page of a paginated list, from the
    list's own answer: page numbers, or for a list read by cursor its
    ``last`` link and a cursor placed at ``middle()``, the sort value of a
    row half way down (as a reader who followed ``next`` would get)."""
    sep = "&" if "?" in url else "?"
    header = {"HTTP_AUTHORIZATION": f"Token {token}"} if token else {}
    first = client.get(url, **header)
    assert first.status_code == 200, (url, first.status_code, first.content[:300])
    body = first.json()
    pages = {"page 1": url}
    if "last" in body:  # keyset pagination
        if body["last"]:
            if middle is not None:
                cursor = base64.b64encode(urlencode({"p": middle()}).encode()).decode()
                pages["middle"] = f"{url}{sep}{urlencode({'cursor': cursor})}"
            pages["last"] = body["last"]
        return pages
    size = len(body["results"]) or 1
    count = body["count"]
    last = max(1, -(-count // size))
    if last > 2:
        pages["middle"] = f"{url}{sep}page={last // 2}"
    if last > 1:
        pages["last"] = f"{url}{sep}page={last}"
    return pages


def middle_of(queryset, *ordering: str):
    """The sort value half way down a list (not timed), as its cursor holds it."""

    def position():
        field = ordering[0].lstrip("-")
        ordered = queryset.order_by(*ordering).values_list(field, flat=True)
        return str(ordered[queryset.count() // 2])

    return position


def middle_name(queryset):
    return middle_of(queryset, "name", "id")


def timed(fn, repeat: int) -> tuple[float, int, int]:
    """Median seconds of ``repeat`` calls after a warm-up; queries and bytes of one."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as ctx:
        response = fn()
    assert response.status_code == 200, (response.status_code, response.content[:300])
    queries, size = len(ctx.captured_queries), len(response.content)
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times), queries, size


class _Undo(Exception):
    """Raised to roll a measured job back, so a kept database stays as built."""


def _rss_kb(field: str) -> int:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(field):
            return int(line.split()[1])
    raise LookupError(field)


def job(fn, repeat: int) -> dict:
    """A job's median time and its peak memory growth (the process's peak
    resident set, reset before each run, above its size at the start), each
    run in a transaction rolled back afterwards."""
    import gc

    from django.db import transaction

    times, growth, peak = [], [], []
    for _ in range(repeat):
        gc.collect()
        Path("/proc/self/clear_refs").write_text("5")  # peak RSS := current RSS
        before = _rss_kb("VmRSS:")
        start = time.perf_counter()
        try:
            with transaction.atomic():
                fn()
                raise _Undo
        except _Undo:
            pass
        times.append(time.perf_counter() - start)
        peak.append(_rss_kb("VmHWM:"))
        growth.append(peak[-1] - before)
    return {
        "s": statistics.median(times),
        "q": 0,
        "bytes": 0,
        "peak_mb": max(peak) / 1024,
        "growth_mb": max(growth) / 1024,
    }


IMPORT_ROWS, IMPORT_MOVED = 20_000, 5_000


def fresh_process_mb() -> float:
    """The resident memory of a new process with Django set up and the
    importer loaded, as a worker or ``manage.py import_employees`` holds it."""
    code = (
        "import django; django.setup(); import people.importer;"
        "print([l.split()[1] for l in open('/proc/self/status') if l.startswith('VmHWM')][0])"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], check=True, capture_output=True, text=True,
        cwd=HERE.parent, env={**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings.base"},
    )  # fmt: skip
    return int(out.stdout.split()[-1]) / 1024


def import_file() -> bytes:
    """An HR file of ``IMPORT_ROWS``: the ``IMPORT_MOVED`` newest employees
    (staff, nobody below them) move to employee 3, and the rest are new
    people in a tree of their own below employee 4."""
    import csv
    import io

    from people.models import Employee

    moved = list(  # born early enough for their NIP's appointment date to be valid
        Employee.objects.filter(birth_date__lt=dt.date(1979, 1, 1))
        .order_by("-id")
        .values_list("nip", "name", "org_unit__code")[:IMPORT_MOVED]
    )
    boss, head = (Employee.objects.get(pk=pk).nip for pk in (3, 4))
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["nip", "name", "org_unit", "supervisor_nip"])
    for nip, name, unit in moved:
        writer.writerow([nip, name, unit, boss])
    new = IMPORT_ROWS - IMPORT_MOVED
    nips = [
        f"{dt.date(1980, 1, 1) + dt.timedelta(days=k % 3000):%Y%m%d}201001"
        f"{(k // 3000) % 2 + 1}{k // 6000 + 1:03d}"
        for k in range(new)
    ]
    for k, nip in enumerate(nips):
        boss_of_new = nips[(k - 1) // 8] if k else head
        writer.writerow([nip, f"Pegawai Baru {k}", f"U{1 + k % 400}", boss_of_new])
    return out.getvalue().encode()


def assignment_setup(n: int):
    """A cycle in review: 5,000 nominations of one nominee each and 300
    reviewers, spread over the whole organisation."""
    from data import review_cycle

    step = (n - 1000) // 5300
    people = [1000 + k * step for k in range(5300)]
    cycle, _members, _nominations = review_cycle(
        members=people[:300], nominees=people[300:], nominators=[1], cap=55
    )
    return cycle


def jobs(facts: dict, repeat: int, only: str | None, results: dict) -> None:
    import io

    n = facts["size"]["employees"]
    name = f"job: HR import of {IMPORT_ROWS:,} rows ({IMPORT_MOVED:,} move)"
    if not only or only in name:
        from people.importer import EmployeeImporter

        data = import_file()

        def run_import():
            result = EmployeeImporter().run(io.BytesIO(data), "hr.csv")
            assert not result.errors, result.errors[:3]
            assert result.created + result.updated == IMPORT_ROWS, result.created

        results[name] = job(run_import, max(1, repeat // 2))
        # An import runs in a process of its own (a worker, the command):
        # its peak is a fresh Django process's memory plus the job's growth,
        # not this process's, which holds what the probes loaded.
        results[name]["peak_mb"] = fresh_process_mb() + results[name]["growth_mb"]
    name = "job: reviewer assignment, 5,000 × 300"
    if not only or only in name:
        from nominations.assignment import reviewers_assign

        def run_assignment():
            cycle = assignment_setup(n)
            result = reviewers_assign(cycle_id=cycle.pk)
            assert result.assigned == 15_000, result.assigned

        results[name] = job(run_assignment, max(1, repeat // 2))


def probe(facts: dict, repeat: int, only: str | None) -> dict:  # noqa: PLR0915 (one per line)
    from django.contrib.auth import get_user_model
    from django.test import Client

    User = get_user_model()
    api = Client()
    tokens = facts["tokens"]
    cycle = facts["ranking_cycle"]
    results: dict[str, dict] = {}
    jobs(facts, repeat, only, results)  # first: their memory is measured on a fresh process
    # The jobs' rolled-back runs leave dead rows (25 times the small
    # organisation's employees) and 150,000 names added to the search's GIN
    # index and taken out again (ten times what one import adds; 38 → 48 MB,
    # a search for one person 5 → 25 ms): cleared, as autovacuum would, and
    # the index rebuilt as docs/deployment.md says after large imports, so
    # that no list below is measured on the traces of work that never was.
    from django.db import connection

    with connection.cursor() as cur:
        cur.execute("VACUUM ANALYZE")
        cur.execute("REINDEX INDEX employee_name_trgm")

    def api_list(name: str, url: str, role: str | None, middle=None) -> None:
        if only and only not in name:
            return
        token = tokens[role] if role else ""
        header = {"HTTP_AUTHORIZATION": f"Token {token}"} if role else {}
        for where, page in page_urls(api, url, token, middle).items():
            seconds, queries, size = timed(lambda page=page: api.get(page, **header), repeat)
            answer = api.get(page, **header).json()
            # One page holding the whole list: its rows are counted, no count query.
            whole = answer.get("next") is None and answer.get("previous") is None
            results[f"{name}, {where}"] = {
                "s": seconds, "q": queries, "bytes": size, "whole": whole,
            }  # fmt: skip

    def web_page(name: str, url: str, role: str | None) -> None:
        if only and only not in name:
            return
        client = Client()
        if role:
            client.force_login(User.objects.get(pk=facts["users"][role]))
        seconds, queries, size = timed(lambda: client.get(url), repeat)
        results[name] = {"s": seconds, "q": queries, "bytes": size}

    from people.models import Employee
    from people.selectors import employee_reporting_line, orgunit_subtree

    everyone = Employee.objects.all()
    quarter = employee_reporting_line(employee=Employee.objects.get(pk=2))
    unit = Employee.objects.filter(org_unit__in=orgunit_subtree(unit=facts["level_1_unit"]))
    api_list("API employees (secretariat)", "/api/v1/employees", "secretariat",
             middle_name(everyone))  # fmt: skip
    api_list("API employees (supervisor of a quarter)", "/api/v1/employees", "big supervisor",
             middle_name(quarter))  # fmt: skip
    api_list("API employees (team supervisor)", "/api/v1/employees", "team supervisor")
    api_list(
        "API employees, unit filter (secretariat)",
        f"/api/v1/employees?unit={facts['level_1_unit']}",
        "secretariat",
        middle_name(unit),
    )
    # A common first name: 3 % of everyone, so its answer grows with the
    # organisation (a page costs the matches' sort); and one person's name.
    api_list(f"API employees, search a common name{GROWS}", "/api/v1/employees?search=Sari",
             "secretariat", middle_name(everyone.filter(name__icontains="Sari")))  # fmt: skip
    person = Employee.objects.get(pk=facts["size"]["employees"] // 2).name
    api_list("API employees, search one person (secretariat)",
             f"/api/v1/employees?{urlencode({'search': person})}", "secretariat")  # fmt: skip
    from certificates.models import Certificate
    from nominations.models import Nomination
    from rewards.models import RecognitionPost

    nominations = Nomination.objects.all()
    api_list("API nominations (secretariat)", "/api/v1/nominations", "secretariat",
             middle_of(nominations, "-created_at", "-id"))  # fmt: skip
    api_list(
        "API nominations of a cycle (secretariat)",
        f"/api/v1/nominations?cycle={cycle}",
        "secretariat",
        middle_of(nominations.filter(cycle_id=cycle), "-created_at", "-id"),
    )
    api_list("API nominations (staff)", "/api/v1/nominations", "staff")
    api_list("API certificates (secretariat)", "/api/v1/certificates", "secretariat",
             middle_of(Certificate.objects.all(), "-id"))  # fmt: skip
    api_list("API recognitions (public)", "/api/v1/recognitions", None,
             middle_of(RecognitionPost.objects.all(), "-published_at", "-id"))  # fmt: skip
    api_list("API ranking of the biggest cycle (chair)", f"/api/v1/cycles/{cycle}/ranking", "chair")
    computed_name = "API ranking, computed (cache cleared)"
    if not only or only in computed_name:
        from django.core.cache import cache

        url = f"/api/v1/cycles/{cycle}/ranking"
        header = {"HTTP_AUTHORIZATION": f"Token {tokens['chair']}"}

        from nominations.selectors import kept_rankings_forget

        def computed():
            cache.clear()  # the statistics computed again, not read from the cache
            kept_rankings_forget()  # nor from this process's
            return api.get(url, **header)

        seconds, queries, size = timed(computed, repeat)
        results[computed_name] = {
            "s": seconds,
            "q": queries,
            "bytes": size,
        }
    web_page("page: recognition wall", "/recognitions", None)
    web_page("page: my team (supervisor of a quarter)", "/team", "big supervisor")
    web_page("page: ranking of the biggest cycle", f"/cycles/{cycle}/ranking", "chair")
    web_page("page: nominations of a cycle", f"/cycles/{cycle}/nominations", "secretariat")
    return results


def run_one(which: str, args) -> None:
    scale, repeat, out = args.scale, args.repeat, args.out
    sys.path.insert(0, str(HERE))
    from scratch import scratch_django

    size = dict(SMALL if which == "small" else BIG)
    if which == "big":
        size = {key: max(1, int(value * scale)) for key, value in size.items()}
    reuse = getattr(args, which)
    with scratch_django(f"scale_{which}", keep=args.keep, reuse=reuse):
        from django.core.management import call_command
        from django.db import connection

        call_command("collectstatic", interactive=False, verbosity=0)  # pages as served
        with connection.cursor() as cur:  # the database as docker-compose runs it
            name = connection.settings_dict["NAME"]
            for setting, value in DEPLOYED.items():
                cur.execute(f"ALTER DATABASE {name} SET {setting} = '{value}'")
        connection.close()  # the settings apply from the next connection
        with connection.cursor() as cur:
            if reuse:
                cur.execute("SELECT facts FROM bench_facts")
                facts = json.loads(cur.fetchone()[0])
                size = facts["size"]
            else:
                facts = build(size)
                facts["size"] = size
                cur.execute("CREATE TABLE bench_facts (facts text)")
                cur.execute("INSERT INTO bench_facts VALUES (%s)", [json.dumps(facts)])
        facts["per_cycle"] = size["per_cycle"]
        built = facts["built_seconds"]
        print(f"{which}: built {size} in {built:.0f} s", file=sys.stderr, flush=True)
        results = probe(facts, repeat, args.only)
    Path(out).write_text(json.dumps({"size": size, "built": built, "results": results}))


def main() -> None:  # noqa: PLR0912, PLR0915 (one goal per kind of line)
    parser = argparse.ArgumentParser()
    parser.add_argument("--scale", type=float, default=1.0, help="of the big organisation")
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--keep", action="store_true", help="keep both databases")
    parser.add_argument("--small", help="measure on this kept database instead of building one")
    parser.add_argument("--big", help="measure on this kept database instead of building one")
    parser.add_argument("--only", help="measure only what has this in its name")
    parser.add_argument("--one", choices=["small", "big"], help=argparse.SUPPRESS)
    parser.add_argument("--out", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.one:
        run_one(args.one, args)
        return
    answers = {}
    with tempfile.TemporaryDirectory() as tmp:
        for which in ("small", "big"):
            out = os.path.join(tmp, f"{which}.json")
            subprocess.run(
                [sys.executable, __file__, "--one", which, "--out", out,
                 "--scale", str(args.scale), "--repeat", str(args.repeat),
                 *(["--keep"] if args.keep else []),
                 *(["--only", args.only] if args.only else []),
                 *([f"--{which}", getattr(args, which)] if getattr(args, which) else [])],
                check=True,
            )  # fmt: skip
            answers[which] = json.loads(Path(out).read_text())
    small, big = answers["small"]["results"], answers["big"]["results"]
    print(f"small: {answers['small']['size']}  big: {answers['big']['size']}")
    print(f"{'list, page or job':<58}{'small s':>9}{'big s':>8}{'× small':>9}"
          f"{'queries':>9}{'big KB':>8}  goal")  # fmt: skip
    missed = 0
    for name, b in big.items():
        s = small.get(name)
        if s is None:
            print(f"{name:<58}{'—':>9}{b['s']:>8.3f}{'':>9}{b['q']:>9}{b['bytes'] // 1024:>8}")
            continue
        ratio = b["s"] / s["s"]
        goals = []
        if name.startswith("page: ranking"):
            goals.append(("< 1 s", b["s"] < RANKING_PAGE_GOAL))
        elif "computed" in name:  # a job: statistics once per change of reviews
            goals = []
        elif name.endswith("page 1") or name.startswith("page:"):
            goals.append(("≤ 150 ms", b["s"] <= PAGE_1_GOAL))
        if "computed" not in name and GROWS not in name:
            goals.append(("≤ 3×", ratio <= RATIO_GOAL))
        # The same queries at both sizes; but for the count, which a list
        # held in one page (the small one's, not the big one's) does not need.
        counted = 1 if s.get("whole") and not b.get("whole") else 0
        if b["q"] not in {s["q"], s["q"] + counted}:
            goals.append((f"queries {s['q']} → {b['q']}", False))
        if "import" in name:
            goals.append((f"peak {b['peak_mb']:.0f} MB < {IMPORT_PEAK_MB}",
                          b["peak_mb"] < IMPORT_PEAK_MB))  # fmt: skip
        if "assignment" in name:  # what grows with the organisation, not with the cycle
            extra = b["growth_mb"] - s["growth_mb"]
            goals.append((f"memory {extra:.0f} MB over the small one's > {ASSIGNMENT_GROWTH_MB}",
                          extra <= ASSIGNMENT_GROWTH_MB))  # fmt: skip
        misses = [label for label, ok in goals if not ok]
        missed += bool(misses)
        verdict = "MISS " + ", ".join(misses) if misses else "ok"
        if "peak_mb" in b:
            verdict += (
                f" (memory: peak {s['peak_mb']:.0f} → {b['peak_mb']:.0f} MB,"
                f" growth {s['growth_mb']:.0f} → {b['growth_mb']:.0f} MB)"
            )
        print(
            f"{name:<58}{s['s']:>9.3f}{b['s']:>8.3f}{ratio:>9.1f}{b['q']:>9}"
            f"{b['bytes'] // 1024:>8}  {verdict}"
        )
    print(f"built in {answers['small']['built']:.0f} s and {answers['big']['built']:.0f} s")
    if missed:
        sys.exit(f"{missed} lines miss their goal")


if __name__ == "__main__":
    main()
