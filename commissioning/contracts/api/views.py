"""Thin API views: validate the input, call a selector or service, serialise the result."""
from datetime import date

from django.http import Http404, HttpResponse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import generics
from rest_framework.response import Response
from rest_framework.views import APIView

from agencies import permissions as base
from agencies.models import LocalArea
from agencies.roles import AreaPerm
from portal.api import created
from portal.errors import ApplicationError
from portal.parsing import parse_id

from .. import ocds, permissions, selectors, services
from ..models import ContractStatus
from .serializers import (
    ContractDetailSerializer,
    ContractInputSerializer,
    ContractSerializer,
    KPIReturnInputSerializer,
    KPIReturnSerializer,
    ProviderInputSerializer,
    ProviderSerializer,
)


def _area(user, slug):
    """The area by slug if the person sees its contracts; the same 404 otherwise."""
    area = LocalArea.objects.filter(slug=slug).first() if slug else None
    if area is None or not permissions.can_view_contracts(user, area):
        raise Http404
    return area


def _id_param(request, name):
    return parse_id(request.query_params.get(name), name)


class ProviderList(generics.ListCreateAPIView):
    serializer_class = ProviderSerializer

    def get_queryset(self):
        qs = selectors.provider_list(actor=self.request.user,
                                     search=self.request.query_params.get("search", ""))
        slug = self.request.query_params.get("local_area")
        return qs.filter(local_area__slug=slug) if slug else qs

    @extend_schema(request=ProviderInputSerializer, responses={201: ProviderSerializer})
    def post(self, request):
        data = ProviderInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        fields = dict(data.validated_data)
        area = _area(request.user, fields.pop("local_area"))
        provider = services.provider_create(actor=request.user, local_area=area, **fields)
        return created(ProviderSerializer(provider).data)


FILTERS = [OpenApiParameter(n, OpenApiTypes.STR, description=d) for n, d in (
    ("local_area", "Area slug"), ("provider", "Provider id"), ("agency", "Agency id"),
    ("status", "planned, live, extended, ended or terminated"),
    ("ends_before", "A date like 2027-03-31"), ("search", "Title, reference or provider"))]


class ContractList(generics.ListCreateAPIView):
    serializer_class = ContractSerializer
    filter_backends = []

    def get_queryset(self):
        params = self.request.query_params
        status = params.get("status", "")
        if status and status not in ContractStatus.values:
            raise ApplicationError("Unknown status", errors={"status": [
                f"Choose one of: {', '.join(ContractStatus.values)}."]})
        ends_before = None
        if params.get("ends_before"):
            try:
                ends_before = date.fromisoformat(params["ends_before"])
            except ValueError as exc:
                raise ApplicationError("ends_before is not a date", errors={
                    "ends_before": ["Enter a date like 2027-03-31."]}) from exc
        qs = selectors.contract_list(
            actor=self.request.user, provider=_id_param(self.request, "provider"),
            agency=_id_param(self.request, "agency"), status=status, ends_before=ends_before,
            search=params.get("search", "").strip(), sort=params.get("sort", "ends"))
        slug = params.get("local_area")
        return qs.filter(local_area__slug=slug) if slug else qs

    @extend_schema(parameters=FILTERS)
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    @extend_schema(request=ContractInputSerializer, responses={201: ContractDetailSerializer})
    def post(self, request):
        area_ids = base.area_ids_for(request.user, AreaPerm.VIEW_INTERNAL)
        data = ContractInputSerializer(data=request.data, area_ids=area_ids)
        data.is_valid(raise_exception=True)
        fields = dict(data.validated_data)
        area = _area(request.user, fields.pop("local_area"))
        contract = services.contract_create(actor=request.user, local_area=area, **fields)
        contract = selectors.contract_get(actor=request.user, pk=contract.pk)
        return created(ContractDetailSerializer(contract, context={"request": request}).data)


class ContractDetail(APIView):
    @extend_schema(responses=ContractDetailSerializer)
    def get(self, request, pk):
        contract = selectors.contract_get(actor=request.user, pk=pk)
        return Response(ContractDetailSerializer(contract, context={"request": request}).data)

    @extend_schema(request=ContractInputSerializer, responses=ContractDetailSerializer)
    def patch(self, request, pk):
        contract = selectors.contract_get(actor=request.user, pk=pk)
        area_ids = {contract.local_area_id}
        data = ContractInputSerializer(data=request.data, partial=True, area_ids=area_ids)
        data.is_valid(raise_exception=True)
        services.contract_update(actor=request.user, contract=contract, **data.validated_data)
        contract = selectors.contract_get(actor=request.user, pk=pk)
        return Response(ContractDetailSerializer(contract, context={"request": request}).data)


class KPIReturnList(APIView):
    @extend_schema(responses=KPIReturnSerializer(many=True))
    def get(self, request, pk):
        contract = selectors.contract_get(actor=request.user, pk=pk)
        returns = [r for kpi in contract.kpis.all() for r in kpi.returns.all()]
        return Response(KPIReturnSerializer(returns, many=True).data)

    @extend_schema(request=KPIReturnInputSerializer, responses={201: KPIReturnSerializer})
    def post(self, request, pk):
        contract = selectors.contract_get(actor=request.user, pk=pk)
        data = KPIReturnInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        item = data.validated_data
        try:
            saved = services.kpi_returns_submit(
                actor=request.user, contract=contract, year=item["year"],
                quarter=item["quarter"],
                values={item["kpi"]: {"value": item["value"], "comment": item.get("comment")}})
        except ApplicationError as exc:
            # The page form keys errors by KPI; the API has one `kpi`/`value` pair.
            exc.errors = {("value" if k.startswith("kpi-") else k): v
                          for k, v in exc.errors.items()}
            raise
        return created(KPIReturnSerializer(saved[0]).data)


class OcdsExport(APIView):
    """The area's contracts as an OCDS 1.1 release package (sensitive values left out)."""

    @extend_schema(parameters=[OpenApiParameter("local_area", OpenApiTypes.STR, required=True)],
                   responses={(200, "application/json"): OpenApiTypes.OBJECT})
    def get(self, request):
        slug = request.query_params.get("local_area", "")
        if not slug:
            raise ApplicationError("Name the local area", errors={
                "local_area": ["Give the area's slug, like ?local_area=derbyshire."]})
        area = _area(request.user, slug)
        contracts = selectors.contract_list(actor=request.user, local_area=area,
                                            sort="reference").exclude(
            status=ContractStatus.PLANNED)
        package = ocds.package(area, contracts, uri=request.build_absolute_uri())
        return HttpResponse(ocds.dumps(package), content_type="application/json")


