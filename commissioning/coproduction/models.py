"""Co-production: consultations on intentions, comments, official responses, milestones.

A comment is part of the commissioning record: it is never deleted. Withdrawing it keeps
the row (and its history) but the text is no longer shown; hiding it (moderation) keeps
the row with the reason. A response is the lead agency's answer; responses to comments
made in a consultation are drafted and then published together when it closes.
"""
from django.conf import settings
from django.db import models
from simple_history.models import HistoricalRecords


class Audience(models.TextChoices):
    PARENT_CARERS = "parent-carers", "Parent carer forum"
    YOUNG_PEOPLE = "young-people", "Young people"
    PUBLIC = "public", "The public"


class Moderation(models.TextChoices):
    PRE = "pre", "Pre-moderation: a moderator lets each comment through before it is shown"
    POST = "post", "Post-moderation: comments are shown at once and moderators can hide them"


class AreaModeration(models.Model):
    """A local area's moderation rule for comments (a consultation may choose its own).

    Without a row the defaults hold: young people's comments are pre-moderated, everyone
    else's post-moderated."""

    local_area = models.OneToOneField("agencies.LocalArea", on_delete=models.CASCADE,
                                      related_name="coproduction_moderation")
    comments = models.CharField(
        "Comments from parent carers and partners", max_length=10,
        choices=Moderation.choices, default=Moderation.POST)
    young_people = models.CharField(
        "Comments from young people", max_length=10, choices=Moderation.choices,
        default=Moderation.PRE)
    history = HistoricalRecords()

    def __str__(self):
        return f"Moderation in {self.local_area_id}"


class Consultation(models.Model):
    intention = models.ForeignKey("commissioning.Intention", on_delete=models.PROTECT,
                                  related_name="consultations")
    title = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    questions = models.JSONField(default=list, blank=True,
                                 help_text="The questions asked, in order.")
    audiences = models.JSONField(default=list, help_text="Audience values it is for.")
    opens = models.DateField()
    closes = models.DateField(help_text="The last day comments are taken.")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                   null=True, blank=True, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    responses_published_at = models.DateTimeField(null=True, blank=True)
    opened_notified_at = models.DateTimeField(null=True, blank=True)
    moderation = models.CharField(
        max_length=10, choices=Moderation.choices, blank=True, default="",
        help_text="Blank: the local area's rule applies.")
    history = HistoricalRecords()

    class Meta:
        ordering = ["-opens", "title"]
        constraints = [
            models.UniqueConstraint(fields=["intention", "title"],
                                    name="consultation_unique_title"),
            models.CheckConstraint(condition=models.Q(closes__gte=models.F("opens")),
                                   name="consultation_closes_after_opens"),
        ]
        indexes = [models.Index(fields=["opens", "closes"])]

    def __str__(self):
        return self.title

    def is_open_on(self, day) -> bool:
        return self.opens <= day <= self.closes

    def audience_labels(self) -> list[str]:
        labels = dict(Audience.choices)
        return [labels.get(a, a) for a in self.audiences]


class CommentStatus(models.TextChoices):
    OPEN = "open", "Awaiting a response"
    ANSWERED = "answered", "Answered"
    HIDDEN = "hidden", "Hidden by a moderator"
    WITHDRAWN = "withdrawn", "Withdrawn by its author"


class AuthorKind(models.TextChoices):
    """How a comment is attributed when its author did not choose to show their name."""

    PARENT_CARER = "parent-carer", "a parent carer"
    YOUNG_PERSON = "young-person", "a young person"
    PARTNER = "partner", "a partner organisation"


class Comment(models.Model):
    intention = models.ForeignKey("commissioning.Intention", on_delete=models.PROTECT,
                                  related_name="comments")
    consultation = models.ForeignKey(Consultation, on_delete=models.PROTECT, null=True,
                                     blank=True, related_name="comments")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                               related_name="coproduction_comments")
    author_kind = models.CharField(max_length=20, choices=AuthorKind.choices)
    body = models.TextField()
    in_reply_to = models.ForeignKey("self", on_delete=models.PROTECT, null=True, blank=True,
                                    related_name="replies")
    created_at = models.DateTimeField(auto_now_add=True)
    edited_at = models.DateTimeField(null=True, blank=True)
    status = models.CharField(max_length=20, choices=CommentStatus.choices,
                              default=CommentStatus.OPEN)
    show_publicly = models.BooleanField(
        default=False, help_text="The author agrees to it being shown on the public pages.")
    show_name = models.BooleanField(
        default=False, help_text="Shown with the author's name rather than anonymised.")
    personal_data_confirmed = models.BooleanField(
        default=False, help_text="The author confirmed after a personal-data warning.")
    hidden_reason = models.TextField(blank=True)
    hidden_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                  null=True, blank=True, related_name="+")
    hidden_at = models.DateTimeField(null=True, blank=True)
    hidden_notified_at = models.DateTimeField(null=True, blank=True)
    withdrawn_at = models.DateTimeField(null=True, blank=True)
    # Moderation: a comment is shown to others only once let through. Pre-moderated ones
    # wait for a moderator; post-moderated ones are let through as they are posted.
    approved_at = models.DateTimeField(null=True, blank=True)
    approved_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                    null=True, blank=True, related_name="+")
    history = HistoricalRecords()

    class Meta:
        ordering = ["created_at", "id"]
        indexes = [models.Index(fields=["intention", "status"]),
                   models.Index(fields=["author", "created_at"])]

    def __str__(self):
        return f"Comment {self.pk} on {self.intention_id}"

    @property
    def is_visible_text(self) -> bool:
        return self.status not in (CommentStatus.HIDDEN, CommentStatus.WITHDRAWN)

    @property
    def is_pending(self) -> bool:
        """Waiting for a moderator: shown only to its author and the moderators."""
        return self.approved_at is None and self.status == CommentStatus.OPEN

    @property
    def is_shown(self) -> bool:
        """Its text is shown to everyone who can see the intention."""
        return self.is_visible_text and self.approved_at is not None

    @property
    def attribution(self) -> str:
        """The name only when the author chose it; otherwise "a parent carer" etc."""
        if self.show_name:
            return self.author.get_full_name() or self.author.username
        return AuthorKind(self.author_kind).label


class CommentReport(models.Model):
    """Someone reported a comment to the area's moderators."""

    comment = models.ForeignKey(Comment, on_delete=models.CASCADE, related_name="reports")
    reporter = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE,
                                 related_name="+")
    reason = models.TextField()
    created_at = models.DateTimeField(auto_now_add=True)
    resolved_at = models.DateTimeField(null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["-created_at"]
        constraints = [models.UniqueConstraint(fields=["comment", "reporter"],
                                               name="comment_report_once")]

    def __str__(self):
        return f"Report of comment {self.comment_id}"


class Outcome(models.TextChoices):
    CHANGED = "changed-plan", "Changed the plan"
    ALREADY_PLANNED = "already-planned", "Already planned"
    NOT_TAKEN_FORWARD = "not-taken-forward", "Not taken forward"
    UNDER_CONSIDERATION = "under-consideration", "Under consideration"


OUTCOME_TAG_COLOURS = {
    Outcome.CHANGED: "green",
    Outcome.ALREADY_PLANNED: "blue",
    Outcome.NOT_TAKEN_FORWARD: "grey",
    Outcome.UNDER_CONSIDERATION: "yellow",
}


class ResponseStatus(models.TextChoices):
    DRAFT = "draft", "Draft"
    PUBLISHED = "published", "Published"


class Response(models.Model):
    """The official answer to a comment from a commissioner of the lead or a partner agency."""

    comment = models.OneToOneField(Comment, on_delete=models.PROTECT, related_name="response")
    agency = models.ForeignKey("agencies.Agency", on_delete=models.PROTECT, related_name="+")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                               related_name="+")
    body = models.TextField()
    outcome = models.CharField(max_length=30, choices=Outcome.choices)
    reason = models.TextField(blank=True, help_text="Why, when not taken forward.")
    what_changed = models.TextField(blank=True,
                                    help_text="What changed in the plan because of it.")
    status = models.CharField(max_length=20, choices=ResponseStatus.choices,
                              default=ResponseStatus.DRAFT)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    published_at = models.DateTimeField(null=True, blank=True)
    author_notified_at = models.DateTimeField(null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["comment"]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(outcome="not-taken-forward") | ~models.Q(reason=""),
                name="response_reason_when_not_taken_forward"),
        ]

    def __str__(self):
        return f"Response to comment {self.comment_id}"

    @property
    def outcome_colour(self):
        return OUTCOME_TAG_COLOURS.get(self.outcome, "")


class MilestoneKind(models.TextChoices):
    DECISION = "decision", "Decision"
    CONTRACT_AWARDED = "contract-awarded", "Contract awarded"
    SERVICE_STARTED = "service-started", "Service started"
    FIRST_REVIEW = "first-review", "First review"


MILESTONE_ORDER = [k.value for k in MilestoneKind]


class Milestone(models.Model):
    """A delivery milestone of a consulted intention, so "we did" is a traceable record."""

    intention = models.ForeignKey("commissioning.Intention", on_delete=models.PROTECT,
                                  related_name="milestones")
    kind = models.CharField(max_length=30, choices=MilestoneKind.choices)
    planned_on = models.DateField(null=True, blank=True)
    achieved_on = models.DateField(null=True, blank=True)
    evidence = models.CharField(max_length=250, blank=True,
                                help_text="What records it: a decision, a contract reference…")
    note = models.TextField(blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["intention", "kind"]
        constraints = [models.UniqueConstraint(fields=["intention", "kind"],
                                               name="milestone_unique_kind")]

    def __str__(self):
        return f"{self.get_kind_display()} for {self.intention_id}"

    @property
    def position(self):
        return MILESTONE_ORDER.index(self.kind)


# --- questions and answers (issue 16) --------------------------------------------------
class QuestionKind(models.TextChoices):
    TEXT = "text", "Free text"
    ONE = "one", "Choose one"
    MANY = "many", "Choose several"
    SCALE = "scale", "A scale from 1 to 5"


SCALE_VALUES = [1, 2, 3, 4, 5]


class Question(models.Model):
    """One question of a consultation, in order. Choice questions carry their options."""

    consultation = models.ForeignKey(Consultation, on_delete=models.CASCADE,
                                     related_name="question_items")
    position = models.PositiveIntegerField(default=0)
    kind = models.CharField(max_length=10, choices=QuestionKind.choices,
                            default=QuestionKind.TEXT)
    text = models.CharField(max_length=1000)
    hint = models.CharField(max_length=500, blank=True)
    options = models.JSONField(default=list, blank=True,
                               help_text="The choices offered (choose one / several).")
    required = models.BooleanField(default=False)
    we_did = models.TextField(blank=True, help_text="What was done about the answers.")
    history = HistoricalRecords()

    class Meta:
        ordering = ["consultation", "position", "id"]
        indexes = [models.Index(fields=["consultation", "position"])]

    def __str__(self):
        return self.text


class SubmissionStatus(models.TextChoices):
    DRAFT = "draft", "Being written"
    SUBMITTED = "submitted", "Sent"
    HIDDEN = "hidden", "Hidden by a moderator"
    WITHDRAWN = "withdrawn", "Withdrawn by its author"


class Submission(models.Model):
    """One person's answers to a consultation's questions: a signed-in person (`author`)
    or a member of the public known only by an e-mail address they confirm by a link.

    Counted and shown only when sent, confirmed (the public) and let through by a
    moderator (public answers are always pre-moderated)."""

    consultation = models.ForeignKey(Consultation, on_delete=models.PROTECT,
                                     related_name="submissions")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                               null=True, blank=True, related_name="+")
    email = models.EmailField(blank=True)
    status = models.CharField(max_length=20, choices=SubmissionStatus.choices,
                              default=SubmissionStatus.DRAFT)
    created_at = models.DateTimeField(auto_now_add=True)
    submitted_at = models.DateTimeField(null=True, blank=True)
    confirmed_at = models.DateTimeField(null=True, blank=True)
    confirm_sent_at = models.DateTimeField(null=True, blank=True)
    approved_at = models.DateTimeField(null=True, blank=True)
    approved_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                    null=True, blank=True, related_name="+")
    hidden_reason = models.TextField(blank=True)
    withdrawn_at = models.DateTimeField(null=True, blank=True)
    personal_data_confirmed = models.BooleanField(default=False)
    show_publicly = models.BooleanField(
        default=False, help_text="The person agrees to their written answers being shown "
                                 "on the public pages (never their e-mail or name).")
    ip_address = models.GenericIPAddressField(null=True, blank=True)
    history = HistoricalRecords(excluded_fields=["ip_address"])

    class Meta:
        ordering = ["created_at", "id"]
        indexes = [models.Index(fields=["consultation", "status"]),
                   models.Index(fields=["email", "created_at"]),
                   models.Index(fields=["ip_address", "created_at"])]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(author__isnull=False) | ~models.Q(email=""),
                name="submission_has_author_or_email"),
            models.UniqueConstraint(fields=["consultation", "author"],
                                    condition=models.Q(author__isnull=False),
                                    name="submission_once_per_author"),
        ]

    def __str__(self):
        return f"Answers {self.pk} to consultation {self.consultation_id}"

    @property
    def is_public(self) -> bool:
        return self.author_id is None

    @property
    def is_pending(self) -> bool:
        """Sent (and confirmed, for the public) and waiting for a moderator."""
        return (self.status == SubmissionStatus.SUBMITTED and self.approved_at is None
                and (self.author_id is not None or self.confirmed_at is not None))

    @property
    def counts(self) -> bool:
        return self.status == SubmissionStatus.SUBMITTED and self.approved_at is not None


class Answer(models.Model):
    """The answer to one question: text, the chosen options, or a point on the scale."""

    submission = models.ForeignKey(Submission, on_delete=models.CASCADE,
                                   related_name="answers")
    question = models.ForeignKey(Question, on_delete=models.PROTECT, related_name="answers")
    text = models.TextField(blank=True)
    choices = models.JSONField(default=list, blank=True)
    scale = models.PositiveSmallIntegerField(null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["question__position", "id"]
        constraints = [models.UniqueConstraint(fields=["submission", "question"],
                                               name="answer_once_per_question")]

    def __str__(self):
        return f"Answer to question {self.question_id}"

    @property
    def is_empty(self) -> bool:
        return not self.text and not self.choices and self.scale is None


# --- documents -------------------------------------------------------------------------
class DocumentKind(models.TextChoices):
    FULL = "full", "The document"
    EASY_READ = "easy-read", "Easy read version"
    SUMMARY = "summary", "Summary"


class ConsultationDocument(models.Model):
    """A paper consulted on (PDF or DOCX), stored through Django's storage."""

    consultation = models.ForeignKey(Consultation, on_delete=models.PROTECT,
                                     related_name="documents")
    title = models.CharField(max_length=200)
    kind = models.CharField(max_length=20, choices=DocumentKind.choices,
                            default=DocumentKind.FULL)
    file = models.FileField(upload_to="consultations/%Y/%m/", max_length=300)
    filename = models.CharField(max_length=200, help_text="The name it was uploaded with.")
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField()
    summary = models.TextField(blank=True)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                    related_name="+")
    uploaded_at = models.DateTimeField(auto_now_add=True)
    removed_at = models.DateTimeField(null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["consultation", "kind", "title", "id"]

    def __str__(self):
        return self.title


# --- follow ----------------------------------------------------------------------------
class Follow(models.Model):
    """A person follows an intention or a consultation and is e-mailed when its stage
    changes, a response is published or a decision is made. Signed in (`user`), or by an
    e-mail address confirmed by a link."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, null=True,
                             blank=True, related_name="coproduction_follows")
    email = models.EmailField(blank=True)
    intention = models.ForeignKey("commissioning.Intention", on_delete=models.CASCADE,
                                  null=True, blank=True, related_name="follows")
    consultation = models.ForeignKey(Consultation, on_delete=models.CASCADE, null=True,
                                     blank=True, related_name="follows")
    created_at = models.DateTimeField(auto_now_add=True)
    confirmed_at = models.DateTimeField(null=True, blank=True)
    unsubscribed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["created_at", "id"]
        constraints = [
            models.CheckConstraint(
                condition=(models.Q(intention__isnull=False, consultation__isnull=True)
                           | models.Q(intention__isnull=True, consultation__isnull=False)),
                name="follow_one_subject"),
            models.CheckConstraint(condition=models.Q(user__isnull=False) | ~models.Q(email=""),
                                   name="follow_has_user_or_email"),
        ]
        indexes = [models.Index(fields=["intention", "unsubscribed_at"]),
                   models.Index(fields=["consultation", "unsubscribed_at"])]

    def __str__(self):
        return f"Follow {self.pk}"

    @property
    def address(self) -> str:
        return self.user.email if self.user_id else self.email

    @property
    def subject(self):
        return self.consultation if self.consultation_id else self.intention

    @property
    def is_active(self) -> bool:
        return self.confirmed_at is not None and self.unsubscribed_at is None


class FollowNotice(models.Model):
    """An e-mail sent to a follower about one event (so no event is sent twice)."""

    follow = models.ForeignKey(Follow, on_delete=models.CASCADE, related_name="notices")
    event = models.CharField(max_length=100)
    sent_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["follow", "event"],
                                               name="follow_notice_once")]

    def __str__(self):
        return f"{self.event} to follow {self.follow_id}"
