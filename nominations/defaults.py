"""The default rubric, categories and award levels (DESIGN.md §4)."""

from decimal import Decimal

from django.utils.translation import gettext_noop as N_

DEFAULT_RUBRIC_NAME = "Rubrik Apresiasi PSM & Inovasi"

_FIVE = {
    1: N_("Not shown"),
    2: N_("Weakly shown"),
    3: N_("Clearly shown"),
    4: N_("Strongly shown, with evidence"),
    5: N_("Exemplary, with measured evidence"),
}


def _levels(specific: dict[int, str] | None = None) -> list[dict]:
    texts = {**_FIVE, **(specific or {})}
    return [{"value": v, "descriptor": texts[v]} for v in range(1, 6)]


# code, name, group, weight, asks for a PSM statement, level descriptors
DEFAULT_CRITERIA = [
    (
        "public_interest",
        "Commitment to the public interest",
        "psm",
        12,
        True,
        _levels(
            {
                1: "No link to the public interest is shown",
                5: "Puts the public interest first, with evidence of benefit to citizens",
            }
        ),
    ),
    (
        "compassion",
        "Compassion / empathy",
        "psm",
        10,
        True,
        _levels(
            {
                1: "Users' needs are not considered",
                5: "Designed around the needs of vulnerable users, with their feedback",
            }
        ),
    ),
    (
        "policy_making",
        "Attraction to public policy making",
        "psm",
        10,
        True,
        _levels(
            {
                1: "No engagement with policy",
                5: "Shaped or improved a policy or standard beyond the unit",
            }
        ),
    ),
    (
        "self_sacrifice",
        "Self-sacrifice",
        "psm",
        8,
        True,
        _levels(
            {
                1: "No effort beyond the duty is shown",
                5: "Sustained personal effort beyond duty for the public good",
            }
        ),
    ),
    (
        "novelty",
        "Novelty (kebaruan)",
        "innovation",
        15,
        False,
        _levels(
            {
                1: "Copies an existing practice unchanged",
                5: "New in the national public service",
            }
        ),
    ),
    (
        "effectiveness",
        "Effectiveness (efektif)",
        "innovation",
        15,
        False,
        _levels(
            {
                1: "No measured result",
                5: "Large measured improvement against a baseline",
            }
        ),
    ),
    (
        "benefit",
        "Benefit to the public, incl. inclusiveness (bermanfaat)",
        "innovation",
        10,
        False,
        _levels(
            {
                1: "Benefit unclear",
                5: "Broad benefit, including groups usually left out",
            }
        ),
    ),
    (
        "replicability",
        "Replicability (mudah direplikasi)",
        "innovation",
        10,
        False,
        _levels(
            {
                1: "Cannot be used elsewhere",
                5: "Already replicated by other units or agencies",
            }
        ),
    ),
    (
        "sustainability",
        "Sustainability (berkelanjutan)",
        "innovation",
        10,
        False,
        _levels(
            {
                1: "Depends on one person, no budget or rule",
                5: "Anchored in rules, budget and routine",
            }
        ),
    ),
]

# code, name, for teams
DEFAULT_CATEGORIES = [
    ("technology", "Teknologi baru / New technology", False),
    ("technology-team", "Teknologi baru (tim) / New technology (team)", True),
    ("management", "Proses manajemen baru / New management process", False),
    ("management-team", "Proses manajemen baru (tim) / New management process (team)", True),
    ("service", "Pelayanan publik yang lebih baik / Better public service", False),
    ("service-team", "Pelayanan publik yang lebih baik (tim) / Better public service (team)", True),
]

# code, Indonesian, English, minimum score, quota per category
DEFAULT_AWARD_LEVELS = [
    ("gold", "Penghargaan Utama", "Gold award", Decimal(85), 1),
    ("silver", "Penghargaan Madya", "Silver award", Decimal(75), 2),
    ("bronze", "Penghargaan Pratama", "Bronze award", Decimal(65), 3),
]
