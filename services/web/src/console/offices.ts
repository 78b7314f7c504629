// The street, district and city offices (街道、区县、市级) and their screens. An office's
// division claim is a prefix (9, 6 or 4 digits); the screens work on the division it names.
export const OFFICE_ROLES = ["street_office", "district_office", "city_office"];

export interface OfficeScreen {
  path: string;
  title: string;
  /** Besides the offices: a community's party committee sets its own community's rules. */
  alsoFor?: string[];
}

export const OFFICE_SCREENS: OfficeScreen[] = [
  { path: "/offices", title: "辖区社区一览" },
  { path: "/division-meetings", title: "辖区议事会议" },
  { path: "/registry", title: "行政区划" },
  { path: "/settings", title: "议事规则设置", alsoFor: ["party_committee"] },
  { path: "/ledger", title: "协商议事台账" },
];

export function isOffice(roles: string[]): boolean {
  return roles.some((r) => OFFICE_ROLES.includes(r));
}

export function officeScreensFor(roles: string[]): OfficeScreen[] {
  const office = isOffice(roles);
  return OFFICE_SCREENS.filter((s) => office || (s.alsoFor ?? []).some((r) => roles.includes(r)));
}

/** What an office's children are: a street's communities, a district's streets, a city's districts. */
export function childLevel(prefix: string): { level: string; zh: string; prefixLength: number } | null {
  if (prefix.length === 9) return { level: "community", zh: "社区", prefixLength: 12 };
  if (prefix.length === 6) return { level: "street", zh: "街道", prefixLength: 9 };
  if (prefix.length === 4) return { level: "district", zh: "区县", prefixLength: 6 };
  return null;
}
