from django.core.management.base import BaseCommand

from demo.nominations import seed_cycle
from demo.people import DEMO_PASSWORD, LOGINS, seed_people
from demo.rewards import seed_policy


class Command(BaseCommand):
    help = (
        "Create the demo data (org tree, 60 employees, one login per role, a cycle taking "
        "nominations with its committee and incentive policy). Idempotent."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--password",
            default=DEMO_PASSWORD,
            help=f"password of the demo logins (default {DEMO_PASSWORD})",
        )

    def handle(self, *args, password: str, **options):
        people = seed_people(password=password)
        cycle = seed_cycle(people=people)
        seed_policy(cycle=cycle, secretariat=people["secretariat"])
        self.stdout.write(self.style.SUCCESS(f"Demo data ready. Logins (password: {password}):"))
        for username, name, unit, position, *_ in LOGINS:
            self.stdout.write(f"  {username:<12} {name} — {position} ({unit})")
        self.stdout.write(f"Demo cycle: {cycle.name} (phase {cycle.phase}).")
