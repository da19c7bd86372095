"""Thin API views: validate the input, call one selector or service, serialise the result.

Writes by people whose role may only read (viewers, parent-carer and young people's
representatives) answer 403 with the reason; objects they may not see answer 404.
"""
from django.http import Http404
from drf_spectacular.utils import OpenApiParameter, extend_schema, inline_serializer
from rest_framework import generics, serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from agencies import permissions as ap
from agencies.models import Agency, LocalArea
from portal.api import created
from portal.errors import ApplicationError, ErrorCode
from portal.parsing import parse_id

from .. import checklist, permissions, rows, selectors, services
from ..models import ActionPlan, Intention, Priority, SignOff
from . import serializers as s


def _id_param(request, name):
    return parse_id(request.query_params.get(name), name)


def _area(user, slug, field="local_area"):
    area = LocalArea.objects.filter(slug=slug, id__in=ap.area_ids_for(user)).first()
    if area is None:
        raise ApplicationError("Choose a local area you work in.",
                               errors={field: ["Unknown local area."]})
    return area


def _agencies(user, ids, field, area=None):
    """Agencies by id among those the person may see (and of `area` when given)."""
    qs = Agency.objects.filter(pk__in=ids, local_area_id__in=ap.area_ids_for(user))
    if area is not None:
        qs = qs.filter(local_area=area)
    found = {a.pk: a for a in qs}
    missing = [i for i in ids if i not in found]
    if missing:
        raise ApplicationError(f"Unknown agency {missing[0]}.",
                               errors={field: [f"Unknown agency {missing[0]}."]})
    return [found[i] for i in ids]


def _priorities(area, ids):
    found = {p.pk: p for p in Priority.objects.filter(pk__in=ids, strategy__local_area=area)
             .select_related("strategy")}
    missing = [i for i in ids if i not in found]
    if missing:
        raise ApplicationError(f"Unknown priority {missing[0]}.",
                               errors={"priorities": [f"Unknown priority {missing[0]}."]})
    return [found[i] for i in ids]


INTENTION_FILTERS = [OpenApiParameter(name, str, description=text) for name, text in [
    ("local_area", "local area slug"), ("stage", "stage id or name"), ("status", "status"),
    ("level", "strategic, operational or individual"), ("agency", "lead or partner agency id"),
    ("priority", "priority id"), ("search", "words in reference, title or summary"),
    ("sort", "reference, title, stage, status, value, updated (prefix - to reverse)")]]


class IntentionList(generics.ListAPIView):
    serializer_class = s.IntentionSerializer
    filter_backends = []

    def get_queryset(self):
        q = self.request.query_params
        area = None
        if q.get("local_area"):
            area = LocalArea.objects.filter(slug=q["local_area"]).first()
            if area is None:
                return Intention.objects.none()
        return selectors.intention_list(
            actor=self.request.user, local_area=area, stage=q.get("stage", "").strip() or None,
            status=q.get("status") or None, level=q.get("level") or None,
            agency=_id_param(self.request, "agency"),
            priority=_id_param(self.request, "priority"),
            thematic_area=q.get("thematic_area") or None,
            search=q.get("search", "").strip(), sort=q.get("sort", "reference"))

    @extend_schema(parameters=INTENTION_FILTERS)
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    def list(self, request, *args, **kwargs):
        """A page of plain rows (issue 15): the count, the page, and its joint leads,
        partners and priorities: five queries whatever the page size."""
        page = self.paginate_queryset(rows.values_of(self.get_queryset()))
        return self.get_paginated_response(
            [s.intention_row_data(row) for row in rows.with_relations(request.user, page)])

    @extend_schema(request=s.IntentionInputSerializer, responses={201: s.IntentionSerializer})
    def post(self, request):
        data = s.IntentionInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        fields = dict(data.validated_data)
        lead = _agencies(request.user, [fields.pop("lead_agency")], "lead_agency")[0]
        area = lead.local_area
        fields["partner_agencies"] = _agencies(request.user, fields["partner_agencies"],
                                               "partner_agencies", area)
        fields["joint_lead_agencies"] = _agencies(request.user, fields["joint_lead_agencies"],
                                                  "joint_lead_agencies", area)
        fields["priorities"] = _priorities(area, fields["priorities"])
        intention = services.intention_create(actor=request.user, local_area=area,
                                              lead_agency=lead, **fields)
        intention = selectors.intention_get(actor=request.user, pk=intention.pk)
        return created(s.IntentionSerializer(intention, context={"request": request}).data)


class IntentionDetail(APIView):
    @extend_schema(responses=s.IntentionSerializer)
    def get(self, request, pk):
        intention = selectors.intention_get(actor=request.user, pk=pk)
        return Response(s.IntentionSerializer(intention, context={"request": request}).data)

    @extend_schema(request=s.IntentionPatchSerializer, responses=s.IntentionSerializer)
    def patch(self, request, pk):
        intention = selectors.intention_get(actor=request.user, pk=pk)
        data = s.IntentionPatchSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        fields = dict(data.validated_data)
        status = fields.pop("status", None)
        reason = fields.pop("reason", "")
        area = intention.local_area
        if "lead_agency" in fields:
            fields["lead_agency"] = _agencies(request.user, [fields["lead_agency"]],
                                              "lead_agency", area)[0]
        for many in ("joint_lead_agencies", "partner_agencies"):
            if many in fields:
                fields[many] = _agencies(request.user, fields[many], many, area)
        if "priorities" in fields:
            fields["priorities"] = _priorities(area, fields["priorities"])
        if fields or status is None:
            services.intention_update(actor=request.user, intention=intention, **fields)
        if status is not None and status != intention.status:
            name = _transition_to(intention.status, status)
            services.intention_transition(actor=request.user, intention=intention, name=name,
                                          reason=reason)
        intention = selectors.intention_get(actor=request.user, pk=pk)
        return Response(s.IntentionSerializer(intention, context={"request": request}).data)


def _transition_to(source, target):
    from ..workflow import INTENTION_TRANSITIONS

    for transition in INTENTION_TRANSITIONS.values():
        if source in transition.sources and transition.target == target:
            return transition.name
    raise ApplicationError(f"An intention cannot go from {source} to {target}.",
                           code=ErrorCode.CONFLICT, errors={"status": ["Not allowed from here."]})


class SignOffList(APIView):
    @extend_schema(responses=s.SignOffSerializer(many=True))
    def get(self, request, pk):
        intention = selectors.intention_get(actor=request.user, pk=pk)
        if not permissions.can_view_cycle(request.user, intention.local_area_id):
            raise Http404
        sign_offs = SignOff.objects.filter(gate__intention=intention).select_related(
            "agency", "person", "gate__from_stage", "gate__to_stage", "referral__board"
        ).order_by("-decided_at", "-id")
        return Response(s.SignOffSerializer(sign_offs, many=True).data)

    @extend_schema(request=s.SignOffInputSerializer, responses={201: s.SignOffSerializer})
    def post(self, request, pk):
        intention = selectors.intention_get(actor=request.user, pk=pk)
        data = s.SignOffInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        agency = _agencies(request.user, [data.validated_data["agency"]], "agency",
                           intention.local_area)[0]
        try:
            sign_off = services.intention_sign_off(
                actor=request.user, intention=intention, agency=agency,
                decision=data.validated_data["decision"], reason=data.validated_data["reason"])
        except ApplicationError as exc:
            limit = ap.approver_limit(request.user, agency)
            if exc.code == ErrorCode.FORBIDDEN and limit is not None:
                # A board decides only when no approver of the agency covers the value.
                covering = selectors.covering_approvers(intention, agency)
                exc.extra = {"delegated_limit": f"{limit:.2f}",
                             "board_referral_needed": not covering,
                             "can_sign": [p.get_full_name() or p.username for p in covering]}
            raise
        return created(s.SignOffSerializer(sign_off).data)


class ReferralList(APIView):
    @extend_schema(responses=s.ReferralSerializer(many=True))
    def get(self, request, pk):
        """The intention's board referrals, newest first: where each went and why, or that
        no board can take it (`status` "no-board", `board` null)."""
        intention = selectors.intention_get(actor=request.user, pk=pk)
        if not permissions.can_view_cycle(request.user, intention.local_area_id):
            raise Http404
        return Response(s.ReferralSerializer(selectors.referrals_of(intention), many=True).data)


class Advance(APIView):
    @extend_schema(request=None, responses={200: inline_serializer("Advanced", fields={
        "id": serializers.IntegerField(), "reference": serializers.CharField(),
        "stage": s.StageRefSerializer()})})
    def post(self, request, pk):
        intention = selectors.intention_get(actor=request.user, pk=pk)
        moved = services.intention_advance(actor=request.user, intention=intention)
        return Response({"id": moved.pk, "reference": moved.reference,
                         "stage": s.StageRefSerializer(moved.current_stage).data})


class Gates(APIView):
    """The intention's stage gates (GET), or submit it for sign-off to the next stage (POST)."""

    def _intention(self, request, pk):
        intention = selectors.intention_get(actor=request.user, pk=pk)
        if not permissions.can_view_cycle(request.user, intention.local_area_id):
            raise Http404
        return intention

    @extend_schema(responses=s.GateSerializer(many=True))
    def get(self, request, pk):
        intention = self._intention(request, pk)
        return Response(s.GateSerializer(selectors.gate_list(intention=intention),
                                         many=True).data)

    @extend_schema(request=s.GateInputSerializer, responses={201: s.GateSerializer})
    def post(self, request, pk):
        intention = self._intention(request, pk)
        data = s.GateInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        gate = services.gate_submit(actor=request.user, intention=intention,
                                    note=data.validated_data["note"])
        return created(s.GateSerializer(gate).data)


class Checklist(APIView):
    """The current stage's checklist (GET), or tick or untick one item (POST)."""

    def _answer(self, intention):
        return Response(s.ChecklistSerializer({
            "stage": intention.current_stage,
            "items": [vars(item) for item in checklist.checklist(intention)]}).data)

    @extend_schema(responses=s.ChecklistSerializer)
    def get(self, request, pk):
        intention = selectors.intention_get(actor=request.user, pk=pk)
        if not permissions.can_view_cycle(request.user, intention.local_area_id):
            raise Http404
        return self._answer(intention)

    @extend_schema(request=s.ChecklistTickSerializer, responses=s.ChecklistSerializer)
    def post(self, request, pk):
        intention = selectors.intention_get(actor=request.user, pk=pk)
        data = s.ChecklistTickSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        intention = services.checklist_tick(actor=request.user, intention=intention,
                                            item=data.validated_data["item"],
                                            done=data.validated_data["done"])
        return self._answer(selectors.intention_get(actor=request.user, pk=intention.pk))


class Approvals(APIView):
    @extend_schema(responses=inline_serializer("ApprovalItem", many=True, fields={
        "intention": serializers.DictField(), "agency": serializers.DictField(),
        "gate": serializers.DictField(), "within_limit": serializers.BooleanField(),
        "no_board_reason": serializers.CharField(
            allow_null=True, help_text="Why no board can take the agency's decision and who "
                                       "can fix it; null unless no board can take it.")}))
    def get(self, request):
        items = selectors.approvals_inbox(actor=request.user)
        return Response([{
            "intention": {"id": i["intention"].pk, "reference": i["intention"].reference,
                          "title": i["intention"].title},
            "agency": {"id": i["agency"].pk, "name": i["agency"].name},
            "gate": {"id": i["gate"].pk, "from_stage": i["gate"].from_stage.name,
                     "to_stage": i["gate"].to_stage.name, "opened_at": i["gate"].opened_at},
            "within_limit": i["within_limit"],
            "no_board_reason": i["no_board"].route_reason if i.get("no_board") else None,
        } for i in items])


class StrategyList(generics.ListAPIView):
    serializer_class = s.StrategySerializer
    filter_backends = []

    def get_queryset(self):
        slug = self.request.query_params.get("local_area")
        qs = selectors.strategy_list(actor=self.request.user)
        return qs.filter(local_area__slug=slug) if slug else qs

    @extend_schema(request=s.StrategyInputSerializer, responses={201: s.StrategySerializer})
    def post(self, request):
        data = s.StrategyInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        fields = dict(data.validated_data)
        area = _area(request.user, fields.pop("local_area"))
        strategy = services.strategy_create(actor=request.user, local_area=area, **fields)
        return created(s.StrategySerializer(selectors.strategy_get(
            actor=request.user, pk=strategy.pk)).data)


class StrategyDetail(generics.RetrieveAPIView):
    serializer_class = s.StrategySerializer

    def get_object(self):
        return selectors.strategy_get(actor=self.request.user, pk=self.kwargs["pk"])

    @extend_schema(request=s.StrategyPatchSerializer, responses=s.StrategySerializer)
    def patch(self, request, pk):
        strategy = selectors.strategy_get(actor=request.user, pk=pk)
        data = s.StrategyPatchSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        services.strategy_update(actor=request.user, strategy=strategy, **data.validated_data)
        return Response(s.StrategySerializer(selectors.strategy_get(
            actor=request.user, pk=pk)).data)


class ActionList(generics.ListAPIView):
    serializer_class = s.ActionSerializer
    filter_backends = []

    def get_queryset(self):
        q = self.request.query_params
        qs = selectors.action_list(actor=self.request.user, plan=_id_param(self.request, "plan"),
                                   rag=q.get("rag") or None,
                                   agency=_id_param(self.request, "agency"))
        return qs.filter(plan__local_area__slug=q["local_area"]) if q.get("local_area") else qs

    @extend_schema(request=s.ActionInputSerializer, responses={201: s.ActionSerializer})
    def post(self, request):
        data = s.ActionInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        fields = dict(data.validated_data)
        plan = ActionPlan.objects.filter(
            pk=fields.pop("plan"), local_area_id__in=ap.area_ids_for(request.user)).first()
        if plan is None:
            raise ApplicationError("Unknown action plan.", errors={"plan": ["Unknown plan."]})
        fields["owner_agency"] = _agencies(request.user, [fields["owner_agency"]],
                                           "owner_agency", plan.local_area)[0]
        action = services.action_create(actor=request.user, plan=plan, **fields)
        return created(s.ActionSerializer(selectors.action_get(actor=request.user,
                                                               pk=action.pk)).data)


class DisagreementList(generics.ListAPIView):
    serializer_class = s.DisagreementSerializer
    filter_backends = []

    def get_queryset(self):
        q = self.request.query_params
        qs = selectors.disagreement_list(actor=self.request.user, status=q.get("status") or None)
        return qs.filter(local_area__slug=q["local_area"]) if q.get("local_area") else qs

    @extend_schema(request=s.DisagreementInputSerializer,
                   responses={201: s.DisagreementSerializer})
    def post(self, request):
        data = s.DisagreementInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        fields = dict(data.validated_data)
        area = _area(request.user, fields.pop("local_area"))
        fields["parties"] = _agencies(request.user, fields["parties"], "parties", area)
        if fields["intention"] is not None:
            intention = selectors.visible_intentions(request.user).filter(
                pk=fields["intention"], local_area=area).first()
            if intention is None:
                raise ApplicationError("Unknown intention.",
                                       errors={"intention": ["Unknown intention."]})
            fields["intention"] = intention
        item = services.disagreement_create(actor=request.user, local_area=area, **fields)
        return created(s.DisagreementSerializer(selectors.disagreement_get(
            actor=request.user, pk=item.pk)).data)
