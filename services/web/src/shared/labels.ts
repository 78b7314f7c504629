// The seven matters that may be consulted (协商内容), as the contracts name them.
export const CATEGORIES: { value: string; label: string }[] = [
  { value: "public_welfare", label: "公益事业兴办" },
  { value: "vulnerable_groups", label: "困难群体救助" },
  { value: "livelihood", label: "医疗卫生教育等民生保障" },
  { value: "public_order", label: "治安维护" },
  { value: "environment", label: "环境整治" },
  { value: "public_facilities", label: "公共设施维护" },
  { value: "road_traffic", label: "道路交通管理" },
];

export function isCommunityCode(code: string): boolean {
  return /^\d{12}$/.test(code);
}

export function chinaTime(iso: string | null | undefined): string {
  if (!iso) return "";
  return new Date(iso).toLocaleString("zh-CN", { timeZone: "Asia/Shanghai", hour12: false });
}
