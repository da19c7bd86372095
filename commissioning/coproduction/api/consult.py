"""API of a consultation's questions, answers, documents and follows (issue 16).

Thin: validate, call one selector or service, serialise. The public endpoints need no
sign-in and carry the same honeypot and rate limits as the public pages.
"""
from django.http import Http404
from django.shortcuts import get_object_or_404
from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import serializers, status
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.response import Response
from rest_framework.views import APIView

from agencies.lockout import client_ip
from portal.errors import ApplicationError, ErrorCode

from .. import permissions as perms
from .. import public, ratelimits, selectors, services
from ..models import DocumentKind, Question, QuestionKind
from .views import PublicView, RateLimited


class QuestionSerializer(serializers.ModelSerializer):
    class Meta:
        model = Question
        fields = ["id", "position", "kind", "text", "hint", "options", "required", "we_did"]
        read_only_fields = fields


class QuestionInSerializer(serializers.Serializer):
    text = serializers.CharField(max_length=1000, required=False)
    kind = serializers.ChoiceField(choices=QuestionKind.choices, required=False)
    options = serializers.ListField(child=serializers.CharField(max_length=200),
                                    required=False, max_length=20)
    hint = serializers.CharField(max_length=500, required=False, allow_blank=True)
    required = serializers.BooleanField(required=False)
    we_did = serializers.CharField(max_length=5000, required=False)


class OrderSerializer(serializers.Serializer):
    order = serializers.ListField(child=serializers.IntegerField(min_value=1,
                                                                 max_value=2**31 - 1),
                                  max_length=200)


class AnswersInSerializer(serializers.Serializer):
    answers = serializers.DictField(
        help_text="Question id → answer: text, an option, a list of options, or 1–5.")
    confirm_personal_data = serializers.BooleanField(default=False)
    public = serializers.BooleanField(default=False, help_text="Written answers may be "
                                                               "shown on the public pages.")


class PublicAnswersInSerializer(AnswersInSerializer):
    email = serializers.EmailField(max_length=254)
    website = serializers.CharField(required=False, allow_blank=True,
                                    help_text="Leave empty (a honeypot for bots).")


class FollowInSerializer(serializers.Serializer):
    intention = serializers.IntegerField(required=False, min_value=1, max_value=2**31 - 1)
    consultation = serializers.IntegerField(required=False, min_value=1, max_value=2**31 - 1)


class PublicFollowInSerializer(serializers.Serializer):
    email = serializers.EmailField(max_length=254)
    website = serializers.CharField(required=False, allow_blank=True)


class DocumentInSerializer(serializers.Serializer):
    title = serializers.CharField(max_length=200)
    kind = serializers.ChoiceField(choices=DocumentKind.choices, default=DocumentKind.FULL)
    file = serializers.FileField()
    summary = serializers.CharField(max_length=5000, required=False, allow_blank=True)


def _document_out(document, request=None):
    return {"id": document.pk, "title": document.title, "kind": document.kind,
            "filename": document.filename, "content_type": document.content_type,
            "size": document.size, "summary": document.summary,
            "url": f"/documents/{document.pk}/"}


SUBMISSION_OUT = inline_serializer("SubmissionOut", fields={
    "id": serializers.IntegerField(), "status": serializers.CharField(),
    "approved": serializers.BooleanField(), "answers": serializers.DictField()})
MESSAGE_OUT = inline_serializer("MessageOut", fields={"message": serializers.CharField()})


def _submission_out(submission):
    return {"id": submission.pk, "status": submission.status,
            "approved": submission.approved_at is not None,
            "answers": {str(a.question_id): (a.text or (a.choices if a.question.kind == "many"
                                                        else (a.choices or [None])[0])
                                             or a.scale)
                        for a in submission.answers.select_related("question")}}


def _managed(request, pk):
    consultation = selectors.consultation_get(actor=request.user, pk=pk)
    if not perms.can_manage_consultation(request.user, consultation.intention):
        raise Http404
    return consultation


class ConsultationQuestions(APIView):
    """The questions in order (anyone who can see the consultation); add one (its
    commissioners, while it is in draft)."""

    @extend_schema(responses=QuestionSerializer(many=True))
    def get(self, request, pk):
        consultation = selectors.consultation_get(actor=request.user, pk=pk)
        return Response(QuestionSerializer(selectors.questions_of(consultation),
                                           many=True).data)

    @extend_schema(request=QuestionInSerializer, responses={201: QuestionSerializer})
    def post(self, request, pk):
        consultation = _managed(request, pk)
        data = QuestionInSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = {k: v for k, v in data.validated_data.items() if k != "we_did"}
        if "text" not in values:
            raise ApplicationError("Enter the question.", errors={"text": ["Enter the question"]})
        question = services.question_create(actor=request.user, consultation=consultation,
                                            **values)
        return Response(QuestionSerializer(question).data, status=status.HTTP_201_CREATED)


class QuestionDetail(APIView):
    """Change a question (in draft; `we_did` once closed) or remove it (in draft)."""

    def get_object(self):
        question = get_object_or_404(Question.objects.select_related("consultation"),
                                     pk=self.kwargs["pk"])
        _managed(self.request, question.consultation_id)
        return question

    @extend_schema(request=QuestionInSerializer, responses=QuestionSerializer)
    def patch(self, request, pk):
        question = self.get_object()
        data = QuestionInSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = dict(data.validated_data)
        we_did = values.pop("we_did", None)
        if values:
            question = services.question_update(actor=request.user, question=question,
                                                **values)
        if we_did is not None:
            question = services.question_we_did(actor=request.user, question=question,
                                                we_did=we_did)
        return Response(QuestionSerializer(question).data)

    @extend_schema(responses={204: None})
    def delete(self, request, pk):
        services.question_delete(actor=request.user, question=self.get_object())
        return Response(status=status.HTTP_204_NO_CONTENT)


class QuestionsOrder(APIView):
    @extend_schema(request=OrderSerializer, responses=QuestionSerializer(many=True))
    def post(self, request, pk):
        consultation = _managed(request, pk)
        data = OrderSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        ordered = services.questions_reorder(actor=request.user, consultation=consultation,
                                             order=data.validated_data["order"])
        return Response(QuestionSerializer(ordered, many=True).data)


class ConsultationSummary(APIView):
    """Per question: how many answered, counts per option or scale point, written answers
    grouped (commissioners of the consultation)."""

    @extend_schema(responses={200: inline_serializer("QuestionSummary", fields={
        "counts": serializers.DictField(), "questions": serializers.ListField()})})
    def get(self, request, pk):
        consultation = _managed(request, pk)
        rows = selectors.question_summary(consultation=consultation)
        return Response({
            "counts": selectors.submission_counts(consultation=consultation),
            "questions": [{"question": QuestionSerializer(r["question"]).data,
                           "answered": r["answered"], "counts": r["counts"],
                           "average": r["average"], "groups": r["groups"]} for r in rows]})


class MyAnswers(APIView):
    """The signed-in person's answers: read (GET), send or change (POST), withdraw
    (DELETE)."""

    def consultation(self):
        return selectors.consultation_get(actor=self.request.user, pk=self.kwargs["pk"])

    @extend_schema(responses=SUBMISSION_OUT)
    def get(self, request, pk):
        mine = selectors.my_submission(actor=request.user, consultation=self.consultation())
        if mine is None:
            raise ApplicationError("You have not answered this consultation.",
                                   code=ErrorCode.NOT_FOUND)
        return Response(_submission_out(mine))

    @extend_schema(request=AnswersInSerializer, responses={201: SUBMISSION_OUT})
    def post(self, request, pk):
        consultation = self.consultation()
        data = AnswersInSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        submission = services.submission_answer(
            actor=request.user, consultation=consultation, answers=values["answers"],
            confirm_personal_data=values["confirm_personal_data"],
            show_publicly=values["public"])
        return Response(_submission_out(submission), status=status.HTTP_201_CREATED)

    @extend_schema(responses={200: SUBMISSION_OUT})
    def delete(self, request, pk):
        mine = selectors.my_submission(actor=request.user, consultation=self.consultation())
        if mine is None:
            raise ApplicationError("You have not answered this consultation.",
                                   code=ErrorCode.NOT_FOUND)
        return Response(_submission_out(services.submission_withdraw(submission=mine,
                                                                     actor=request.user)))


class ConsultationDocuments(APIView):
    """The documents (anyone who can see the consultation); add one (multipart; its
    commissioners)."""

    parser_classes = [MultiPartParser, FormParser]

    @extend_schema(responses={200: None})
    def get(self, request, pk):
        consultation = selectors.consultation_get(actor=request.user, pk=pk)
        return Response([_document_out(d) for d in selectors.documents_of(consultation)])

    @extend_schema(request={"multipart/form-data": DocumentInSerializer}, responses={201: None})
    def post(self, request, pk):
        consultation = _managed(request, pk)
        data = DocumentInSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        document = services.document_add(
            actor=request.user, consultation=consultation, title=values["title"],
            kind=values["kind"], upload=values["file"], summary=values.get("summary", ""))
        return Response(_document_out(document), status=status.HTTP_201_CREATED)


class DocumentDetail(APIView):
    @extend_schema(responses={204: None})
    def delete(self, request, pk):
        document = selectors.document_get(actor=request.user, pk=pk)
        services.document_remove(actor=request.user, document=document)
        return Response(status=status.HTTP_204_NO_CONTENT)


def _follow_out(follow):
    return {"id": follow.pk, "intention": follow.intention_id,
            "consultation": follow.consultation_id, "since": follow.created_at}


class Follows(APIView):
    """What the signed-in person follows (GET); follow an intention or consultation (POST)."""

    @extend_schema(responses={200: None})
    def get(self, request):
        return Response([_follow_out(f) for f in selectors.my_follows(actor=request.user)])

    @extend_schema(request=FollowInSerializer, responses={201: None})
    def post(self, request):
        data = FollowInSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        if bool(values.get("intention")) == bool(values.get("consultation")):
            raise ApplicationError("Give an intention or a consultation.", errors={
                "intention": ["Give an intention or a consultation, not both"]})
        subject = selectors.consultation_get(actor=request.user, pk=values["consultation"]) \
            if values.get("consultation") else \
            selectors.intention_get(actor=request.user, pk=values["intention"])
        follow = services.follow_start(actor=request.user, subject=subject)
        return Response(_follow_out(follow), status=status.HTTP_201_CREATED)


class FollowDetail(APIView):
    @extend_schema(responses={204: None})
    def delete(self, request, pk):
        follow = selectors.my_follows(actor=request.user).filter(pk=pk).first()
        if follow is None:
            raise ApplicationError("Not found.", code=ErrorCode.NOT_FOUND)
        services.follow_stop(follow=follow, actor=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)


# --- no sign-in ------------------------------------------------------------------------
def _public_consultation_out(area, c):
    return {"id": c.pk, "title": c.title, "description": c.description, "opens": c.opens,
            "closes": c.closes, "intention": c.intention.reference,
            "theme": c.intention.thematic_area,
            "url": f"/public/{area.slug}/consultations/{c.pk}/"}


class PublicConsultations(PublicView):
    """Consultations aimed at the public: open (closing soonest first), upcoming, closed.
    `?theme=` and `?q=` filter."""

    @extend_schema(operation_id="v1_public_consultations_list", responses={200: None})
    def get(self, request, area_slug):
        area = self.area()
        found = public.public_consultations(area, theme=request.query_params.get(
            "theme", "")[:200], search=request.query_params.get("q", "")[:200])
        return Response({key: [_public_consultation_out(area, c) for c in found[key]]
                         for key in ("open", "upcoming", "closed")})


class PublicConsultationView(PublicView):
    def consultation(self, area, pk):
        try:
            return public.public_consultation_get(area, pk)
        except Http404 as exc:
            raise ApplicationError("There is no such consultation.",
                                   code=ErrorCode.NOT_FOUND) from exc


class PublicConsultationDetail(PublicConsultationView):
    """One public consultation: its questions, and once closed what people said and what
    was done, per question."""

    @extend_schema(operation_id="v1_public_consultation_detail", responses={200: None})
    def get(self, request, area_slug, pk):
        area = self.area()
        consultation = self.consultation(area, pk)
        results = public.we_asked_you_said_we_did(consultation)
        return Response({
            **_public_consultation_out(area, consultation),
            "questions": [{**QuestionSerializer(r["question"]).data,
                           "answered": r["answered"], "counts": r["counts"],
                           "average": r["average"], "groups": r["groups"]}
                          for r in results["questions"]],
            "decision": {"on": results["decision"].achieved_on,
                         "record": results["decision"].evidence}
            if results["decision"] and results["decision"].achieved_on else None})


class PublicAnswers(PublicConsultationView):
    """Answer a public consultation with no account. 202: we e-mail a link to confirm the
    address; the answers count once confirmed and let through by a moderator."""

    @extend_schema(request=PublicAnswersInSerializer, responses={202: MESSAGE_OUT})
    def post(self, request, area_slug, pk):
        area = self.area()
        consultation = self.consultation(area, pk)
        if ratelimits.public_rate_limited(request, str(request.data.get("email", ""))[:254]):
            raise RateLimited(ratelimits.PUBLIC_MESSAGE)
        data = PublicAnswersInSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        if not values.get("website"):
            services.public_submission_create(
                consultation=consultation, email=values["email"], answers=values["answers"],
                ip_address=client_ip(request) or None,
                confirm_personal_data=values["confirm_personal_data"],
                show_publicly=values["public"])
        return Response({"message": "Thank you. We have e-mailed you a link to confirm your "
                                    "address."}, status=status.HTTP_202_ACCEPTED)


class PublicFollow(PublicConsultationView):
    @extend_schema(request=PublicFollowInSerializer, responses={202: MESSAGE_OUT})
    def post(self, request, area_slug, pk):
        area = self.area()
        consultation = self.consultation(area, pk)
        if ratelimits.public_rate_limited(request, str(request.data.get("email", ""))[:254]):
            raise RateLimited(ratelimits.PUBLIC_MESSAGE)
        data = PublicFollowInSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        if not data.validated_data.get("website"):
            services.public_follow_start(consultation=consultation,
                                         email=data.validated_data["email"])
        return Response({"message": "We have e-mailed you a link to confirm."},
                        status=status.HTTP_202_ACCEPTED)


