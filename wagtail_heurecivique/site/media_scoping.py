"""Which images and documents a staff user may use: Wagtail's own permission policy.

Wagtail decides by collection (a commune's collection and its group's permissions on
it); the admin API and the plugin's own image fields ask it through here.
"""

from importlib import import_module

#: What a user may do with an image or a document for it to be theirs to use.
USING = ["choose", "change", "delete"]


def permission_policy(model):
    """Wagtail's permission policy of the image or document model: a registry from Wagtail 8 on."""
    try:
        from wagtail.permissions import policy_registry
    except ImportError:  # Wagtail 7: one policy per app, at module level
        from wagtail.images import get_image_model

        app = "images" if issubclass(model, get_image_model()) else "documents"
        return import_module(f"wagtail.{app}.permissions").permission_policy
    return policy_registry.get_by_type(model)


def usable(model, user):
    """The images (or documents) ``user`` may choose, change or delete, as a lazy queryset."""
    return permission_policy(model).instances_user_has_any_permission_for(user, USING)
