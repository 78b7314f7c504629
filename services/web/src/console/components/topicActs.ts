// What a staff member does on a topic being carried out (登记进展, 标记完成, 办结, 重新办理,
// 成果转化): sent once; on success a short confirmation and the topic read again; on a refusal
// its message_zh next to the button that caused it and each field's own under its input.
import { ElMessage } from "element-plus";
import { reactive } from "vue";
import { refusalText } from "../../shared/api";
import { useFieldRefusals } from "../api/fields";

export function useTopicActs(changed: () => unknown) {
  const refusals = reactive<Record<string, string>>({});
  const fields = useFieldRefusals();

  /** Runs `once` (a useOnce); `done` says what happened, `then` closes its form before the topic is
   * read again. Undefined when refused or still in flight. */
  async function act<T>(which: string, once: { run: () => Promise<T | undefined> }, done: string,
    then: (answer: T) => void = () => undefined): Promise<T | undefined> {
    refusals[which] = "";
    fields.take(null);
    try {
      const answer = await once.run();
      if (answer === undefined) return undefined;
      ElMessage.success({ message: done, duration: 4000 });
      then(answer);
      await changed();
      return answer;
    } catch (error) {
      refusals[which] = refusalText(error);
      fields.take(error);
      return undefined;
    }
  }
  return { refusals, fields, act };
}
