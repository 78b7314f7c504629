import { ref, type Ref } from "vue";

// A submit that cannot be sent twice: while one is in flight further clicks are ignored, and
// every attempt of the same form content carries the same Idempotency-Key, so a retry after a
// lost answer is recognised by the API. A new key is drawn once the API has answered.
export function useOnce<T>(action: (idempotencyKey: string) => Promise<T>): {
  busy: Ref<boolean>;
  run: () => Promise<T | undefined>;
  renew: () => void;
} {
  const busy = ref(false);
  let key = crypto.randomUUID();
  return {
    busy,
    renew: () => {
      key = crypto.randomUUID();
    },
    run: async () => {
      if (busy.value) return undefined;
      busy.value = true;
      try {
        const result = await action(key);
        key = crypto.randomUUID();
        return result;
      } finally {
        busy.value = false;
      }
    },
  };
}
