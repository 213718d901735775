from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


def _revoke_tokens_on_password_change(sender, instance, update_fields=None, **kwargs):
    """A new password ends every API token of the user (whoever held the old
    password may hold a token)."""
    if instance.pk is None or (update_fields is not None and "password" not in update_fields):
        return
    old = sender.objects.filter(pk=instance.pk).values_list("password", flat=True).first()
    if old is not None and old != instance.password:
        from .authentication import revoke_tokens

        revoke_tokens(user=instance)


class PeopleConfig(AppConfig):
    name = "people"
    verbose_name = _("People and careers")

    def ready(self):
        from django.contrib.auth import get_user_model
        from django.contrib.auth.signals import user_login_failed
        from django.db.models.signals import pre_save

        from .login_limits import record_failure

        user_login_failed.connect(record_failure, dispatch_uid="people.login_limits")

        pre_save.connect(
            _revoke_tokens_on_password_change,
            sender=get_user_model(),
            dispatch_uid="people.revoke_tokens_on_password_change",
        )
