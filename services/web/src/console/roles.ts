// The roles the services know (services/kit/auth.py Role), as community workers call them.
export const ROLE_ZH: Record<string, string> = {
  staff: "社区工作人员",
  council_member: "议事会成员",
  council_chair: "议事会主席",
  party_committee: "社区党委",
  party_government: "党委政府",
  cppcc_office: "政协办公室",
  street_office: "街道办事处",
  district_office: "区县民政部门",
  city_office: "市级民政部门",
};

export function rolesZh(roles: string[]): string {
  return roles.map((r) => ROLE_ZH[r] ?? r).join("、") || "（无角色）";
}

// Who consults (谁来协商, the council's composition), then the six steps of the procedure, and
// who works in each; `route` names the screens built so far.
export interface Step {
  no: number;
  title: string;
  roles: string[];
  route?: string;
}

export const STEPS: Step[] = [
  { no: 0, title: "议事会组成", roles: ["party_committee"], route: "council" },
  { no: 1, title: "收集议题", roles: ["staff"], route: "filing" },
  { no: 2, title: "确定议题", roles: ["council_chair", "council_member", "staff", "party_committee"], route: "screening" },
  { no: 3, title: "议前调研", roles: ["council_chair", "council_member"], route: "research" },
  { no: 4, title: "组织协商", roles: ["council_chair", "council_member", "staff"], route: "meetings" },
  { no: 5, title: "公示公开", roles: ["staff"], route: "disclosure" },
  { no: 6, title: "落实评价", roles: ["staff", "party_committee"], route: "tasks" },
];

export function stepsFor(roles: string[]): Step[] {
  return STEPS.filter((s) => s.roles.some((r) => roles.includes(r)));
}

/** "1. 收集议题"; the council's composition comes before the numbered steps. */
export function stepLabel(step: Step): string {
  return step.no ? `${step.no}. ${step.title}` : step.title;
}
