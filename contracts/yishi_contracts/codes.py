"""The closed vocabularies of the consultation procedure (议事规则的代码表).

Every code is a stable English string: it is stored in events forever, so a code is
only ever added, never renamed. The Chinese label is what a resident sees.
"""

from enum import StrEnum


class TopicSource(StrEnum):
    """选题机制 "党政交、委员提、社会征": where a topic comes from."""

    party_government = "party_government"  # 党政交
    council_member = "council_member"  # 委员提
    resident = "resident"  # 社会征


class Channel(StrEnum):
    """How a topic reached the community (征集渠道)."""

    service_station = "service_station"  # 365爱心服务站
    household_visit = "household_visit"  # 入户走访
    grid = "grid"  # 网格
    phone = "phone"  # 公布办公电话
    online = "online"  # 线上


class Category(StrEnum):
    """The seven matters that may be consulted (协商内容)."""

    public_welfare = "public_welfare"  # 公益事业兴办
    vulnerable_groups = "vulnerable_groups"  # 困难群体救助
    livelihood = "livelihood"  # 医疗卫生教育等民生保障
    public_order = "public_order"  # 治安维护
    environment = "environment"  # 环境整治
    public_facilities = "public_facilities"  # 公共设施维护
    road_traffic = "road_traffic"  # 道路交通管理


class ExclusionReason(StrEnum):
    """The seven matters that are not consulted (不予协商)."""

    prescribed_by_law = "prescribed_by_law"  # 法律规定
    mandated_by_party_government = "mandated_by_party_government"  # 党委政府明确要求
    unfair = "unfair"  # 不公平事项
    serious_disagreement = "serious_disagreement"  # 存在严重分歧
    beyond_authority = "beyond_authority"  # 超出职能权限
    infeasible = "infeasible"  # 不具备实施条件
    individual_dispute = "individual_dispute"  # 个体矛盾


class Referral(StrEnum):
    """Where a rejected matter is sent instead (转介)."""

    mediation = "mediation"  # 人民调解
    government_department = "government_department"  # 政府职能部门
    cppcc_proposal = "cppcc_proposal"  # 政协提案
    hotline_12345 = "hotline_12345"  # 12345热线
    court = "court"  # 司法途径


class SubmitterKind(StrEnum):
    """Who typed the topic in: the resident online, or staff on someone's behalf."""

    resident = "resident"  # 居民本人
    staff = "staff"  # 网格员/社区工作人员代录


class Feasibility(StrEnum):
    """The research's verdict on a topic (可行性分析)."""

    feasible = "feasible"  # 可行
    feasible_with_conditions = "feasible_with_conditions"  # 有条件可行
    infeasible = "infeasible"  # 不可行


class InviteeKind(StrEnum):
    """The "X" of 1+7+X: who is invited for one topic."""

    stakeholder = "stakeholder"  # 利益相关方
    community_station = "community_station"  # 社区相关站所


class DecisionMethod(StrEnum):
    """How a meeting reached its decision."""

    consensus = "consensus"  # 协商一致
    vote = "vote"  # 表决


class MemberCategory(StrEnum):
    """The fixed members' categories of a 1+7+X council (固定成员)."""

    cppcc_member = "cppcc_member"  # 政协委员
    two_committees = "two_committees"  # 社区"两委"
    owners_committee = "owners_committee"  # 业主委员会
    resident_representative = "resident_representative"  # 群众代表
    health_station = "health_station"  # 社区卫生站


class Satisfaction(StrEnum):
    """Residents' rating of an implementation (满意度)."""

    satisfied = "satisfied"  # 满意
    basically_satisfied = "basically_satisfied"  # 基本满意
    dissatisfied = "dissatisfied"  # 不满意


class EscalationKind(StrEnum):
    """How a matter goes up to the county CPPCC (成果转化)."""

    cppcc_proposal = "cppcc_proposal"  # 政协提案
    social_conditions_report = "social_conditions_report"  # 社情民意信息


class EscalationGround(StrEnum):
    """Why a matter is escalated."""

    beyond_authority = "beyond_authority"  # 超出职能权限
    needs_higher_level = "needs_higher_level"  # 需上级解决


LABELS_ZH: dict[StrEnum, str] = {
    TopicSource.party_government: "党政交",
    TopicSource.council_member: "委员提",
    TopicSource.resident: "社会征",
    Channel.service_station: "365爱心服务站",
    Channel.household_visit: "入户走访",
    Channel.grid: "网格",
    Channel.phone: "办公电话",
    Channel.online: "线上",
    Category.public_welfare: "公益事业兴办",
    Category.vulnerable_groups: "困难群体救助",
    Category.livelihood: "医疗卫生教育等民生保障",
    Category.public_order: "治安维护",
    Category.environment: "环境整治",
    Category.public_facilities: "公共设施维护",
    Category.road_traffic: "道路交通管理",
    ExclusionReason.prescribed_by_law: "法律规定",
    ExclusionReason.mandated_by_party_government: "党委政府明确要求",
    ExclusionReason.unfair: "不公平事项",
    ExclusionReason.serious_disagreement: "存在严重分歧",
    ExclusionReason.beyond_authority: "超出职能权限",
    ExclusionReason.infeasible: "不具备实施条件",
    ExclusionReason.individual_dispute: "个体矛盾",
    Referral.mediation: "人民调解",
    Referral.government_department: "政府职能部门",
    Referral.cppcc_proposal: "政协提案",
    Referral.hotline_12345: "12345热线",
    Referral.court: "司法途径",
    MemberCategory.cppcc_member: "政协委员",
    MemberCategory.two_committees: "社区两委",
    MemberCategory.owners_committee: "业主委员会",
    MemberCategory.resident_representative: "群众代表",
    MemberCategory.health_station: "社区卫生站",
    Satisfaction.satisfied: "满意",
    Satisfaction.basically_satisfied: "基本满意",
    Satisfaction.dissatisfied: "不满意",
    EscalationKind.cppcc_proposal: "政协提案",
    EscalationKind.social_conditions_report: "社情民意信息",
    EscalationGround.beyond_authority: "超出职能权限",
    EscalationGround.needs_higher_level: "需上级解决",
}


def label_zh(code: StrEnum) -> str:
    """The Chinese label of a code, as shown to residents."""
    return LABELS_ZH.get(code, str(code))
