"""Walk the docs/walkthrough.md API flow against a running `make run`.

    make run &                       # in a fresh clone
    .venv/bin/python scripts/walkthrough.py [http://127.0.0.1:8000]

Nominates Budi with a PDF, submits, screens, assigns three reviewers, scores,
decides gold, publishes, then checks what publication must have done: the
certificate issued and verifiable, the events handled, the history of every
step, the incentives waiting for HR. Prints each step; exits non-zero on the
first surprise. It changes the demo data (run it on a fresh database).
"""

from __future__ import annotations

import datetime as dt
import sys

import httpx

BASE = (sys.argv[1] if len(sys.argv) > 1 else "http://127.0.0.1:8000").rstrip("/")
API = f"{BASE}/api/v1"
PDF = b"%PDF-1.4\n1 0 obj<</Type/Catalog>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"
SCORES = {
    "public_interest": 5,
    "compassion": 4,
    "policy_making": 4,
    "self_sacrifice": 4,
    "novelty": 5,
    "effectiveness": 5,
    "benefit": 4,
    "replicability": 4,
    "sustainability": 4,
}


def client(username: str) -> httpx.Client:
    response = httpx.post(f"{API}/auth/token", data={"username": username, "password": "demo12345"})
    response.raise_for_status()
    return httpx.Client(
        base_url=API,
        headers={"Authorization": f"Token {response.json()['token']}", "Accept-Language": "en"},
        timeout=60,
    )


def ok(response: httpx.Response, status: int = 200) -> dict:
    if response.status_code != status:
        sys.exit(
            f"{response.request.method} {response.request.url}: {response.status_code} "
            f"{response.text[:500]}"
        )
    return response.json() if response.content else {}


def step(text: str) -> None:
    print(f"· {text}")


def main() -> None:
    supervisor, secretariat, chair = (
        client(name) for name in ("supervisor", "secretariat", "chair")
    )
    # The national cycle taking nominations (the agency cycle is published).
    cycle = next(c for c in ok(supervisor.get("/cycles"))["results"] if c["phase"] == "nominating")
    detail = ok(supervisor.get(f"/cycles/{cycle['id']}"))
    category = next(c for c in detail["categories"] if c["code"] == "technology")
    budi = ok(supervisor.get("/employees", params={"search": "Budi"}))["results"][0]
    statements = {
        c["code"]: "Serves citizens first."
        for c in detail["rubric"]["criteria"]
        if c.get("asks_statement")
    }
    nomination = ok(
        supervisor.post(
            "/nominations",
            json={
                "cycle": cycle["id"],
                "category": category["id"],
                "nominees": [budi["id"]],
                "title": "Layanan izin satu hari",
                "problem": "Licences took 14 days.",
                "solution": "An online form with automatic checks.",
                "impact": "Licences take one day.",
                "started_on": (dt.date.today() - dt.timedelta(days=800)).isoformat(),
                "psm_statements": statements,
            },
        ),
        201,
    )
    nid = nomination["id"]
    ok(supervisor.post(f"/nominations/{nid}/evidence", files={"file": ("lap.pdf", PDF)}), 201)
    ok(supervisor.post(f"/nominations/{nid}/submit"))
    step(f"supervisor nominated Budi (#{nid}) with a PDF and submitted")

    ok(secretariat.post(f"/nominations/{nid}/screen", json={"eligible": True}))
    ok(secretariat.post(f"/cycles/{cycle['id']}/phase", json={"phase": "reviewing"}))
    assigned = ok(secretariat.post(f"/cycles/{cycle['id']}/assign-reviewers"))
    step(f"secretariat screened, opened review, assigned: {assigned.get('assigned')}")

    for name in ("reviewer1", "reviewer2", "reviewer3"):
        reviewer = client(name)
        [mine] = [a for a in ok(reviewer.get("/assignments"))["results"] if a["nomination"] == nid]
        ok(
            reviewer.put(
                f"/assignments/{mine['id']}/review", json={"scores": SCORES, "submit": True}
            )
        )
    step("three reviewers submitted")

    ok(secretariat.post(f"/cycles/{cycle['id']}/phase", json={"phase": "deciding"}))
    ranking = ok(chair.get(f"/cycles/{cycle['id']}/ranking"))
    row = next(r for r in ranking["results"] if r["nomination"] == nid)
    decided = ok(
        chair.post(
            f"/nominations/{nid}/decide", json={"award_level": "gold", "rationale": "Clear."}
        )
    )
    step(
        f"chair decided {decided['decision']['award_level']} (score {row['score']}, "
        f"proposed {row['proposed_award_level']})"
    )

    ok(secretariat.post(f"/cycles/{cycle['id']}/publish"))
    step("secretariat published")
    check_publication(cycle["id"], nid)
    rounds(cycle["id"], category["code"], statements)
    print("WALKTHROUGH OK")


def check_publication(cycle_id: int, nid: int) -> None:
    secretariat, staff, hr = (client(name) for name in ("secretariat", "staff", "hr"))

    [certificate] = ok(staff.get("/certificates"))["results"]
    assert certificate["status"] == "issued", certificate
    pdf = staff.get(f"/certificates/{certificate['id']}/pdf")
    assert pdf.status_code == 200, pdf.status_code
    assert pdf.content.startswith(b"%PDF"), pdf.content[:20]
    verified = ok(httpx.post(f"{API}/verify", files={"file": ("c.pdf", pdf.content)}))
    assert verified["matches"], verified
    assert verified["signature_valid"], verified
    step(f"staff downloaded {certificate['serial']}: matches and signature valid")

    history = ok(secretariat.get(f"/nominations/{nid}/history"))["results"]
    moves = [(h["from_state"], h["to_state"], (h["actor"] or {}).get("username")) for h in history]
    assert moves[-1] == ("decided", "published", "secretariat"), moves
    step("nomination history: " + ", ".join(f"{a}→{b} ({who or 'system'})" for a, b, who in moves))
    phases = ok(secretariat.get(f"/cycles/{cycle_id}/history"))["results"]
    step("cycle history: " + ", ".join(f"{h['to_state']}" for h in phases))
    certificate_history = ok(secretariat.get(f"/certificates/{certificate['id']}/history"))
    step(
        "certificate history: "
        + ", ".join(f"{h['from_state']}→{h['to_state']}" for h in certificate_history["results"])
    )

    pending = ok(hr.get("/incentives", params={"cycle": cycle_id, "status": "pending"}))
    bonus = next(r for r in pending["results"] if r["kind"] == "bonus")
    ok(hr.post(f"/incentives/{bonus['id']}/approve", json={"reason": "Payroll May"}))
    approved = ok(hr.get(f"/incentives/{bonus['id']}/history"))["results"]
    assert approved[-1]["actor"]["username"] == "hr", approved
    step(
        f"HR saw {pending['count']} pending incentives and approved the bonus "
        f"(history: {approved[-1]['from_state']}→{approved[-1]['to_state']} by hr)"
    )
    posts = ok(httpx.get(f"{API}/recognitions"))
    step(
        f"public wall: {posts['count']} post(s); verification link "
        f"{'present' if posts['results'][0]['verification_url'] else 'absent'}"
    )


def rounds(source_id: int, category_code: str, statements: dict) -> None:
    """The walkthrough's *Rounds* section: a desk round (top 1 per category),
    an interview and a field verification, two nominations, the shortlist
    (made public), the claims checked on site, the final ranking."""
    supervisor, secretariat, chair = (
        client(name) for name in ("supervisor", "secretariat", "chair")
    )
    cycle = ok(
        secretariat.post(
            "/cycles", json={"name": "Anugerah Bertahap 2027", "copy_from": source_id}
        ),
        201,
    )
    cid = cycle["id"]
    [desk] = ok(secretariat.get(f"/cycles/{cid}/rounds"))
    ok(secretariat.patch(f"/rounds/{desk['id']}", json={"advance": {"rule": "top_n", "n": 1}}))
    interview = ok(
        secretariat.post(
            f"/cycles/{cid}/rounds",
            json={"kind": "interview", "weight": 2, "advance": {"rule": "chair"}},
        ),
        201,
    )
    field = ok(
        secretariat.post(
            f"/cycles/{cid}/rounds",
            json={"kind": "field", "reviewers_per_nomination": 1, "max_unverified_claims": 0},
        ),
        201,
    )
    ok(secretariat.post(f"/cycles/{cid}/phase", json={"phase": "nominating"}))
    step(
        f"secretariat copied cycle {source_id} as {cid} with a desk round, an interview "
        "and a field verification"
    )

    category = next(
        c for c in ok(supervisor.get(f"/cycles/{cid}"))["categories"] if c["code"] == category_code
    )
    team = ok(supervisor.get("/employees", params={"page_size": 50}))["results"]
    nominees = [e for e in team if e["name"] != "Supervisor" and e.get("id")][:2]
    made = []
    for person in nominees:
        item = ok(
            supervisor.post(
                "/nominations",
                json={
                    "cycle": cid,
                    "category": category["id"],
                    "nominees": [person["id"]],
                    "title": f"Inovasi {person['name']}",
                    "problem": "Queues at the counter.",
                    "solution": "Appointments online.",
                    "impact": "No queues at the counter. Licences in one day.",
                    "started_on": (dt.date.today() - dt.timedelta(days=800)).isoformat(),
                    "psm_statements": statements,
                },
            ),
            201,
        )
        ok(supervisor.post(f"/nominations/{item['id']}/submit"))
        ok(secretariat.post(f"/nominations/{item['id']}/screen", json={"eligible": True}))
        made.append(item["id"])
    ok(secretariat.post(f"/cycles/{cid}/phase", json={"phase": "reviewing"}))
    assigned = ok(secretariat.post(f"/cycles/{cid}/assign-reviewers"))["assigned"]
    step(f"two nominations in review; desk round assigned: {assigned}")

    def review_all(levels: dict[int, int]) -> None:
        for name in ("reviewer1", "reviewer2", "reviewer3"):
            reviewer = client(name)
            for a in ok(reviewer.get("/assignments", params={"page_size": 50}))["results"]:
                if a["nomination"] in levels and a["status"] != "submitted":
                    scores = dict.fromkeys(SCORES, levels[a["nomination"]])
                    ok(
                        reviewer.put(
                            f"/assignments/{a['id']}/review",
                            json={"scores": scores, "submit": True},
                        )
                    )

    review_all({made[0]: 5, made[1]: 3})
    shortlist = ok(chair.get(f"/rounds/{desk['id']}/shortlist"))
    assert shortlist["proposed"] == [made[0]], shortlist
    advanced = ok(chair.post(f"/rounds/{desk['id']}/advance", json={"nominations": [made[0]]}))
    step(f"chair advanced the proposed shortlist {shortlist['proposed']}: {advanced['status']}")

    public = ok(secretariat.post(f"/rounds/{desk['id']}/publish-shortlist"))
    anonymous = httpx.Client(base_url=API)
    post = ok(anonymous.get(f"/shortlists/{desk['id']}"))
    step(f"shortlist public: {public['shortlist_public']}; Top {post['count']} {post['cycle']}")

    assigned = ok(secretariat.post(f"/cycles/{cid}/assign-reviewers"))["assigned"]
    review_all({made[0]: 4})
    ok(
        chair.post(
            f"/rounds/{interview['id']}/advance",
            json={"nominations": [made[0]], "rationale": "Convincing presentation."},
        )
    )
    verify_on_site(secretariat, cid, field["id"], made[0])
    ok(secretariat.post(f"/cycles/{cid}/phase", json={"phase": "deciding"}))
    ranking = ok(chair.get(f"/cycles/{cid}/ranking"))
    [row] = ranking["results"]
    scores = [r["score"] for r in row["rounds"]]
    assert [r["round"] for r in row["rounds"]] == [desk["id"], interview["id"], field["id"]], row
    assert abs(row["final_score"] - (scores[0] + 2 * scores[1] + scores[2]) / 4) < 0.01, row
    step(f"final ranking: rounds {scores}, final {row['final_score']} (weights 1, 2 and 1)")
    history = ok(secretariat.get(f"/rounds/{desk['id']}/history"))["results"]
    moves = [(h["from_state"], h["to_state"], h["actor"]["username"]) for h in history]
    assert moves == [("open", "advanced", "chair"), ("hidden", "public", "secretariat")], moves
    step("round history: open→advanced by chair, shortlist hidden→public by secretariat")


def verify_on_site(secretariat: httpx.Client, cid: int, field_id: int, nomination: int) -> None:
    """The field round: the secretariat sets the claims from the stated
    impact, the verifier records them on site."""
    ok(secretariat.post(f"/cycles/{cid}/assign-reviewers"))
    claims = ok(secretariat.get(f"/nominations/{nomination}/claims"))
    claims = ok(
        secretariat.put(
            f"/nominations/{nomination}/claims",
            json={"claims": [{"text": t} for t in claims["proposed"]]},
        )
    )["claims"]
    verifier, visit = next(
        (client(name), a)
        for name in ("reviewer1", "reviewer2", "reviewer3")
        for a in ok(client(name).get("/assignments"))["results"]
        if a["round"]["id"] == field_id
    )
    found = ["verified", "partly"]
    checked = ok(
        verifier.put(
            f"/assignments/{visit['id']}/verification",
            json={
                "items": [
                    {"claim": c["id"], "outcome": o} for c, o in zip(claims, found, strict=True)
                ],
                "submit": True,
            },
        )
    )
    step(f"field verification of {[c['text'] for c in claims]}: {found}, score {checked['score']}")


if __name__ == "__main__":
    main()
