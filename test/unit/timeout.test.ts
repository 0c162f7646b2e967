import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { withTimeout } from "../../src/timeout.ts";

describe("withTimeout", () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it("answers with the work when it answers in time, and leaves no timer behind", async () => {
    const answered = withTimeout(Promise.resolve("pong"), 1_000);
    await expect(answered).resolves.toBe("pong");
    expect(vi.getTimerCount()).toBe(0);
  });

  it("rejects once the time is up without an answer, naming the wait", async () => {
    const hung = withTimeout(new Promise(() => undefined), 1_000);
    const outcome = expect(hung).rejects.toThrow("no answer within 1000 ms");
    await vi.advanceTimersByTimeAsync(999);
    expect(vi.getTimerCount()).toBe(1);
    await vi.advanceTimersByTimeAsync(1);
    await outcome;
  });

  it("passes the work's own failure through", async () => {
    await expect(withTimeout(Promise.reject(new Error("refused")), 1_000)).rejects.toThrow("refused");
    expect(vi.getTimerCount()).toBe(0);
  });
});
