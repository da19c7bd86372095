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


def provider_origins():
    """The origins of the enabled providers (scheme://host[:port] of their issuers): the
    sign-in form may send people there, so its Content-Security-Policy form-action names
    them (see sso.views.start)."""
    from urllib.parse import urlsplit

    origins = set()
    for issuer in SignInProvider.objects.filter(enabled=True).values_list("issuer", flat=True):
        parts = urlsplit(issuer)
        if parts.scheme in ("https", "http") and parts.netloc:
            origins.add(f"{parts.scheme}://{parts.netloc}")
    return sorted(origins)
