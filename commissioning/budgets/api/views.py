"""Thin API views: validate, call a selector or service, serialise.

Everything of an agreement the actor may not see is a 404 (same as missing); a visible
agreement the actor may not change answers 403 with the reason.
"""
import django_filters
from django.http import Http404
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import generics, status
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.response import Response
from rest_framework.views import APIView

from agencies.models import LocalArea
from portal.api import Pagination, page_of
from portal.errors import ApplicationError, ErrorCode

from .. import permissions, selectors, services
from ..models import Section75Agreement
from ..position import position_of
from ..services.spend import check_size
from .serializers import (
    AggregatesSerializer,
    AgreementDetailSerializer,
    AgreementSerializer,
    CommentaryInputSerializer,
    JointPackageInputSerializer,
    JointPackageSerializer,
    PositionQuerySerializer,
    PositionSerializer,
    QuarterAnswerSerializer,
    ReasonSerializer,
    SettlementQuerySerializer,
    SettlementSerializer,
    SettlementSignSerializer,
    SnapshotInputSerializer,
    SnapshotSerializer,
    SpendImportErrorsSerializer,
    SpendImportResultSerializer,
    SpendImportSerializer,
    SpendInputSerializer,
    SpendSerializer,
    VirementAnswerSerializer,
    VirementInputSerializer,
    VirementRejectSerializer,
    VirementSerializer,
)


def _require(decision):
    if not decision:
        raise ApplicationError(decision.reason, code=ErrorCode.FORBIDDEN)


class AgreementFilter(django_filters.FilterSet):
    local_area = django_filters.CharFilter(field_name="local_area__slug")
    search = django_filters.CharFilter(field_name="title", lookup_expr="icontains")

    class Meta:
        model = Section75Agreement
        fields = ["local_area", "status"]


class AgreementList(generics.ListAPIView):
    """Agreements in the areas where the actor has internal access."""

    serializer_class = AgreementSerializer
    filterset_class = AgreementFilter

    def get_queryset(self):
        return selectors.agreement_list(actor=self.request.user)


class AgreementDetail(APIView):
    @extend_schema(responses=AgreementDetailSerializer)
    def get(self, request, pk):
        agreement = selectors.agreement_get(actor=request.user, pk=pk)
        context = {"schedules": selectors.schedule_list(agreement=agreement),
                   "contributions": selectors.contribution_summary(agreement=agreement)}
        return Response(AgreementDetailSerializer(agreement, context=context).data)


class SpendView(APIView):
    @extend_schema(operation_id="v1_pooled_budgets_spend_list",
                   responses=page_of(SpendSerializer, "SpendPage"), parameters=[
        OpenApiParameter("year", str), OpenApiParameter("schedule", str)])
    def get(self, request, pk):
        agreement = selectors.agreement_get(actor=request.user, pk=pk)
        year = request.query_params.get("year")
        if year:
            PositionQuerySerializer(data={"year": year, "quarter": 1}).is_valid(
                raise_exception=True)
        spend = selectors.spend_list(agreement=agreement, year=year,
                                     schedule_code=request.query_params.get("schedule", ""))
        paginator = Pagination()
        page = paginator.paginate_queryset(spend, request, view=self)
        return paginator.get_paginated_response(SpendSerializer(page, many=True).data)

    @extend_schema(request=SpendInputSerializer, responses={201: SpendSerializer})
    def post(self, request, pk):
        agreement = selectors.agreement_get(actor=request.user, pk=pk)
        _require(permissions.can_change_agreement(request.user, agreement))
        data = SpendInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        schedule = agreement.schedules.filter(code__iexact=values["schedule"]).first()
        if schedule is None:
            raise ApplicationError("No such schedule in this agreement.",
                                   errors={"schedule": ["No such schedule in this agreement."]})
        source = None
        if values.get("source_agency"):
            source = agreement.parties.filter(pk=values["source_agency"]).first()
            if source is None:
                raise ApplicationError("The paying partner must be a party.", errors={
                    "source_agency": ["The paying partner must be a party to the agreement."]})
        spend = services.spend_create(
            actor=request.user, schedule=schedule, date=values["date"], amount=values["amount"],
            description=values["description"], source_agency=source,
            contract_reference=values.get("contract_reference", ""))
        return Response(SpendSerializer(spend).data, status=status.HTTP_201_CREATED)


class SpendImportView(APIView):
    """Import spend from a CSV file, all or nothing. `?dry_run=1` only checks it (200)."""

    parser_classes = [MultiPartParser, FormParser]

    @extend_schema(request={"multipart/form-data": SpendImportSerializer},
                   parameters=[OpenApiParameter("dry_run", bool)],
                   responses={200: SpendImportResultSerializer, 201: SpendImportResultSerializer,
                              400: SpendImportErrorsSerializer})
    def post(self, request, pk):
        agreement = selectors.agreement_get(actor=request.user, pk=pk)
        _require(permissions.can_change_agreement(request.user, agreement))
        data = SpendImportSerializer(data=request.data)
        if not data.is_valid():
            raise ApplicationError("Attach the CSV file as `file`.", errors=[
                {"line": None, "field": "file", "message": "Attach the CSV file as `file`."}],
                extra={"error_count": 1})
        upload = data.validated_data["file"]
        dry_run = request.query_params.get("dry_run", "").lower() in {"1", "true", "yes"}
        check_size(upload.size)  # refuse before reading a huge file into memory
        content = upload.read()
        result = services.spend_import(actor=request.user, agreement=agreement, content=content,
                                       filename=upload.name, dry_run=dry_run)
        return Response(result.as_dict(),
                        status=status.HTTP_200_OK if dry_run else status.HTTP_201_CREATED)


class PositionView(APIView):
    @extend_schema(parameters=[PositionQuerySerializer], responses=PositionSerializer)
    def get(self, request, pk):
        agreement = selectors.agreement_get(actor=request.user, pk=pk)
        query = PositionQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        try:
            position = position_of(agreement, query.validated_data["year"],
                                   query.validated_data["quarter"])
        except ValueError as exc:
            raise ApplicationError(str(exc), errors={"year": [str(exc)]}) from exc
        return Response(position)


class CommentaryView(APIView):
    """Write the narrative on a quarter's position; read it in the position's `commentary`."""

    @extend_schema(request=CommentaryInputSerializer,
                   responses={200: PositionSerializer})
    def post(self, request, pk):
        agreement = selectors.agreement_get(actor=request.user, pk=pk)
        data = CommentaryInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = dict(data.validated_data)
        year, quarter, code = values.pop("year"), values.pop("quarter"), values.pop("schedule")
        schedule = None
        if code:
            schedule = next((s for s in selectors.schedule_list(agreement=agreement)
                             if s.code.lower() == code.lower()), None)
            if schedule is None:
                message = f"No schedule {code} in this agreement."
                raise ApplicationError(message, errors={"schedule": [message]})
        services.commentary_set(actor=request.user, agreement=agreement, year=year,
                                quarter=quarter, schedule=schedule, **values)
        return Response(position_of(agreement, year, quarter))


def _settlement(agreement, year):
    view = selectors.settlement_view(agreement=agreement, year=year)
    return {"year": year, "statement": view["statement"], "sha256": view.get("sha256"),
            "signed": bool(view.get("signed")),
            "signers": [{"agency": row["agency"], "name": row["name"],
                         "signed_by": str(row["sign_off"].person) if row["sign_off"] else None,
                         "signed_at": row["sign_off"].at if row["sign_off"] else None}
                        for row in view["signers"]]}


class SettlementView(APIView):
    """The year-end settlement statement (null until Q4 is closed) and its sign-off."""

    @extend_schema(parameters=[SettlementQuerySerializer], responses=SettlementSerializer)
    def get(self, request, pk):
        agreement = selectors.agreement_get(actor=request.user, pk=pk)
        query = SettlementQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        return Response(_settlement(agreement, query.validated_data["year"]))


class SettlementSignView(APIView):
    """A finance officer of a contributing partner signs the statement for it."""

    @extend_schema(request=SettlementSignSerializer, responses={200: SettlementSerializer})
    def post(self, request, pk):
        agreement = selectors.agreement_get(actor=request.user, pk=pk)
        data = SettlementSignSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        year = data.validated_data["year"]
        services.settlement_sign(actor=request.user, agreement=agreement, year=year,
                                 agency=_partner(agreement, data.validated_data["agency"]))
        return Response(_settlement(agreement, year))


class SnapshotView(APIView):
    @extend_schema(responses=SnapshotSerializer(many=True))
    def get(self, request, pk):
        agreement = selectors.agreement_get(actor=request.user, pk=pk)
        return Response([_snapshot(s) for s in selectors.snapshot_list(agreement=agreement)])

    @extend_schema(request=SnapshotInputSerializer, responses={201: SnapshotSerializer})
    def post(self, request, pk):
        agreement = selectors.agreement_get(actor=request.user, pk=pk)
        data = SnapshotInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        snapshot = services.quarter_submit(actor=request.user, agreement=agreement,
                                           year=data.validated_data["year"],
                                           quarter=data.validated_data["quarter"])
        return Response(_snapshot(snapshot, with_position=True), status=status.HTTP_201_CREATED)


def _snapshot(snapshot, with_position=False):
    confirmations = []
    if snapshot.status != "reopened":
        confirmations = [{
            "agency": row["agency"], "name": row["name"],
            "decision": row["answer"].decision if row["answer"] else None,
            "person": str(row["answer"].person) if row["answer"] else None,
            "reason": row["answer"].reason if row["answer"] else "",
            "at": row["answer"].at if row["answer"] else None,
        } for row in selectors.quarter_confirmations(snapshot=snapshot)]
    body = {"id": snapshot.pk, "year": snapshot.year, "quarter": snapshot.quarter,
            "status": snapshot.status, "sha256": snapshot.sha256,
            "closed_at": snapshot.closed_at, "reopened_at": snapshot.reopened_at,
            "reopen_reason": snapshot.reopen_reason, "round": snapshot.round,
            "submitted_at": snapshot.submitted_at, "confirmations": confirmations}
    if with_position:
        body["position"] = {**snapshot.position, "frozen": snapshot.is_frozen}
    return body


def _snapshot_of(request, pk, serializer_class):
    """The agreement (404 unless visible), the validated body and the quarter's snapshot."""
    agreement = selectors.agreement_get(actor=request.user, pk=pk)
    data = serializer_class(data=request.data)
    data.is_valid(raise_exception=True)
    year, quarter = data.validated_data["year"], data.validated_data["quarter"]
    snapshot = selectors.snapshot_get(agreement=agreement, year=year, quarter=quarter)
    if snapshot is None:
        message = "That quarter has not been submitted."
        raise ApplicationError(message, errors={"quarter": [message]})
    return agreement, data.validated_data, snapshot


def _partner(agreement, agency_id):
    agency = next((p for p in agreement.parties.all() if p.pk == agency_id), None)
    if agency is None:
        message = "Choose a partner to this agreement."
        raise ApplicationError(message, errors={"agency": [message]})
    return agency


class SnapshotConfirmView(APIView):
    """A finance officer of a contributing partner confirms the submitted quarter for it."""

    @extend_schema(request=QuarterAnswerSerializer, responses={200: SnapshotSerializer})
    def post(self, request, pk):
        agreement, data, snapshot = _snapshot_of(request, pk, QuarterAnswerSerializer)
        services.quarter_confirm(actor=request.user, agreement=agreement, year=snapshot.year,
                                 quarter=snapshot.quarter,
                                 agency=_partner(agreement, data["agency"]))
        snapshot.refresh_from_db()
        return Response(_snapshot(snapshot))


class SnapshotReturnView(APIView):
    """A finance officer of a contributing partner returns the figures with a reason."""

    @extend_schema(request=QuarterAnswerSerializer, responses={200: SnapshotSerializer})
    def post(self, request, pk):
        agreement, data, snapshot = _snapshot_of(request, pk, QuarterAnswerSerializer)
        services.quarter_return(actor=request.user, agreement=agreement, year=snapshot.year,
                                quarter=snapshot.quarter,
                                agency=_partner(agreement, data["agency"]),
                                reason=data["reason"])
        snapshot.refresh_from_db()
        return Response(_snapshot(snapshot))


class SnapshotReopenView(APIView):
    """An approver of a partner or the pooled fund manager reopens a closed quarter."""

    @extend_schema(request=ReasonSerializer, responses={200: SnapshotSerializer})
    def post(self, request, pk):
        agreement, data, snapshot = _snapshot_of(request, pk, ReasonSerializer)
        snapshot = services.quarter_reopen(actor=request.user, agreement=agreement,
                                           year=snapshot.year, quarter=snapshot.quarter,
                                           reason=data["reason"])
        return Response(_snapshot(snapshot))


def _area(request, slug):
    area = LocalArea.objects.filter(slug=slug).first()
    if area is None or not permissions.can_view_package_aggregates(request.user, area):
        raise Http404
    return area


class JointPackageView(APIView):
    """Only the packages explicitly granted to the caller; anyone else sees aggregates."""

    @extend_schema(operation_id="v1_joint_packages_list",
                   responses=page_of(JointPackageSerializer, "JointPackagePage"),
                   parameters=[OpenApiParameter("local_area", str)])
    def get(self, request):
        slug = request.query_params.get("local_area")
        area = _area(request, slug) if slug else None
        packages = selectors.joint_package_list(actor=request.user, local_area=area)
        paginator = Pagination()
        page = paginator.paginate_queryset(packages, request, view=self)
        return paginator.get_paginated_response(JointPackageSerializer(page, many=True).data)

    @extend_schema(request=JointPackageInputSerializer, responses={201: JointPackageSerializer})
    def post(self, request):
        data = JointPackageInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        area = _area(request, values["local_area"])
        agreement = None
        if values.get("agreement"):
            agreement = selectors.agreement_list(actor=request.user, local_area=area).filter(
                pk=values["agreement"]).first()
            if agreement is None:
                raise ApplicationError("No such pooled fund.",
                                       errors={"agreement": ["No such pooled fund here."]})
        split = values["split"]
        keyed = {"social_care_amount": split["social_care"], "health_amount": split["health"],
                 "education_amount": split["education"]}
        package = services.joint_package_create(
            actor=request.user, local_area=area, reference=values["reference"],
            needs_category=values["needs_category"], annual_cost=values["annual_cost"],
            request_date=values["request_date"], agreement_date=values.get("agreement_date"),
            review_date=values.get("review_date"), agreement=agreement,
            **{"percentages" if values["split_by"] == "percentages" else "amounts": keyed})
        return Response(JointPackageSerializer(package).data, status=status.HTTP_201_CREATED)


class JointPackageDetail(APIView):
    @extend_schema(responses=JointPackageSerializer)
    def get(self, request, pk):
        package = selectors.joint_package_get(actor=request.user, pk=pk)
        return Response(JointPackageSerializer(package).data)


class JointPackageAggregates(APIView):
    """Aggregates by area of need: for everyone with internal access to the area. Small
    numbers are suppressed (docs/budgets.md): a count from 1 to threshold-1 and the money of
    its row are null with `"suppressed": true` and `"display": "fewer than 5"`, and enough
    other rows (`"display": "suppressed"`) that the total does not give them away."""

    @extend_schema(parameters=[OpenApiParameter("local_area", str, required=True)],
                   responses=AggregatesSerializer)
    def get(self, request):
        area = _area(request, request.query_params.get("local_area", ""))
        data = selectors.joint_package_aggregates(area_ids=[area.pk])

        def shown(row):  # money as two-place strings; suppressed figures stay null
            return {**row, **{k: None if row[k] is None else f"{row[k]:.2f}"
                              for k in selectors.AGGREGATE_MONEY}}

        return Response({
            "local_area": area.slug, "threshold": data["threshold"],
            "rows": [shown(r) for r in data["rows"]], "total": shown(data["total"]),
            "agreed": data["agreed"], "median_days": data["median_days"],
            "within_week": data["within_week"], "suppressed_fields": data["suppressed_fields"],
            "display": data["display"]})


# --- virements (issue 16) -------------------------------------------------------------------
def _virement(virement):
    virement.answers = [{
        "agency": row["agency"].pk, "name": row["agency"].name,
        "decision": row["answer"].decision if row["answer"] else None,
        "person": str(row["answer"].person) if row["answer"] else None,
        "reason": row["answer"].reason if row["answer"] else "",
        "at": row["answer"].at if row["answer"] else None,
    } for row in selectors.virement_answers(virement=virement)]
    data = VirementSerializer(virement).data
    data["proposed_by"] = str(virement.proposed_by) if virement.proposed_by else None
    return data


class VirementView(APIView):
    @extend_schema(operation_id="v1_pooled_budgets_virements_list",
                   responses=page_of(VirementSerializer, "VirementPage"),
                   parameters=[OpenApiParameter("year", str)])
    def get(self, request, pk):
        agreement = selectors.agreement_get(actor=request.user, pk=pk)
        year = request.query_params.get("year")
        if year:
            PositionQuerySerializer(data={"year": year, "quarter": 1}).is_valid(
                raise_exception=True)
        virements = selectors.virement_list(agreement=agreement, year=year)
        paginator = Pagination()
        page = paginator.paginate_queryset(virements, request, view=self)
        for virement in page:
            virement.agreement = agreement
        return paginator.get_paginated_response([_virement(v) for v in page])

    @extend_schema(request=VirementInputSerializer, responses={201: VirementSerializer})
    def post(self, request, pk):
        agreement = selectors.agreement_get(actor=request.user, pk=pk)
        _require(permissions.can_propose_virement(request.user, agreement))
        data = VirementInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        virement = services.virement_propose(actor=request.user, agreement=agreement,
                                             **values)
        virement = selectors.virement_get(agreement=agreement, pk=virement.pk)
        return Response(_virement(virement), status=status.HTTP_201_CREATED)


class VirementApproveView(APIView):
    """An approver of a partner approves the virement for it, within their limit."""

    @extend_schema(request=VirementAnswerSerializer, responses={200: VirementSerializer})
    def post(self, request, pk, virement_pk):
        agreement = selectors.agreement_get(actor=request.user, pk=pk)
        virement = selectors.virement_get(agreement=agreement, pk=virement_pk)
        data = VirementAnswerSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        services.virement_approve(actor=request.user, agreement=agreement, virement=virement,
                                  agency=_partner(agreement, data.validated_data["agency"]))
        return Response(_virement(selectors.virement_get(agreement=agreement, pk=virement_pk)))


class VirementRejectView(APIView):
    @extend_schema(request=VirementRejectSerializer, responses={200: VirementSerializer})
    def post(self, request, pk, virement_pk):
        agreement = selectors.agreement_get(actor=request.user, pk=pk)
        virement = selectors.virement_get(agreement=agreement, pk=virement_pk)
        data = VirementRejectSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        services.virement_reject(actor=request.user, agreement=agreement, virement=virement,
                                 agency=_partner(agreement, data.validated_data["agency"]),
                                 reason=data.validated_data["reason"])
        return Response(_virement(selectors.virement_get(agreement=agreement, pk=virement_pk)))
