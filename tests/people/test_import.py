import csv
import io

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from openpyxl import Workbook

from people.importer import ALL_COLUMNS, EmployeeImporter, ImportFileError, RowError
from people.models import Employee
from tests.factories import EmployeeFactory, make_nip

HEADER = list(ALL_COLUMNS)
BOSS, STAFF, JUNIOR = make_nip(1), make_nip(2), make_nip(3)


def row(nip, name="Nama", unit="DIT", supervisor="", rank="III/a", status="PNS", **extra):
    values = {
        "nip": nip,
        "name": name,
        "org_unit": unit,
        "position": "Analis",
        "position_type": "fungsional",
        "employment_status": status,
        "rank": rank,
        "supervisor_nip": supervisor,
        "email": "",
        "active": "ya",
    }
    values.update(extra)
    return [values[c] for c in HEADER]


def write_csv(path, rows, header=HEADER, encoding="utf-8", delimiter=","):
    with path.open("w", newline="", encoding=encoding) as f:
        writer = csv.writer(f, delimiter=delimiter)
        writer.writerow(header)
        writer.writerows(rows)
    return path


def run(path, **kwargs):
    with path.open("rb") as f:
        return EmployeeImporter(**kwargs).run(f, path.name)


def test_clean_csv_creates_everyone_with_supervisors(units, tmp_path):
    path = write_csv(
        tmp_path / "pegawai.csv",
        [
            row(BOSS, "Kepala", rank="IVa"),
            row(STAFF, "Staf", supervisor=BOSS, rank="III.b"),
            row(JUNIOR, "Yunior", unit="SET", supervisor=STAFF, status="PPPK", rank="9"),
        ],
    )
    result = run(path)
    assert (result.rows, result.created, result.updated, result.errors) == (3, 3, 0, [])
    got = {
        e.nip: (e.name, e.org_unit.code, e.rank, e.supervisor.nip if e.supervisor else None)
        for e in Employee.objects.select_related("org_unit", "supervisor")
    }
    assert got == {
        BOSS: ("Kepala", "DIT", "IV/a", None),
        STAFF: ("Staf", "DIT", "III/b", BOSS),
        JUNIOR: ("Yunior", "SET", "IX", STAFF),
    }


def test_supervisor_may_appear_later_in_the_file(units, tmp_path):
    path = write_csv(
        tmp_path / "p.csv",
        [
            row(JUNIOR, supervisor=STAFF),
            row(STAFF, supervisor=BOSS),
            row(BOSS),
        ],
    )
    assert run(path).errors == []
    assert Employee.objects.get(nip=JUNIOR).supervisor.nip == STAFF
    assert Employee.objects.get(nip=STAFF).supervisor.nip == BOSS


def test_file_with_bad_rows_imports_nothing_and_reports_every_error(units, tmp_path):
    path = write_csv(
        tmp_path / "p.csv",
        [
            row(BOSS),
            row("1986092620150510", name="Pendek"),
            row(STAFF, name="", rank="III/f"),
            row(JUNIOR, unit="NOPE", supervisor=make_nip(500)),
            row(BOSS, name="Dobel"),
        ],
    )
    result = run(path)
    assert result.errors == [
        RowError(3, "nip", "NIP must have 18 digits, not 16."),
        RowError(4, "name", "Name is required."),
        RowError(4, "rank", "“III/f” is not a PNS rank (golongan I/a … IV/e)."),
        RowError(6, "nip", f"NIP {BOSS} already appears in row 2."),
        RowError(5, "org_unit", "Unknown org unit code “NOPE”."),
        RowError(
            5,
            "supervisor_nip",
            f"Supervisor NIP {make_nip(500)} is neither in the file nor an existing employee.",
        ),
    ]
    assert (result.created, result.updated, result.skipped) == (0, 0, 5)
    assert Employee.objects.count() == 0


def test_skip_invalid_imports_the_good_rows_and_reports_the_rest(units, tmp_path):
    path = write_csv(
        tmp_path / "p.csv",
        [
            row(BOSS),
            row(STAFF, rank="bad", supervisor=BOSS),
            row(JUNIOR, supervisor=STAFF),
        ],
    )
    result = run(path, skip_invalid=True)
    assert result.errors == [
        RowError(3, "rank", "“bad” is not a PNS rank (golongan I/a … IV/e)."),
        RowError(4, "supervisor_nip", f"Supervisor NIP {STAFF} is on a row that is not imported."),
    ]
    assert (result.created, result.skipped) == (1, 2)
    assert list(Employee.objects.values_list("nip", flat=True)) == [BOSS]


def test_reimport_updates_by_nip(units, tmp_path):
    old = EmployeeFactory(nip=BOSS, name="Lama", org_unit=units[0], rank="III/a")
    birth = old.birth_date
    path = write_csv(
        tmp_path / "p.csv",
        [
            row(
                BOSS,
                name="Baru",
                unit="SET",
                rank="IV/b",
                email="baru@example.go.id",
                active="tidak",
                position="Kepala Biro",
            ),
            row(STAFF, supervisor=BOSS),
        ],
    )
    result = run(path)
    assert (result.created, result.updated) == (1, 1)
    boss = Employee.objects.get(nip=BOSS)
    # Every kind of column is written: text, a unit, a flag, a date kept.
    assert (boss.name, boss.org_unit.code, boss.rank) == ("Baru", "SET", "IV/b")
    assert (boss.email, boss.active, boss.position) == ("baru@example.go.id", False, "Kepala Biro")
    assert (boss.birth_date, boss.updated_at > old.updated_at) == (birth, True)
    assert Employee.objects.count() == 2


def test_a_reporting_line_cycle_is_refused_with_the_nips(units, tmp_path):
    path = write_csv(
        tmp_path / "p.csv",
        [
            row(BOSS, supervisor=JUNIOR),
            row(STAFF, supervisor=BOSS),
            row(JUNIOR, supervisor=STAFF),
        ],
    )
    result = run(path)
    assert result.errors == [
        RowError(
            2,
            "supervisor_nip",
            f"The reporting line would be a cycle: {BOSS} → {JUNIOR} → {STAFF} → {BOSS}.",
        )
    ]
    assert Employee.objects.count() == 0


def test_a_cycle_through_stored_employees_is_refused(units, tmp_path):
    boss = EmployeeFactory(nip=BOSS, org_unit=units[0])
    EmployeeFactory(nip=STAFF, org_unit=units[0], supervisor=boss)
    path = write_csv(tmp_path / "p.csv", [row(BOSS, supervisor=STAFF)])
    result = run(path)
    assert result.errors == [
        RowError(
            2, "supervisor_nip", f"The reporting line would be a cycle: {BOSS} → {STAFF} → {BOSS}."
        )
    ]
    assert Employee.objects.get(nip=BOSS).supervisor is None


def test_xlsx_is_imported_like_csv(units, tmp_path):
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(HEADER)
    sheet.append(row(BOSS, "Kepala"))
    sheet.append(row(STAFF, "Staf", supervisor=BOSS))
    path = tmp_path / "pegawai.xlsx"
    workbook.save(path)
    result = run(path)
    assert (result.created, result.errors) == (2, [])
    assert Employee.objects.get(nip=STAFF).supervisor.nip == BOSS


def test_semicolon_csv_with_only_required_columns(units, tmp_path):
    path = tmp_path / "p.csv"
    path.write_text(f"NIP;Name;Org Unit\n{BOSS};Kepala;DIT\n", encoding="utf-8-sig")
    assert run(path).created == 1


def test_wrong_header_is_one_line(units, tmp_path):
    path = write_csv(tmp_path / "p.csv", [["x"]], header=["nip", "nama", "unit"])
    with pytest.raises(CommandError) as info:
        call_command("import_employees", str(path))
    message = str(info.value)
    assert "\n" not in message
    assert message.startswith(
        "p.csv: Wrong header (missing columns: name, org_unit; unknown columns: nama, unit)."
    )


def test_non_utf8_csv_is_one_line(units, tmp_path):
    path = write_csv(tmp_path / "p.csv", [row(BOSS, name="Sukarno Ñ")], encoding="latin-1")
    with pytest.raises(CommandError) as info:
        call_command("import_employees", str(path))
    assert str(info.value).startswith("p.csv: The CSV file is not UTF-8")
    assert "\n" not in str(info.value)


def test_a_file_that_is_not_a_spreadsheet_is_one_line(units, tmp_path):
    path = tmp_path / "photo.xlsx"
    path.write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(range(256)))
    with pytest.raises(CommandError) as info:
        call_command("import_employees", str(path))
    assert str(info.value).startswith("photo.xlsx: The file is not a readable XLSX spreadsheet")

    path = tmp_path / "photo.png"
    path.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00")
    with pytest.raises(CommandError, match=r"^photo.png: photo.png is not a CSV or XLSX"):
        call_command("import_employees", str(path))


def test_empty_file_is_refused(units):
    with pytest.raises(ImportFileError, match="empty"):
        EmployeeImporter().run(io.BytesIO(b""), "p.csv")


def test_command_reports_rows_and_fails_when_nothing_imported(units, tmp_path, capsys):
    path = write_csv(tmp_path / "p.csv", [row(BOSS), row(STAFF, rank="X/z")])
    with pytest.raises(CommandError, match="Nothing was imported"):
        call_command("import_employees", str(path))
    assert "row 3, column rank: “X/z” is not a PNS rank" in capsys.readouterr().err
    call_command("import_employees", str(path), "--skip-invalid")
    assert "2 rows: 1 created, 0 updated, 1 skipped, 1 errors." in capsys.readouterr().out


def test_queries_per_batch_are_bounded(units, tmp_path):
    def count_queries(n):
        rows = [row(make_nip(i), supervisor=make_nip(0) if i else "") for i in range(n)]
        path = write_csv(tmp_path / f"p{n}.csv", rows)
        with CaptureQueriesContext(connection) as ctx:
            result = run(path, batch_size=100)
        assert result.errors == []
        return len(ctx.captured_queries)

    # Two units' worth of rows against four: the extra batches cost a fixed number each.
    small, large = count_queries(200), count_queries(400)
    per_batch = (large - small) / 2
    assert per_batch <= 6
    # Fixed: the units and the stored lines read, and the moved subtrees'
    # refresh (their links, their supervisors' paths, one rewrite with the
    # planner's settings around it).
    assert small <= 8 + 2 * 6


def test_the_import_reads_only_the_reporting_lines_its_rows_reach(units, tmp_path):
    """A cycle through six stored levels is found, and the import reads the
    stored employees by the NIPs it needs (level by level), never the whole
    organisation: its memory grows with the file, not with the ministry."""
    import datetime as dt

    line = [EmployeeFactory(nip=make_nip(0, birth=dt.date(1990, 1, 1)), org_unit=units[0])]
    for i in range(1, 6):
        line.append(
            EmployeeFactory(
                nip=make_nip(i, birth=dt.date(1990, 1, 1)), org_unit=units[0], supervisor=line[-1]
            )
        )
    EmployeeFactory.create_batch(30, org_unit=units[1])  # the rest of the organisation
    newcomer = make_nip(1)
    path = write_csv(
        tmp_path / "p.csv",
        [row(newcomer, supervisor=line[-1].nip), row(line[0].nip, supervisor=newcomer)],
    )
    with CaptureQueriesContext(connection) as ctx:
        result = run(path)
    (error,) = result.errors
    assert (error.column, error.reason.split(":")[0]) == (
        "supervisor_nip",
        "The reporting line would be a cycle",
    )
    assert all(e.nip in error.reason for e in line)
    reads = [
        q["sql"]
        for q in ctx.captured_queries
        if q["sql"].startswith("SELECT") and 'FROM "people_employee"' in q["sql"]
    ]
    assert reads
    assert all('"people_employee"."nip" IN (' in sql for sql in reads), reads
