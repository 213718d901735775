from django.core.management.base import BaseCommand

from demo.nominations import publish_agency_cycle, seed_agency_cycle, seed_cycle
from demo.people import DEMO_PASSWORD, LOGINS, seed_people
from demo.rewards import seed_policy


class Command(BaseCommand):
    help = (
        "Create the demo data (org tree, 60 employees, one login per role, a national cycle "
        "taking nominations with its committee and incentive policy, and a published agency "
        "cycle whose winner can be put forward to it). Idempotent."
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
        agency = seed_agency_cycle(people=people, national=cycle)
        seed_policy(cycle=agency, secretariat=people["secretariat"])
        agency = publish_agency_cycle(agency=agency, people=people)
        self.stdout.write(self.style.SUCCESS(f"Demo data ready. Logins (password: {password}):"))
        for username, name, unit, position, *_ in LOGINS:
            self.stdout.write(f"  {username:<12} {name} — {position} ({unit})")
        self.stdout.write(f"Demo cycle: {cycle.name} (phase {cycle.phase}).")
        self.stdout.write(
            f"Agency cycle: {agency.name} (phase {agency.phase}); its winner can be put "
            f"forward to {cycle.name}."
        )
