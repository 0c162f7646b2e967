/**
 * `work`, or a rejection once `ms` have passed without an answer: one hung dependency must
 * not hang its caller. The timer is cleared either way, so nothing keeps an isolate or a
 * Node process busy after the answer.
 */
export function withTimeout<T>(work: Promise<T>, ms: number): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms);
  });
  return Promise.race([work, timeout]).finally(() => {
    if (timer !== undefined) clearTimeout(timer);
  });
}
