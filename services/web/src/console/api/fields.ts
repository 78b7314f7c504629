// A 422's refusals per field, so a form shows each message_zh under the input that caused it
// (the whole message stays in the form's alert too).
import { reactive } from "vue";
import { ApiRefusal } from "../../shared/api";

export function useFieldRefusals() {
  const byField = reactive<Record<string, string>>({});
  return {
    byField,
    take(error: unknown): void {
      for (const key of Object.keys(byField)) delete byField[key];
      if (error instanceof ApiRefusal) for (const f of error.fields) byField[f.field] = f.message_zh;
    },
  };
}
