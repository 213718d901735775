"""Hostile text in every field a user controls, read back from every output
(issue 11 §2): HTML pages, JSON, the Atom feed, the certificate PDF, CSV and
XLSX exports, e-mail subjects and bodies, webhook payloads. Each output
encodes it once, for its own kind: nothing becomes markup, a formula or a
header."""

import csv
import io
import json
import xml.etree.ElementTree as ET
from html.parser import HTMLParser

import pytest
from django.core import mail
from django.test import Client
from openpyxl import load_workbook
from pypdf import PdfReader
from standardwebhooks.webhooks import Webhook

from certificates import services as certificates
from certificates.models import Certificate
from nominations import notifications
from nominations.models import Nomination
from people.models import Employee
from rewards import services, webhooks
from rewards.models import IncentiveRecord, RecognitionPost, WebhookEndpoint
from rewards.notifications import award_notices_send
from rewards.selectors import recognition_posts_public
from tests.nominations.helpers import move_to, publish_results

from .conftest import decide

MARKUP = "<script>alert('x')</script>"
ATTRIBUTE = '"><img src=x onerror=alert(1)>'
TEMPLATE = "{{7*7}}"
RTL = "izin\u202eexe.fdp"
# The title carries all of them, and a line break that must not start an e-mail header.
TITLE = f"{MARKUP} {ATTRIBUTE} {TEMPLATE} {RTL}\r\nBcc: korban@example.test"
NAME = f"Budi {MARKUP}{ATTRIBUTE}"
STATEMENT = f"{ATTRIBUTE} {TEMPLATE}\nbaris kedua"
FORMULAS = [
    '=HYPERLINK("http://evil.example","klik")',
    "+1+1",
    "-1+1",
    "@SUM(A1)",
    "\tTAB",
    "\rCR",
    "Laporan;=1+1",
    "Laporan, =2+2",
    "Laporan; -3",
]
TRIGGERS = ("=", "+", "-", "@", "\t", "\r")


def web(person) -> Client:
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    if person is not None:
        client.force_login(person.user)
    return client


class Tags(HTMLParser):
    """The start tags of an HTML fragment."""

    def __init__(self):
        super().__init__()
        self.tags = []

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, attrs))


def _published(cycle, supervisor, secretariat, person, *, title, name=NAME):
    Employee.objects.filter(pk=person.pk).update(name=name, email="budi@example.test")
    item = decide(cycle, supervisor, [person], title=title)
    Nomination.objects.filter(pk=item.pk).update(
        psm_statements={"public_interest": STATEMENT}, decision_rationale=MARKUP
    )
    move_to(cycle, "deciding")
    publish_results(cycle, secretariat)
    services.publication_process(cycle_id=cycle.pk)
    return item


@pytest.fixture
def hostile(policy, supervisor, subordinate, secretariat, cycle):
    return _published(cycle, supervisor, secretariat, subordinate, title=TITLE)


def test_html_pages_show_it_as_text(hostile, secretariat, subordinate):
    post = RecognitionPost.objects.get()
    pages = {
        "nomination": web(secretariat).get(f"/nominations/{hostile.pk}"),
        "wall": web(None).get("/recognitions"),
        "post": web(None).get(f"/recognitions/{post.pk}"),
        "my nominations": web(subordinate).get("/my/nominations"),
    }
    for name, response in pages.items():
        assert response.status_code == 200, name
        text = response.content.decode()
        assert MARKUP not in text, name
        assert "<img src=x" not in text, name
        assert "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt;" in text, name
    assert TEMPLATE in pages["nomination"].content.decode()  # printed, not evaluated


def test_json_carries_it_exactly_and_is_never_sniffed(api, hostile, secretariat):
    response = api.as_(secretariat).get(f"/api/v1/nominations/{hostile.pk}")
    assert response["Content-Type"] == "application/json"
    assert response["X-Content-Type-Options"] == "nosniff"
    body = json.loads(response.content)
    assert body["title"] == TITLE
    assert body["psm_statements"]["public_interest"] == STATEMENT
    assert body["nominees"][0]["name"] == NAME


def test_the_atom_feed_never_carries_markup(hostile):
    response = web(None).get("/recognitions/feed.atom")
    atom = "{http://www.w3.org/2005/Atom}"
    entry = ET.fromstring(response.content).find(f"{atom}entry")
    title = entry.find(f"{atom}title")
    assert title.get("type", "text") == "text"  # plain text: shown as is
    assert MARKUP in title.text
    summary = entry.find(f"{atom}summary")
    assert summary.get("type") == "html"
    # A reader parses the summary as HTML: it must hold no element but line breaks.
    parser = Tags()
    parser.feed(summary.text)
    assert {tag for tag, _attrs in parser.tags} <= {"p", "br"}
    assert all(attrs == [] for _tag, attrs in parser.tags)
    assert "&lt;script&gt;" in summary.text


def test_the_certificate_prints_it_literally(hostile):
    certificate = Certificate.objects.get()
    assert certificates.certificate_issue(certificate_id=certificate.pk) is True
    certificate.refresh_from_db()
    with certificate.file.open("rb") as handle:
        text = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(handle.read())).pages)
    flat = " ".join(text.split())
    assert MARKUP in flat
    assert TEMPLATE in flat


def test_e_mail_subjects_are_one_line_and_bodies_keep_the_text(hostile, subordinate):
    mail.outbox.clear()
    notifications.nominees_notify(nomination_id=hostile.pk)
    notifications.result_notices_send(cycle_id=hostile.cycle_id)
    award_notices_send(cycle_id=hostile.cycle_id)
    to_budi = [m for m in mail.outbox if m.to == ["budi@example.test"]]
    assert len(to_budi) == 2  # told of the nomination; the award (no second result e-mail)
    for message in to_budi:
        raw = message.message().as_string()
        headers = raw.split("\n\n", 1)[0]
        assert "Bcc:" not in headers
        assert "\r" not in message.subject
        assert "\n" not in message.subject
        assert message.bcc == []
    told = [m for m in to_budi if "Bcc: korban@example.test" in m.subject]
    assert len(told) == 1  # the nominee notice names the title, kept as text on one line
    assert MARKUP in told[0].body


def test_webhook_payloads_carry_it_exactly(hostile, receiver):
    hook = WebhookEndpoint.objects.create(url=receiver.url + "/ok")
    services.webhook_deliveries_create(posts=recognition_posts_public())
    webhooks.endpoint_drain(endpoint_id=hook.pk)
    (request,) = receiver.to("/ok")
    payload = Webhook(hook.secret).verify(request["body"], request["headers"])
    assert request["headers"]["content-type"] == "application/json"
    text = json.dumps(payload, ensure_ascii=False)
    assert MARKUP in text


def _cell_starts(value: str) -> list[str]:
    """Where a spreadsheet program may start a cell in ``value``: its start
    and after every list separator (``;`` in Indonesian Excel, ``,``)."""
    starts = [value]
    for separator in (";", ","):
        starts += value.split(separator)[1:]
    return [s.lstrip(" ") for s in starts]


@pytest.mark.parametrize("formula", FORMULAS)
def test_csv_and_xlsx_exports_never_hold_a_formula(
    api, policy, supervisor, subordinate, secretariat, hr, cycle, formula
):
    _published(cycle, supervisor, secretariat, subordinate, title=formula, name=formula)
    for record in IncentiveRecord.objects.all():
        services.incentive_approve(record_id=record.pk, actor=hr.user)
    url = f"/api/v1/cycles/{cycle.pk}/incentives"
    client = api.as_(hr)
    exported = b"".join(client.get(url + ".csv").streaming_content).decode()
    career = b"".join(web(hr).get("/career-events.csv").streaming_content).decode()
    for text in (exported, career):
        cells = [c for row in csv.reader(io.StringIO(text, newline="")) for c in row]
        for cell in cells:
            # Every place a cell may start, with "," or ";" as the list separator.
            for start in _cell_starts(cell):
                assert not start.startswith(TRIGGERS), cell
        assert formula in [c.replace("'", "") for c in cells]  # the text is all there
    book = load_workbook(io.BytesIO(client.get(url + ".xlsx").content))
    cells = [c for row in book.active.iter_rows() for c in row if c.value == formula]
    assert cells  # exactly as written, no apostrophe
    assert {c.data_type for c in cells} == {"s"}  # text, never a formula


def test_nul_in_any_text_is_refused(api, supervisor, subordinate, cycle):
    from tests.nominations.helpers import payload

    from .conftest import GOLD  # noqa: F401 (the module's fixtures)

    body = payload(cycle, [subordinate], title="Judul\x00")
    response = api.as_(supervisor).post("/api/v1/nominations", body, format="json")
    assert response.status_code == 400
    assert list(response.json()["fields"]) == ["title"]
    body = payload(cycle, [subordinate], psm_statements={"public_interest": "a\x00b"})
    response = api.as_(supervisor).post("/api/v1/nominations", body, format="json")
    assert response.status_code == 400
    assert list(response.json()["fields"]) == ["psm_statements.public_interest"]

    assert Nomination.objects.count() == 0
