"""The rewards admin pages load with data, and deliveries show their attempts."""

import pytest
from django.urls import reverse

from rewards import services, webhooks
from rewards.models import WebhookDelivery, WebhookEndpoint
from rewards.selectors import recognition_posts_public


@pytest.fixture
def admin_client(client, django_user_model):
    user = django_user_model.objects.create_superuser("root", "root@example.test", "pw")
    client.force_login(user)
    return client


def test_every_rewards_admin_page_loads(published, admin_client, receiver):
    WebhookEndpoint.objects.create(url=receiver.url + "/fail")
    services.webhook_deliveries_create(posts=recognition_posts_public())
    webhooks.endpoint_drain(endpoint_id=WebhookEndpoint.objects.get().pk)
    for model in (
        "incentiverule",
        "bonusbudget",
        "publication",
        "incentiverecord",
        "recognitionpost",
        "webhookendpoint",
        "webhookdelivery",
    ):
        assert admin_client.get(reverse(f"admin:rewards_{model}_changelist")).status_code == 200
    failing = WebhookDelivery.objects.filter(attempts=1).get()
    page = admin_client.get(reverse("admin:rewards_webhookdelivery_change", args=[failing.pk]))
    assert "HTTP 500" in page.content.decode()
