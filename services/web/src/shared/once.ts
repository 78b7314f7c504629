import { ref, type Ref } from "vue";

// crypto.randomUUID exists only in secure contexts; a dev stack opened over plain http from
// another machine is not one, while getRandomValues works everywhere.
function newKey(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  return Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
}

// A submit that cannot be sent twice: while one is in flight further clicks are ignored, and
// every attempt of the same form content carries the same Idempotency-Key, so a retry after a
// lost answer is recognised by the API. A new key is drawn once the API has answered.
export function useOnce<T>(action: (idempotencyKey: string) => Promise<T>): {
  busy: Ref<boolean>;
  run: () => Promise<T | undefined>;
  renew: () => void;
} {
  const busy = ref(false);
  let key = newKey();
  return {
    busy,
    renew: () => {
      key = newKey();
    },
    run: async () => {
      if (busy.value) return undefined;
      busy.value = true;
      try {
        const result = await action(key);
        key = newKey();
        return result;
      } finally {
        busy.value = false;
      }
    },
  };
}
