// The contracts' codes as community workers name them (yishi_contracts/codes.py and meeting's enums).
type Names = { value: string; label: string }[];

export const MEMBER_CATEGORIES: Names = [
  { value: "cppcc_member", label: "政协委员" },
  { value: "two_committees", label: "社区“两委”成员" },
  { value: "owners_committee", label: "业主委员会代表" },
  { value: "resident_representative", label: "群众代表" },
  { value: "health_station", label: "社区卫生站代表" },
];
export const SOURCES: Names = [
  { value: "resident", label: "社会征（居民反映）" },
  { value: "council_member", label: "委员提" },
  { value: "party_government", label: "党政交" },
];
export const CHANNELS: Names = [
  { value: "service_station", label: "365爱心服务站" },
  { value: "household_visit", label: "入户走访" },
  { value: "grid", label: "网格" },
  { value: "phone", label: "公布办公电话" },
];
export const FEASIBILITY: Names = [
  { value: "feasible", label: "可行" },
  { value: "feasible_with_conditions", label: "有条件可行" },
  { value: "infeasible", label: "不可行" },
];
export const INVITEE_KINDS: Names = [
  { value: "stakeholder", label: "利益相关方" },
  { value: "community_station", label: "社区相关站所" },
];
export const ENTRY_KINDS: Names = [
  { value: "statement", label: "发言" },
  { value: "question", label: "提问" },
  { value: "answer", label: "解答" },
  { value: "debate", label: "辩论" },
  { value: "discussion", label: "讨论" },
];
export const VOTE_CHOICES: Names = [
  { value: "in_favour", label: "赞成" },
  { value: "against", label: "反对" },
  { value: "abstain", label: "弃权" },
];
export const MEETING_STATUS: Record<string, string> = { scheduled: "已召集", open: "会议进行中", closed: "已闭会" };
export const AGENDA_STATUS: Record<string, string> = {
  pending: "待议", voting: "表决中", not_adopted: "表决未通过", adopted: "形成决议", deferred: "暂缓，退回调研", dropped: "撤销",
};

export function nameOf(names: Names, value: string | null | undefined): string {
  return names.find((n) => n.value === value)?.label ?? value ?? "";
}

export const EXCLUSION_REASONS: Names = [
  { value: "prescribed_by_law", label: "法律法规已有明确规定的" },
  { value: "mandated_by_party_government", label: "党委政府已明确要求的" },
  { value: "unfair", label: "有违公平正义的" },
  { value: "serious_disagreement", label: "存在严重分歧的" },
  { value: "beyond_authority", label: "超出社区职能权限的" },
  { value: "infeasible", label: "不具备实施条件的" },
  { value: "individual_dispute", label: "属于个体矛盾纠纷的" },
];
export const REFERRALS: Names = [
  { value: "mediation", label: "人民调解" },
  { value: "government_department", label: "政府职能部门" },
  { value: "cppcc_proposal", label: "政协提案" },
  { value: "hotline_12345", label: "12345热线" },
  { value: "court", label: "司法途径" },
];
