from rest_framework.authentication import TokenAuthentication as BaseTokenAuthentication


class TokenAuthentication(BaseTokenAuthentication):
    """DRF's token authentication, fetching the user's employee record in the
    same query (nearly every view asks "which employee is this?")."""

    def authenticate_credentials(self, key):
        model = self.get_model()
        try:
            token = model.objects.select_related("user", "user__employee").get(key=key)
        except model.DoesNotExist:
            return super().authenticate_credentials(key)  # raises the usual error
        if not token.user.is_active:
            return super().authenticate_credentials(key)
        return (token.user, token)
