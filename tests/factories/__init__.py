import datetime as dt

import factory
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group

from people.models import Employee, OrgUnit

PASSWORD = "correct-horse-battery"


def make_nip(
    n: int, *, birth: dt.date = dt.date(1985, 3, 14), appointed: str = "201001", gender: str = "1"
) -> str:
    """A valid NIP whose sequence (and, past 999, birth day) varies with ``n``."""
    birth = birth + dt.timedelta(days=n // 999)
    return f"{birth:%Y%m%d}{appointed}{gender}{n % 999 + 1:03d}"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ["username"]
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.test")
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)

    @factory.post_generation
    def groups(self, create, extracted, **kwargs):
        for name in extracted or []:
            self.groups.add(Group.objects.get_or_create(name=name)[0])
        if create:
            self.save()


class OrgUnitFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = OrgUnit

    code = factory.Sequence(lambda n: f"U{n:04d}")
    name = factory.Sequence(lambda n: f"Unit {n}")
    parent = None


class EmployeeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Employee

    nip = factory.Sequence(make_nip)
    name = factory.Sequence(lambda n: f"Pegawai {n}")
    org_unit = factory.SubFactory(OrgUnitFactory)
    position = "Analis Kebijakan"
    rank = "III/b"
    supervisor = None
    user = None
