"""Signed links for people without an account: confirm an e-mail address, withdraw
answers, unsubscribe. Each kind has its own salt, so one link never works as another."""
from django.core import signing

SALTS = {
    "confirm": "coproduction.submission.confirm",
    "withdraw": "coproduction.submission.withdraw",
    "follow": "coproduction.follow.confirm",
    "unsubscribe": "coproduction.follow.unsubscribe",
}
# Confirmation links last a week; withdraw and unsubscribe links as long as the record.
MAX_AGE = {"confirm": 7 * 86400, "follow": 7 * 86400, "withdraw": None, "unsubscribe": None}


def make(kind: str, pk: int) -> str:
    return signing.dumps(pk, salt=SALTS[kind], compress=True)


def read(kind: str, token: str) -> int | None:
    """The id the link was made for, or None when it is not one of ours (or expired)."""
    try:
        value = signing.loads(token, salt=SALTS[kind], max_age=MAX_AGE[kind])
    except (signing.BadSignature, TypeError, ValueError):
        return None
    return value if isinstance(value, int) and 0 < value < 2**31 else None
