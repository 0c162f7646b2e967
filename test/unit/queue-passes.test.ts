import { afterEach, describe, expect, it, vi } from "vitest";
import { startQueuePasses } from "../../scripts/cli/queue-passes.ts";

// The pool is opened lazily: no pass here touches the database, so no server is needed.
const settings = { url: "postgres://nobody:nothing@127.0.0.1:1/none" };

describe("a Node queue job's passes (scripts/cli/queue-passes.ts)", () => {
  afterEach(() => {
    vi.useRealTimers();
    vi.restoreAllMocks();
  });

  it("passes again at once while work was found, then every interval; a failing pass is logged and tried again; stop ends it and closes", async () => {
    vi.useFakeTimers();
    const errors = vi.spyOn(console, "error").mockImplementation(() => {});
    const found = [2, 1, 0, -1, 0];
    let calls = 0;
    const closed = vi.fn(async () => {});
    const job = startQueuePasses(
      settings,
      "test job",
      async () => {
        const next = found[calls++] ?? 0;
        if (next < 0) throw new Error("connection refused for postgres://user:secret@db/x");
        return next;
      },
      { intervalMs: 1_000, close: closed },
    );
    // "At once" is Node's least delay, 1 ms: the first three passes run by t = 3 ms.
    await vi.advanceTimersByTimeAsync(10);
    expect(calls).toBe(3); // 2 found, 1 found, then nothing: the next pass waits the interval
    await vi.advanceTimersByTimeAsync(990); // t = 1000 ms: the interval since t = 3 ms has not passed
    expect(calls).toBe(3);
    await vi.advanceTimersByTimeAsync(5);
    expect(calls).toBe(4); // the failing pass
    expect(errors).toHaveBeenCalledTimes(1);
    expect(String(errors.mock.calls[0]![0])).toMatch(/^test job pass failed: /);
    expect(String(errors.mock.calls[0]![0])).not.toContain("secret");
    await vi.advanceTimersByTimeAsync(1_000);
    expect(calls).toBe(5); // tried again an interval later
    await job.stop();
    expect(closed).toHaveBeenCalledTimes(1);
    await vi.advanceTimersByTimeAsync(10_000);
    expect(calls).toBe(5);
  });
});
