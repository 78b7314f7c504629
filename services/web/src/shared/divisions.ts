import { reactive } from "vue";
import { call } from "./api";

// A division's name and the names above it (清波门社区 · 清波街道 · 上城区), from the registry's
// GET /divisions/{code} (public), asked once per code for the whole page: the console's headers
// and the resident pages name a community or an office's division this way.
export interface DivisionNames {
  code: string;
  name: string;
  level_zh: string;
  path: string;
}

const known = reactive(new Map<string, DivisionNames | null>());
const asked = new Set<string>();

/** The names of a 12-digit code or of an office's prefix (330102001 → 330102001000); undefined while
 * asked, null when the registry does not know it (the code is then all there is to show). */
export function divisionNamed(codeOrPrefix: string): DivisionNames | null | undefined {
  if (!/^\d{4,12}$/.test(codeOrPrefix)) return null;
  const code = codeOrPrefix.padEnd(12, "0");
  if (!asked.has(code)) {
    asked.add(code);
    call<DivisionNames>("council", `/divisions/${code}`).then(
      (found) => known.set(code, found),
      () => known.set(code, null),
    );
  }
  return known.get(code);
}
