import { ref, type Ref } from "vue";
import { call, refusalText } from "../shared/api";

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
