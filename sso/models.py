"""Organisation sign-in (OpenID Connect): which identity providers a local area trusts,
and which e-mail domains each may vouch for, and for which agency."""
from django.core.exceptions import ValidationError
from django.db import models
from simple_history.models import HistoricalRecords

from agencies.models import Agency, LocalArea


class SignInProvider(models.Model):
    """One identity provider of a local area (a council's Microsoft Entra ID tenant, the
    NHS Care Identity Service 2). The client secret stays out of the database: the row names
    the environment variable that holds it."""

    local_area = models.ForeignKey(LocalArea, on_delete=models.CASCADE,
                                   related_name="sign_in_providers")
    name = models.CharField(max_length=120, help_text="Shown to people, e.g. 'NHS Care Identity'.")
    issuer = models.URLField(
        help_text="The provider's issuer; its /.well-known/openid-configuration is read.")
    client_id = models.CharField(max_length=200)
    client_secret_env = models.CharField(
        "client secret variable", max_length=100,
        help_text="Name of the environment variable holding the client secret.")
    enabled = models.BooleanField(default=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["local_area__name", "name"]
        constraints = [models.UniqueConstraint(fields=["local_area", "name"],
                                               name="sso_provider_unique_name")]

    def __str__(self):
        return f"{self.name} ({self.local_area})"


class SignInDomain(models.Model):
    """People whose verified e-mail ends @domain may sign in through `provider`, and only to
    an account that holds a current role at `agency`."""

    provider = models.ForeignKey(SignInProvider, on_delete=models.CASCADE, related_name="domains")
    domain = models.CharField(max_length=120, unique=True,
                              help_text="Lower case, without '@', e.g. derbyshire.gov.uk")
    agency = models.ForeignKey(Agency, on_delete=models.CASCADE, related_name="sign_in_domains")
    history = HistoricalRecords()

    class Meta:
        ordering = ["domain"]

    def __str__(self):
        return f"@{self.domain} → {self.agency}"

    def clean(self):
        self.domain = (self.domain or "").strip().lower().lstrip("@")
        if self.provider_id and self.agency_id and (
                self.agency.local_area_id != self.provider.local_area_id):
            raise ValidationError({"agency": "Choose an agency of the provider's local area."})
