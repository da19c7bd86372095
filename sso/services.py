"""Who an organisation sign-in is: matched to an existing account by verified e-mail.
Nobody is created, and no role is given, by signing in."""
from agencies.models import Membership, User
from portal.errors import ApplicationError, ErrorCode

from .selectors import domain_of


def user_for_claims(*, provider, claims):
    """The one active account these claims from `provider` prove, or ApplicationError
    saying plainly why not."""
    email = (claims.get("email") or "").strip()
    if not email:
        raise _refuse(f"{provider.name} did not tell us your e-mail address.")
    if claims.get("email_verified") is not True:
        raise _refuse(f"{provider.name} has not confirmed that {email} is yours.")
    mapping = provider.domains.select_related("agency").filter(domain=domain_of(email)).first()
    if mapping is None:
        raise _refuse(f"Addresses at {domain_of(email)} cannot sign in through "
                      f"{provider.name}. Sign in with your portal password.")
    users = list(User.objects.filter(email__iexact=email, is_active=True)[:2])
    if len(users) != 1:
        raise _refuse(f"No portal account uses {email}. Ask a local-area administrator of "
                      f"{provider.local_area.name} to add you; then sign in again.")
    user = users[0]
    if not Membership.objects.active().filter(user=user, agency=mapping.agency).exists():
        raise _refuse(f"Your portal account has no current role at {mapping.agency.name}. "
                      f"Ask a local-area administrator of {provider.local_area.name}.")
    return user


def _refuse(message):
    return ApplicationError(message, code=ErrorCode.FORBIDDEN)
