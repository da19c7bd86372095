"""A permission answer with its reason, so pages and the API can say *why* not."""
from dataclasses import dataclass


@dataclass(frozen=True)
class Decision:
    allowed: bool
    reason: str = ""

    def __bool__(self):
        return self.allowed

    @classmethod
    def allow(cls):
        return cls(True)

    @classmethod
    def deny(cls, reason):
        return cls(False, reason)
