"""The default rubric, categories and award levels (DESIGN.md §4), each
text in Indonesian and English (``core.i18n``)."""

from decimal import Decimal

DEFAULT_RUBRIC_NAME = "Rubrik Apresiasi PSM & Inovasi"

# The descriptor of each score, where a criterion has no text of its own.
_FIVE = {
    1: ("Tidak tampak", "Not shown"),
    2: ("Tampak lemah", "Weakly shown"),
    3: ("Tampak jelas", "Clearly shown"),
    4: ("Tampak kuat, dengan bukti", "Strongly shown, with evidence"),
    5: ("Teladan, dengan bukti terukur", "Exemplary, with measured evidence"),
}


def _levels(specific: dict[int, tuple[str, str]] | None = None) -> list[dict]:
    texts = {**_FIVE, **(specific or {})}
    return [
        {"value": v, "descriptors": {"id": texts[v][0], "en": texts[v][1]}} for v in range(1, 6)
    ]


# code, names (id, en), group, weight, asks for a PSM statement, level descriptors
DEFAULT_CRITERIA = [
    (
        "public_interest",
        ("Komitmen pada kepentingan publik", "Commitment to the public interest"),
        "psm",
        12,
        True,
        _levels(
            {
                1: (
                    "Tidak tampak kaitan dengan kepentingan publik",
                    "No link to the public interest is shown",
                ),
                5: (
                    "Mendahulukan kepentingan publik, dengan bukti manfaat bagi warga",
                    "Puts the public interest first, with evidence of benefit to citizens",
                ),
            }
        ),
    ),
    (
        "compassion",
        ("Welas asih / empati", "Compassion / empathy"),
        "psm",
        10,
        True,
        _levels(
            {
                1: ("Kebutuhan pengguna tidak diperhatikan", "Users' needs are not considered"),
                5: (
                    "Dirancang dari kebutuhan pengguna rentan, dengan umpan balik mereka",
                    "Designed around the needs of vulnerable users, with their feedback",
                ),
            }
        ),
    ),
    (
        "policy_making",
        ("Ketertarikan pada perumusan kebijakan publik", "Attraction to public policy making"),
        "psm",
        10,
        True,
        _levels(
            {
                1: ("Tidak terlibat dengan kebijakan", "No engagement with policy"),
                5: (
                    "Membentuk atau memperbaiki kebijakan atau standar di luar unitnya",
                    "Shaped or improved a policy or standard beyond the unit",
                ),
            }
        ),
    ),
    (
        "self_sacrifice",
        ("Pengorbanan diri", "Self-sacrifice"),
        "psm",
        8,
        True,
        _levels(
            {
                1: (
                    "Tidak tampak upaya melampaui tugas",
                    "No effort beyond the duty is shown",
                ),
                5: (
                    "Upaya pribadi yang berkelanjutan melampaui tugas demi kepentingan umum",
                    "Sustained personal effort beyond duty for the public good",
                ),
            }
        ),
    ),
    (
        "novelty",
        ("Kebaruan", "Novelty"),
        "innovation",
        15,
        False,
        _levels(
            {
                1: (
                    "Meniru praktik yang ada tanpa perubahan",
                    "Copies an existing practice unchanged",
                ),
                5: ("Baru dalam pelayanan publik nasional", "New in the national public service"),
            }
        ),
    ),
    (
        "effectiveness",
        ("Efektivitas", "Effectiveness"),
        "innovation",
        15,
        False,
        _levels(
            {
                1: ("Tidak ada hasil terukur", "No measured result"),
                5: (
                    "Perbaikan besar yang terukur terhadap kondisi awal",
                    "Large measured improvement against a baseline",
                ),
            }
        ),
    ),
    (
        "benefit",
        (
            "Manfaat bagi publik, termasuk inklusivitas",
            "Benefit to the public, incl. inclusiveness",
        ),
        "innovation",
        10,
        False,
        _levels(
            {
                1: ("Manfaat tidak jelas", "Benefit unclear"),
                5: (
                    "Manfaat luas, termasuk bagi kelompok yang biasa tertinggal",
                    "Broad benefit, including groups usually left out",
                ),
            }
        ),
    ),
    (
        "replicability",
        ("Kemudahan direplikasi", "Replicability"),
        "innovation",
        10,
        False,
        _levels(
            {
                1: ("Tidak dapat diterapkan di tempat lain", "Cannot be used elsewhere"),
                5: (
                    "Sudah direplikasi oleh unit atau instansi lain",
                    "Already replicated by other units or agencies",
                ),
            }
        ),
    ),
    (
        "sustainability",
        ("Keberlanjutan", "Sustainability"),
        "innovation",
        10,
        False,
        _levels(
            {
                1: (
                    "Bergantung pada satu orang, tanpa anggaran atau aturan",
                    "Depends on one person, no budget or rule",
                ),
                5: (
                    "Berakar pada aturan, anggaran dan rutinitas",
                    "Anchored in rules, budget and routine",
                ),
            }
        ),
    ),
]

# code, names (id, en), for teams
DEFAULT_CATEGORIES = [
    ("technology", ("Teknologi baru", "New technology"), False),
    ("technology-team", ("Teknologi baru (tim)", "New technology (team)"), True),
    ("management", ("Proses manajemen baru", "New management process"), False),
    ("management-team", ("Proses manajemen baru (tim)", "New management process (team)"), True),
    ("service", ("Pelayanan publik yang lebih baik", "Better public service"), False),
    (
        "service-team",
        ("Pelayanan publik yang lebih baik (tim)", "Better public service (team)"),
        True,
    ),
]

# code, names (id, en), minimum score, quota per category
DEFAULT_AWARD_LEVELS = [
    ("gold", ("Penghargaan Utama", "Gold award"), Decimal(85), 1),
    ("silver", ("Penghargaan Madya", "Silver award"), Decimal(75), 2),
    ("bronze", ("Penghargaan Pratama", "Bronze award"), Decimal(65), 3),
]

# The names (id, en) a round of each kind gets unless it is given others; a
# cycle starts with one desk round.
ROUND_NAMES = {
    "desk": ("Penilaian proposal", "Desk evaluation"),
    "interview": ("Presentasi dan wawancara", "Presentation and interview"),
    "field": ("Verifikasi lapangan", "Field verification"),
}
