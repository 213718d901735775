from rest_framework import serializers

from core import serializers as strict
from people.models import CareerEvent, CareerProfile, Employee, OrgUnit


class OrgUnitSerializer(strict.ModelSerializer):
    class Meta:
        model = OrgUnit
        fields = ["id", "code", "name"]


class EmployeeSerializer(strict.ModelSerializer):
    org_unit = OrgUnitSerializer()
    supervisor: serializers.PrimaryKeyRelatedField = serializers.PrimaryKeyRelatedField(
        read_only=True, allow_null=True, help_text="null for the head of the organisation"
    )

    class Meta:
        model = Employee
        fields = [
            "id",
            "nip",
            "name",
            "org_unit",
            "position",
            "position_type",
            "rank",
            "employment_status",
            "supervisor",
            "active",
        ]


class CareerProfileSerializer(strict.ModelSerializer):
    class Meta:
        model = CareerProfile
        fields = [
            "credit_points_total",
            "awards_received",
            "awards_last_five_years",
            "training_hours_entitlement",
            "talent_pool",
            "last_award_date",
        ]


class MeSerializer(strict.Serializer):
    username = serializers.CharField()
    roles = serializers.ListField(child=serializers.CharField())
    employee = EmployeeSerializer(allow_null=True)
    public_recognition = serializers.BooleanField(allow_null=True)
    career_profile = CareerProfileSerializer(allow_null=True)


class PreferencesSerializer(strict.Serializer):
    public_recognition = serializers.BooleanField()


class CareerEventSerializer(strict.ModelSerializer):
    cursor = serializers.SerializerMethodField()
    employee = serializers.SerializerMethodField()

    class Meta:
        model = CareerEvent
        fields = [
            "id",
            "cursor",
            "employee",
            "kind",
            "amount",
            "unit",
            "source",
            "reference",
            "note",
            "created_at",
        ]

    def get_cursor(self, obj) -> str:
        from people.selectors import career_cursor

        return career_cursor(obj)

    def get_employee(self, obj) -> dict:
        return {
            "nip": obj.employee.nip,
            "name": obj.employee.name,
            "unit": obj.employee.org_unit.code,
        }


class CareerFeedSerializer(strict.Serializer):
    results = CareerEventSerializer(many=True)
    next_cursor = serializers.CharField(allow_null=True)
    has_more = serializers.BooleanField()
    next = serializers.URLField(allow_null=True)


class TokenRequestSerializer(strict.Serializer):
    # No longer than a username can be: a longer one is refused here, before
    # the login limits record it (their column holds 255 characters).
    username = serializers.CharField(max_length=150)
    password = serializers.CharField(style={"input_type": "password"}, trim_whitespace=False)


class TokenSerializer(strict.Serializer):
    token = serializers.CharField()
