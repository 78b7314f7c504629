import { ref } from "vue";
import { ApiRefusal, refusalText } from "../shared/api";
import { useOnce } from "../shared/once";

// A write the user starts with a button: busy while in flight (a double click sends once),
// and the API's refusal kept as message_zh plus each named field's own message, so a form
// can show it next to the field (el-form-item :error) and the rest next to the button.
export function useAction<T>(action: (idempotencyKey: string) => Promise<T>) {
  const once = useOnce(action);
  const message = ref("");
  const error = ref("");
  const fields = ref<Record<string, string>>({});

  function clear(): void {
    message.value = "";
    error.value = "";
    fields.value = {};
  }

  function errorCode(refused: unknown): void {
    error.value = refused instanceof ApiRefusal ? refused.error : "";
  }

  function refuse(error: unknown): void {
    message.value = refusalText(error);
    errorCode(error);
    fields.value = error instanceof ApiRefusal ? Object.fromEntries(error.fields.map((f) => [f.field, f.message_zh])) : {};
  }

  async function run(): Promise<T | undefined> {
    clear();
    try {
      return await once.run();
    } catch (error) {
      refuse(error);
      return undefined;
    }
  }

  /** The message for a field, or for any of its parts ("measures" covers "measures.0.deadline"). */
  function at(field: string): string {
    return Object.entries(fields.value)
      .filter(([name]) => name === field || name.startsWith(`${field}.`))
      .map(([, zh]) => zh)
      .join("；");
  }

  return { busy: once.busy, message, error, fields, run, at, clear, refuse, renew: once.renew };
}
