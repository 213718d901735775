from rest_framework import serializers

from people.models import CareerProfile, Employee, OrgUnit


class OrgUnitSerializer(serializers.ModelSerializer):
    class Meta:
        model = OrgUnit
        fields = ["id", "code", "name"]


class EmployeeSerializer(serializers.ModelSerializer):
    org_unit = OrgUnitSerializer()
    supervisor = serializers.PrimaryKeyRelatedField(read_only=True)

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


class CareerProfileSerializer(serializers.ModelSerializer):
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


class MeSerializer(serializers.Serializer):
    username = serializers.CharField()
    roles = serializers.ListField(child=serializers.CharField())
    employee = EmployeeSerializer(allow_null=True)


class TokenRequestSerializer(serializers.Serializer):
    username = serializers.CharField()
    password = serializers.CharField(style={"input_type": "password"}, trim_whitespace=False)


class TokenSerializer(serializers.Serializer):
    token = serializers.CharField()
