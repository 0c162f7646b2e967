import { isMainThread, parentPort, Worker, workerData } from "node:worker_threads";

/**
 * The normal shoppers of `npm run bench:abuse` (bench/abuse.ts, issue 12): people, not a load
 * generator. Each shopper is one client address (`CF-Connecting-IP`) where people arrive one
 * after another: a new session (`POST /api/session`, no cookie), a checkout of one unit, then
 * pay it (or, every `cancelEvery`th purchase, cancel it), with a think time between steps. A
 * new person per purchase, since the benchmark's sales allow one unit per shopper.
 *
 * They run in a worker thread of their own (`runShoppersInThread`), so the latency they
 * measure is not stretched by the harness's main thread, which also serves the local stack's
 * Upstash gateway and Postgres proxy to the Worker.
 */
export interface ShoppersRun {
  /** The storefront's base URL, ending in /. */
  url: string;
  sku: string;
  shoppers: number;
  durationMs: number;
  /** Mean pause between a shopper's steps; each pause is drawn from 0.5–1.5 times it. */
  thinkMs: number;
  /** Every Nth purchase of a shopper is cancelled instead of paid (0: all paid). */
  cancelEvery: number;
  /** The first two octets of the shoppers' IPv4 addresses: shopper i is `<prefix>.<i / 256>.<i % 256>`. */
  addressPrefix: string;
  /** Prefix of every Idempotency-Key of this run. */
  runId: string;
  /** A request not answered within this is counted as failed (`timeout`). */
  timeoutMs: number;
}

export type ShopperStep = "session" | "checkout" | "pay" | "cancel";

export interface LatencySummary {
  p50: number;
  p90: number;
  p99: number;
  max: number;
}

/** What the shoppers got, over every request they sent. */
export interface ShopperStats {
  shoppers: number;
  durationS: number;
  requests: number;
  /**
   * Answers a shopper should get: 200, 201, and 409 (a legitimate refusal: `sold_out`,
   * `limit_exceeded`, ...). Everything else failed them: 429, other 4xx, 5xx, no answer.
   */
  served: number;
  failed: number;
  /** served / requests. */
  successRate: number;
  /** Served `sold_out` answers (counted in `served`): the stock should keep them at 0. */
  soldOut: number;
  /** Purchases through to the end: paid, and cancelled by choice. */
  paid: number;
  cancelled: number;
  /** By HTTP status; `timeout` and `network` for requests without an answer. */
  statuses: Record<string, number>;
  /** Non-2xx answers by the error code in their body. */
  codes: Record<string, number>;
  latencyMs: LatencySummary;
  steps: Record<ShopperStep, { requests: number; served: number; latencyMs: LatencySummary }>;
}

/** One answer, or none (`status` then says why). */
interface Answer {
  status: number | "timeout" | "network";
  body: unknown;
  cookie: string | null;
}

const STEPS: ShopperStep[] = ["session", "checkout", "pay", "cancel"];

/** Runs the shoppers in this thread for `durationMs`, then waits for the requests in flight. */
export async function runShoppers(run: ShoppersRun): Promise<ShopperStats> {
  const started = performance.now();
  const end = started + run.durationMs;
  const latencies: Record<ShopperStep, number[]> = { session: [], checkout: [], pay: [], cancel: [] };
  const served: Record<ShopperStep, number> = { session: 0, checkout: 0, pay: 0, cancel: 0 };
  const statuses: Record<string, number> = {};
  const codes: Record<string, number> = {};
  let soldOut = 0;
  let paid = 0;
  let cancelled = 0;

  async function call(step: ShopperStep, address: string, path: string, body: unknown, headers: Record<string, string>): Promise<Answer> {
    const sent = performance.now();
    let answer: Answer;
    try {
      const response = await fetch(`${run.url}${path}`, {
        method: "POST",
        headers: { "Content-Type": "application/json", "CF-Connecting-IP": address, ...headers },
        body: JSON.stringify(body),
        signal: AbortSignal.timeout(run.timeoutMs),
      });
      const text = await response.text();
      const cookie = response.headers.getSetCookie().find((c) => c.startsWith("fs_session="));
      answer = { status: response.status, body: parseJson(text), cookie: cookie ? cookie.split(";")[0]! : null };
    } catch (error) {
      answer = { status: (error as Error).name === "TimeoutError" ? "timeout" : "network", body: null, cookie: null };
    }
    latencies[step].push(performance.now() - sent);
    statuses[answer.status] = (statuses[answer.status] ?? 0) + 1;
    if (answer.status === 200 || answer.status === 201 || answer.status === 409) served[step] += 1;
    if (typeof answer.status === "number" && answer.status >= 300) {
      const code = errorCode(answer.body) ?? `http_${answer.status}`;
      codes[code] = (codes[code] ?? 0) + 1;
      if (answer.status === 409 && code === "sold_out") soldOut += 1;
    }
    return answer;
  }

  const think = () => sleep(run.thinkMs * (0.5 + Math.random()));
  const open = () => performance.now() < end;

  async function shopper(index: number): Promise<void> {
    const address = `${run.addressPrefix}.${Math.floor(index / 256) % 256}.${index % 256}`;
    // Arrivals spread over one think time, not all in the first millisecond.
    await sleep(Math.random() * run.thinkMs);
    for (let purchase = 1; open(); purchase++) {
      const session = await call("session", address, "api/session", {}, {});
      if (!session.cookie) {
        await think();
        continue;
      }
      await think();
      if (!open()) break;
      const checkout = await call(
        "checkout",
        address,
        "api/checkout",
        { sku: run.sku, qty: 1 },
        { Cookie: session.cookie, "Idempotency-Key": `${run.runId}-${index}-${purchase}` },
      );
      const orderId = checkout.status === 201 ? orderIdOf(checkout.body) : null;
      await think();
      if (!orderId || !open()) continue;
      const cancel = run.cancelEvery > 0 && purchase % run.cancelEvery === 0;
      const change = await call(
        cancel ? "cancel" : "pay",
        address,
        `api/orders/${orderId}/${cancel ? "cancel" : "pay"}`,
        {},
        {
          Cookie: session.cookie,
        },
      );
      if (change.status === 200 && cancel) cancelled += 1;
      else if (change.status === 200) paid += 1;
      await think();
    }
  }

  await Promise.all(Array.from({ length: run.shoppers }, (_, i) => shopper(i)));

  const all = STEPS.flatMap((step) => latencies[step]);
  const requests = all.length;
  const servedAll = STEPS.reduce((sum, step) => sum + served[step], 0);
  return {
    shoppers: run.shoppers,
    durationS: Math.round((performance.now() - started) / 10) / 100,
    requests,
    served: servedAll,
    failed: requests - servedAll,
    successRate: requests === 0 ? 0 : Math.round((servedAll / requests) * 10_000) / 10_000,
    soldOut,
    paid,
    cancelled,
    statuses,
    codes,
    latencyMs: summarize(all),
    steps: Object.fromEntries(
      STEPS.map((step) => [step, { requests: latencies[step].length, served: served[step], latencyMs: summarize(latencies[step]) }]),
    ) as ShopperStats["steps"],
  };
}

/**
 * `runShoppers` in a worker thread; `signal` ends the thread early (its requests then count
 * for nothing: the promise rejects).
 */
export function runShoppersInThread(run: ShoppersRun, signal?: AbortSignal): Promise<ShopperStats> {
  return new Promise((resolve, reject) => {
    const worker = new Worker(new URL(import.meta.url), { workerData: { shoppersRun: run } });
    const stop = () => void worker.terminate();
    signal?.addEventListener("abort", stop, { once: true });
    let result: ShopperStats | undefined;
    worker.once("message", (stats: ShopperStats) => (result = stats));
    worker.once("error", reject);
    worker.once("exit", (code) => {
      signal?.removeEventListener("abort", stop);
      if (result) resolve(result);
      else reject(new Error(signal?.aborted ? "the shoppers were stopped" : `the shoppers' thread exited (${code}) without results`));
    });
  });
}

/** Nearest-rank percentiles, in ms with one decimal. */
function summarize(samples: number[]): LatencySummary {
  if (samples.length === 0) return { p50: 0, p90: 0, p99: 0, max: 0 };
  const sorted = [...samples].sort((a, b) => a - b);
  const at = (q: number) => Math.round(sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)]! * 10) / 10;
  return { p50: at(0.5), p90: at(0.9), p99: at(0.99), max: at(1) };
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return null;
  }
}

function errorCode(body: unknown): string | null {
  if (typeof body !== "object" || body === null || !("error" in body)) return null;
  const { error } = body;
  return typeof error === "object" && error !== null && "code" in error && typeof error.code === "string" ? error.code : null;
}

function orderIdOf(body: unknown): string | null {
  if (typeof body !== "object" || body === null || !("order" in body)) return null;
  const { order } = body;
  return typeof order === "object" && order !== null && "id" in order && typeof order.id === "string" ? order.id : null;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

// In the worker thread runShoppersInThread starts: run, hand the stats back, end.
if (!isMainThread && parentPort && typeof workerData === "object" && workerData !== null && "shoppersRun" in workerData) {
  const port = parentPort;
  runShoppers(workerData.shoppersRun as ShoppersRun).then(
    (stats) => port.postMessage(stats),
    (error: Error) => {
      throw error;
    },
  );
}
