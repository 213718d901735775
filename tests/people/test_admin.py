from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from people.models import Employee
from tests.factories import UserFactory
from tests.people.test_import import BOSS, STAFF, row


def csv_upload(rows):
    lines = ["nip,name,org_unit,supervisor_nip,rank"] + [
        f"{r[0]},{r[1]},{r[2]},{r[7]},{r[6]}" for r in rows
    ]
    return SimpleUploadedFile("pegawai.csv", "\n".join(lines).encode(), "text/csv")


def admin_client():
    user = UserFactory(username="admin", is_staff=True, is_superuser=True)
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(user)
    return client


def test_admin_import_creates_employees(units):
    response = admin_client().post(
        "/admin/people/employee/import/",
        {"file": csv_upload([row(BOSS, "Kepala"), row(STAFF, "Staf", supervisor=BOSS)])},
    )
    assert response.status_code == 200
    assert "2 rows: 2 created, 0 updated, 0 skipped." in response.content.decode()
    assert Employee.objects.get(nip=STAFF).supervisor.nip == BOSS


def test_admin_import_lists_bad_rows_and_imports_nothing(units):
    response = admin_client().post(
        "/admin/people/employee/import/",
        {"file": csv_upload([row(BOSS), row(STAFF, rank="Z")])},
    )
    html = response.content.decode()
    assert "Nothing was imported" in html
    assert "<td>3</td><td>rank</td><td>“Z” is not a PNS rank (golongan I/a … IV/e).</td>" in html
    assert Employee.objects.count() == 0


def test_admin_import_refuses_a_staff_user_without_the_role(units):
    user = UserFactory(username="clerk", is_staff=True)
    client = Client()
    client.force_login(user)
    response = client.post("/admin/people/employee/import/", {"file": csv_upload([row(BOSS)])})
    assert response.status_code == 403
    assert Employee.objects.count() == 0
