"""Reads for organisation sign-in."""
from .models import SignInDomain, SignInProvider


def domain_of(email):
    return (email or "").rpartition("@")[2].strip().lower()


def sign_in_domain_for(email):
    """The enabled domain mapping that covers this e-mail address, or None."""
    domain = domain_of(email)
    if not domain:
        return None
    return (SignInDomain.objects.select_related("provider", "agency")
            .filter(domain=domain, provider__enabled=True).first())


def provider_get(pk):
    return (SignInProvider.objects.select_related("local_area")
            .filter(pk=pk, enabled=True).first())


def any_provider_enabled():
    return SignInProvider.objects.filter(enabled=True).exists()
