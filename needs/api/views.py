"""Thin API views for needs evidence: validate, call a selector or service, serialise."""
import django_filters
from django.http import Http404
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema
from rest_framework import generics, status
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.response import Response
from rest_framework.views import APIView

from agencies import selectors as area_selectors
from portal.errors import ApplicationError, ErrorCode

from .. import permissions, selectors, services
from ..models import ImportRun, Observation
from .serializers import (
    ComparisonQuerySerializer,
    FindingInputSerializer,
    FindingSerializer,
    ImportHistoryQuerySerializer,
    ImportQuerySerializer,
    ImportResultSerializer,
    ImportRunSerializer,
    ImportUploadSerializer,
    IndicatorSerializer,
    ObservationSerializer,
)


class IndicatorList(generics.ListAPIView):
    serializer_class = IndicatorSerializer

    def get_queryset(self):
        return selectors.indicator_list(actor=self.request.user)


class IndicatorDetail(generics.RetrieveAPIView):
    serializer_class = IndicatorSerializer

    def get_object(self):
        return selectors.indicator_get(actor=self.request.user, pk=self.kwargs["pk"])


def _number(value):
    return None if value is None else str(value.normalize())


def _observation(obs):
    if obs is None:
        return None
    return {"value": _number(obs.value), "numerator": _number(obs.numerator),
            "denominator": _number(obs.denominator), "lower_ci": _number(obs.lower_ci),
            "upper_ci": _number(obs.upper_ci), "period": obs.period}


def _verdict(verdict):
    return {"verdict": verdict.key, "label": verdict.label,
            "benchmark": None if verdict.benchmark is None else round(verdict.benchmark, 6)}


class IndicatorComparison(APIView):
    """The area's value, each comparator's value and the significance verdicts."""

    @extend_schema(parameters=[ComparisonQuerySerializer], responses={200: OpenApiTypes.OBJECT},
                   description="The area's value and interval; England, region and the "
                               "neighbours with their values and verdicts; the trend.")
    def get(self, request, pk):
        query = ComparisonQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        indicator = selectors.indicator_get(actor=request.user, pk=pk)
        area = area_selectors.local_area_get(actor=request.user,
                                             slug=query.validated_data["local_area"])
        comparators, result = selectors.indicator_comparison(
            actor=request.user, indicator=indicator, local_area=area,
            period=query.validated_data.get("period") or None)
        if comparators is None:
            raise ApplicationError("This local area has no comparator set.",
                                   code=ErrorCode.NOT_FOUND)
        latest = result.latest
        if latest is None:
            raise ApplicationError("No figure for this area and period.",
                                   code=ErrorCode.NOT_FOUND)
        interval = result.interval
        neighbours = {g.pk: g for g in comparators.neighbours.all()}
        return Response({
            "indicator": IndicatorSerializer(indicator).data,
            "local_area": area.slug,
            "period": latest.period,
            "area": {"geography": comparators.geography.code,
                     "name": comparators.geography.name, **_observation(latest.area),
                     "interval": None if interval is None else {
                         "lower": round(interval.lower, 6), "upper": round(interval.upper, 6),
                         "method": interval.method}},
            "england": {"geography": comparators.england.code,
                        **(_observation(latest.england) or {"value": None}),
                        **_verdict(result.vs_england)},
            "region": None if comparators.region is None else {
                "geography": comparators.region.code, "name": comparators.region.name,
                **(_observation(latest.region) or {"value": None}), **_verdict(result.vs_region)},
            "neighbours": {
                "average": None if latest.neighbours_average is None else round(
                    latest.neighbours_average, 6),
                "values": [{"geography": neighbours[o.geography_id].code,
                            "name": neighbours[o.geography_id].name, "value": _number(o.value)}
                           for o in latest.neighbours],
                **_verdict(result.vs_neighbours)},
            "trend": {"direction": result.trend.direction, "label": result.trend.label,
                      "method": result.trend.method, "periods": result.trend.periods},
        })


class ObservationFilter(django_filters.FilterSet):
    indicator = django_filters.NumberFilter(method="noop")
    geography = django_filters.CharFilter(method="noop", help_text="Geography id or code")
    period = django_filters.CharFilter(method="noop")

    class Meta:
        model = Observation
        fields = []

    def noop(self, queryset, name, value):
        return queryset  # applied by the selector


class ObservationList(generics.ListAPIView):
    serializer_class = ObservationSerializer
    filterset_class = ObservationFilter

    def get_queryset(self):
        params = self.request.query_params
        indicator = params.get("indicator", "")
        if indicator and not indicator.isdigit():
            raise ApplicationError("indicator must be an indicator id.",
                                   errors={"indicator": ["Enter an indicator id."]})
        return selectors.observation_list(actor=self.request.user, indicator=indicator or None,
                                          geography=params.get("geography") or None,
                                          period=params.get("period") or None)


def _area_for_import(user, slug):
    """The area the import is recorded against: the one named, or the person's only one."""
    if slug:
        return area_selectors.local_area_get(actor=user, slug=slug)
    areas = [a for a in area_selectors.local_area_list(actor=user)
             if permissions.can_import_observations(user, a)]
    if len(areas) == 1:
        return areas[0]
    if not areas:
        raise ApplicationError("Only the area's commissioners and administrators may import data.",
                               code=ErrorCode.FORBIDDEN)
    raise ApplicationError("Say which local area this import is for.",
                           errors={"local_area": ["Give the local area's slug."]})


def _history_row(run):
    here = run.affected_here[0] if getattr(run, "affected_here", None) else None
    return {"id": run.pk, "filename": run.filename, "scope": run.scope,
            "imported_by": run.local_area.slug if run.local_area_id else "platform",
            "created_at": run.created_at, "status": run.status, "rows": run.rows,
            "new": run.new, "changed": run.changed, "unchanged": run.unchanged,
            "own_figures": here.own if here else None,
            "comparator_figures": here.comparators if here else None}


class ImportCreate(generics.GenericAPIView):
    """POST: an area imports its own figures (multipart `file`; `?dry_run=1` checks and
    counts only). Rows for any other geography are refused line by line and nothing is
    saved. GET `?local_area=`: the area's import history, every import that changed its
    figures or its comparators' included (platform imports and neighbours' own)."""

    parser_classes = [MultiPartParser, FormParser]
    serializer_class = ImportRunSerializer
    queryset = ImportRun.objects.none()  # for the schema; reads go through the selector

    @extend_schema(parameters=[ImportHistoryQuerySerializer],
                   responses={200: ImportRunSerializer(many=True)})
    def get(self, request):
        query = ImportHistoryQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        area = area_selectors.local_area_get(actor=request.user,
                                             slug=query.validated_data["local_area"])
        if not permissions.can_import_observations(request.user, area):
            raise Http404
        page = self.paginate_queryset(selectors.import_run_list(actor=request.user,
                                                                local_area=area))
        return self.get_paginated_response(
            ImportRunSerializer([_history_row(r) for r in page], many=True).data)

    @extend_schema(request=ImportUploadSerializer, parameters=[ImportQuerySerializer],
                   responses={201: ImportResultSerializer})
    def post(self, request):
        query = ImportQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        data = ImportUploadSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        area = _area_for_import(request.user, data.validated_data.get("local_area"))
        upload = data.validated_data["file"]
        result = services.observations_import(
            actor=request.user, local_area=area, upload=upload,
            dry_run=query.validated_data["dry_run"], filename=upload.name)
        return _import_response(result)


class PlatformImportCreate(APIView):
    """A platform import of published data (long format or an OHID Fingertips export) for
    any geography: England, regions, statistical neighbours, every area. Platform
    administrators only (403 for everyone else)."""

    parser_classes = [MultiPartParser, FormParser]

    @extend_schema(request=ImportUploadSerializer, parameters=[ImportQuerySerializer],
                   responses={201: ImportResultSerializer})
    def post(self, request):
        if not permissions.can_import_platform(request.user):
            raise ApplicationError(permissions.PLATFORM_ONLY, code=ErrorCode.FORBIDDEN)
        query = ImportQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        data = ImportUploadSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        upload = data.validated_data["file"]
        result = services.observations_import(
            actor=request.user, local_area=None, upload=upload, platform=True,
            dry_run=query.validated_data["dry_run"], filename=upload.name)
        return _import_response(result)


def _import_response(result):
    body = result.as_dict()
    if not result.ok:
        lines = {f"line {e['line']}": [e["message"]] for e in body["errors"]}
        raise ApplicationError(
            f"The file has {result.error_count} problem(s); nothing was saved.",
            errors=lines, extra={"lines": body["errors"], "error_count": result.error_count})
    body.pop("errors")
    body.pop("error_count")
    return Response(body, status=status.HTTP_201_CREATED)


class FindingListCreate(generics.ListAPIView):
    serializer_class = FindingSerializer

    def get_queryset(self):
        qs = selectors.finding_list(actor=self.request.user)
        slug = self.request.query_params.get("local_area")
        return qs.filter(local_area__slug=slug) if slug else qs

    @extend_schema(request=FindingInputSerializer, responses={201: FindingSerializer})
    def post(self, request):
        data = FindingInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        try:
            area = area_selectors.local_area_get(actor=request.user, slug=values["local_area"])
        except Http404 as exc:
            raise ApplicationError("Unknown local area.",
                                   errors={"local_area": ["Unknown local area."]}) from exc
        observations = list(selectors.observation_list(actor=request.user)
                            .filter(pk__in=values["observations"]))
        if len(observations) != len(set(values["observations"])):
            raise ApplicationError("Unknown observation.",
                                   errors={"observations": ["One or more ids are unknown."]})
        priorities = list(services.priorities_for(area).filter(pk__in=values["priorities"]))
        if len(priorities) != len(set(values["priorities"])):
            raise ApplicationError("Unknown priority.",
                                   errors={"priorities": ["Choose priorities of this area."]})
        finding = services.finding_create(
            actor=request.user, local_area=area, statement=values["statement"],
            found_on=values["found_on"], observations=observations, priorities=priorities)
        finding = selectors.finding_list(actor=request.user).get(pk=finding.pk)
        return Response(FindingSerializer(finding).data, status=status.HTTP_201_CREATED)
