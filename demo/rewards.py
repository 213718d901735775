"""The demo cycle's incentive policy: what each award level earns, and the budget."""

from __future__ import annotations

from decimal import Decimal

from rewards.models import IncentiveRule
from rewards.services import incentive_policy_set

DEMO_BUDGET = Decimal(50_000_000)
DEMO_POLICY = {
    "gold": [
        {"kind": "bonus", "amount": Decimal(7_500_000)},
        {"kind": "training", "amount": Decimal(40)},
        {"kind": "credit_points", "amount": Decimal(5)},
        {"kind": "talent_pool", "amount": Decimal(1)},
    ],
    "silver": [
        {"kind": "bonus", "amount": Decimal(5_000_000)},
        {"kind": "training", "amount": Decimal(24)},
        {"kind": "credit_points", "amount": Decimal(3)},
    ],
    "bronze": [
        {"kind": "bonus", "amount": Decimal(2_500_000)},
        {"kind": "credit_points", "amount": Decimal(2)},
    ],
}


def seed_policy(*, cycle, secretariat) -> None:
    """Idempotent: a cycle that already has incentives keeps them."""
    if IncentiveRule.objects.filter(award_level__cycle=cycle).exists():
        return
    incentive_policy_set(
        cycle_id=cycle.pk, actor=secretariat.user, bonus_budget=DEMO_BUDGET, levels=DEMO_POLICY
    )
