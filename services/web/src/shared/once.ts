import { ref, type Ref } from "vue";
import { ApiRefusal } from "./api";

// crypto.randomUUID exists only in secure contexts; a dev stack opened over plain http from
// another machine is not one, while getRandomValues works everywhere.
function newKey(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  return Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
}

// A user action that cannot be carried out twice: while one is in flight further clicks are
// ignored (its button shows busy), and it carries an Idempotency-Key drawn when the action
// starts and kept until the API has carried it out — through the client's own retries and a
// click again after a lost answer or a refusal (nothing refused is kept, so the corrected form
// may reuse it). Should the API say the key was used for a different request (the earlier
// attempt did go through, and the form has changed since), this is a new action: it is sent
// once more with a new key.
export function useOnce<T>(action: (idempotencyKey: string) => Promise<T>): {
  busy: Ref<boolean>;
  run: () => Promise<T | undefined>;
  renew: () => void;
} {
  const busy = ref(false);
  let key: string | null = null;
  async function attempt(): Promise<T> {
    key ??= newKey();
    try {
      return await action(key);
    } catch (error) {
      if (!(error instanceof ApiRefusal && error.error === "idempotency_key_reused")) throw error;
      key = newKey();
      return await action(key);
    }
  }
  return {
    busy,
    renew: () => {
      key = null;
    },
    run: async () => {
      if (busy.value) return undefined;
      busy.value = true;
      try {
        const result = await attempt();
        key = null;
        return result;
      } finally {
        busy.value = false;
      }
    },
  };
}
