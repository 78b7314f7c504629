"""How the council's private events are stored: under stable names, as JSON (pydantic)."""

from services.kit.streams import EventCodec

from ..domain.council import ChairAppointed, CouncilFormed, MemberConfirmed, MemberLeft, MemberNominated
from ..domain.research import FindingsRecorded, PlanDrafted, ResearchersAssigned, ResearchOpened, SiteVisitRecorded

PRIVATE_EVENTS = (
    CouncilFormed, ChairAppointed, MemberNominated, MemberConfirmed, MemberLeft,
    ResearchOpened, ResearchersAssigned, SiteVisitRecorded, FindingsRecorded, PlanDrafted,
)
CODEC = EventCodec("council", PRIVATE_EVENTS)
