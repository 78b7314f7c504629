import { reactive, ref, watch, type Ref } from "vue";
import { ApiRefusal, call, refusalText } from "../shared/api";
import { useOnce } from "../shared/once";

// One topic as the public sees it (publication's GET /topics/{id}): what a resident objects
// to or rates. No resident is named in it.
export interface PublicTopic {
  topic_id: string;
  title: string | null;
  status: string;
  status_zh: string;
  resolution_text: string | null;
  disclosure: { ends_at: string; accepts_objections: boolean } | null;
  implementation: { round: number; completed_at: string | null; closed_at: string | null } | null;
}

export function usePublicTopic(topicId: string): {
  topic: Ref<PublicTopic | null>;
  refusal: Ref<string>;
  loading: Ref<boolean>;
} {
  const topic = ref<PublicTopic | null>(null);
  const refusal = ref("");
  const loading = ref(true);
  call<PublicTopic>("publication", `/topics/${encodeURIComponent(topicId)}`)
    .then((found) => (topic.value = found))
    .catch((error) => (refusal.value = refusalText(error)))
    .finally(() => (loading.value = false));
  return { topic, refusal, loading };
}

// The message of a refusal about one field of the body ({field: "text"} or "body.text").
export function fieldMessage(fields: { field: string; message_zh: string }[], name: string): string {
  return fields.find((f) => f.field === name || f.field.endsWith(`.${name}`))?.message_zh ?? "";
}

/** A resident's write about a topic (an objection, a rating), sent once. The API's refusal goes
 * next to the field it names (`errors[name]`), or next to a field that owns it though it names
 * none (`owns`: a wrong receipt code belongs to the code's field), else under the form (`refusal`). */
export function useTopicWrite<T, F extends string>(
  send: (idempotencyKey: string) => Promise<T>,
  form: Record<F, unknown>,
  owns: Partial<Record<F, (refused: ApiRefusal) => boolean>> = {},
) {
  const names = Object.keys(form) as F[];
  const errors = reactive(Object.fromEntries(names.map((n) => [n, ""]))) as Record<F, string>;
  const refusal = ref("");
  const once = useOnce(send);
  for (const name of names) watch(() => form[name], () => (errors[name] = ""));

  async function run(): Promise<T | undefined> {
    refusal.value = "";
    for (const name of names) errors[name] = "";
    try {
      return await once.run();
    } catch (error) {
      const refused = error instanceof ApiRefusal ? error : null;
      for (const name of names) {
        errors[name] = fieldMessage(refused?.fields ?? [], name) || (refused && owns[name]?.(refused) ? refusalText(error) : "");
      }
      if (!names.some((name) => errors[name])) refusal.value = refusalText(error);
      return undefined;
    }
  }
  return { errors, refusal, busy: once.busy, run };
}
