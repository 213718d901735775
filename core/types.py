"""Types shared by the apps' signatures."""

from __future__ import annotations

from typing import TypeAlias

from django.contrib.auth.models import AnonymousUser, User

# A person acting on something: their permissions are asked (``has_perm``).
# Services take ``actor: Actor | None`` where ``None`` is the system itself.
Actor: TypeAlias = User
# Whoever asks to read: a logged-in user or an anonymous visitor.
Viewer: TypeAlias = User | AnonymousUser
