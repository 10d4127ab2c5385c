from django.core.exceptions import PermissionDenied


def staff_area(request):
    """The staff's intranet is not on the public site: everyone gets the site's 403 page."""
    raise PermissionDenied("Réservé aux agents de la mairie")
