// A staff member's division claim is their community's 12-digit code, or a shorter prefix
// for a street (9 digits) or county office (6): only the former names one community.
export function communityOf(division: string): string {
  return /^\d{12}$/.test(division) ? division : "";
}
