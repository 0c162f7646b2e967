import { spawn, spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";

const CHECKOUT_SCRIPT = fileURLToPath(new URL("./wrk/checkout.lua", import.meta.url));

/** What one wrk run measured (bench/wrk/checkout.lua's `BENCH_RESULT` line). */
export interface WrkResult {
  durationUs: number;
  requests: number;
  bytes: number;
  /** Socket-level failures; `status` counts answers ≥ 400 (409 sold_out included). */
  errors: { connect: number; read: number; write: number; status: number; timeout: number };
  latencyUs: { min: number; mean: number; max: number; p50: number; p90: number; p95: number; p99: number; p999: number };
  /** Responses by HTTP status. */
  statuses: Record<string, number>;
  /** Non-201 responses by the error code in their body (`sold_out`, `http_500` when none). */
  codes: Record<string, number>;
  /** 201 answers flagged `Idempotent-Replayed`. */
  replayed: number;
  /** Requests sent as retries of the connection's previous request. */
  retries: number;
}

export interface WrkRun {
  url: string;
  connections: number;
  threads: number;
  durationS: number;
  cookieFile: string;
  sku: string;
  /** Prefix of every Idempotency-Key of this run; unique per run. */
  runId: string;
  /** Every Nth request is a retry of the previous one (0: none). */
  retryEvery?: number;
  /** Each thread stops after this many sold_out answers (0: runs for durationS). */
  stopAfterSoldOut?: number;
  /** Per-request timeout; slow answers are measured rather than dropped. */
  timeoutS?: number;
  /** "checkout" (the default) or "METHOD:/path": time one other route of the same service. */
  route?: string;
  /** Line of the cookie file to start at: shoppers not yet seen on this SKU. */
  firstShopper?: number;
}

/** wrk's path, or a clear error saying how to install it. */
export function findWrk(): string {
  const found = spawnSync("sh", ["-c", "command -v wrk"], { encoding: "utf8" });
  const path = found.stdout.trim();
  if (found.status !== 0 || !path) {
    throw new Error("wrk is not installed: the benchmark drives its load with wrk. Install it with `apt-get install wrk` (Debian/Ubuntu).");
  }
  return path;
}

/** wrk's version line, e.g. "wrk debian/4.1.0-3+b2 [epoll]". */
export function wrkVersion(): string {
  const out = spawnSync(findWrk(), ["--version"], { encoding: "utf8" });
  return `${out.stdout}${out.stderr}`
    .split("\n")[0]!
    .replace(/ Copyright.*$/, "")
    .trim();
}

/** Runs wrk with the checkout script and returns what it measured. */
export async function runWrk(run: WrkRun): Promise<WrkResult> {
  const args = [
    `-t${Math.min(run.threads, run.connections)}`,
    `-c${run.connections}`,
    `-d${run.durationS}s`,
    `--timeout`,
    `${run.timeoutS ?? 10}s`,
    "-s",
    CHECKOUT_SCRIPT,
    run.url,
    "--",
    run.cookieFile,
    run.sku,
    run.runId,
    String(Math.min(run.threads, run.connections)),
    String(run.retryEvery ?? 0),
    String(run.stopAfterSoldOut ?? 0),
    run.route ?? "checkout",
    String(run.firstShopper ?? 0),
  ];
  const child = spawn(findWrk(), args, { stdio: ["ignore", "pipe", "pipe"] });
  let stdout = "";
  let stderr = "";
  const threads = Math.min(run.threads, run.connections);
  let interrupted = false;
  child.stdout.on("data", (chunk: Buffer) => {
    stdout += chunk.toString();
    // Every thread has seen the sell-out: stop now rather than at the end of the duration
    // (SIGINT is wrk's own way to stop early; it still reports).
    if (!interrupted && run.stopAfterSoldOut && (stdout.match(/THREAD_SOLD_OUT/g)?.length ?? 0) >= threads) {
      interrupted = true;
      child.kill("SIGINT");
    }
  });
  child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
  const code = await new Promise<number | null>((resolve, reject) => {
    child.on("error", reject);
    child.on("exit", (exitCode) => resolve(exitCode));
  });
  const line = stdout.split("\n").find((l) => l.startsWith("BENCH_RESULT "));
  if (code !== 0 || !line) {
    throw new Error(`wrk failed (exit ${code}): ${stderr.trim() || stdout.trim()}`);
  }
  return JSON.parse(line.slice("BENCH_RESULT ".length)) as WrkResult;
}

/** A wrk run with another script of bench/wrk/ than the checkout's. */
export interface WrkScriptRun {
  /** The script's file name in bench/wrk/. */
  script: string;
  url: string;
  connections: number;
  threads: number;
  durationS: number;
  /** Per-request timeout. */
  timeoutS?: number;
  /** The script's own arguments, after `--`. */
  args: string[];
}

/**
 * Runs wrk with `script` and returns the JSON of the `BENCH_RESULT` line its done() prints,
 * as the script's own type `T` (e.g. bench/wrk/abuse.lua for bench/abuse.ts). The child is
 * stopped if `signal` aborts.
 */
export async function runWrkScript<T>(run: WrkScriptRun, signal?: AbortSignal): Promise<T> {
  const threads = Math.min(run.threads, run.connections);
  const script = fileURLToPath(new URL(`./wrk/${run.script}`, import.meta.url));
  const args = [
    `-t${threads}`,
    `-c${run.connections}`,
    `-d${run.durationS}s`,
    "--timeout",
    `${run.timeoutS ?? 10}s`,
    "-s",
    script,
    run.url,
  ];
  const child = spawn(findWrk(), [...args, "--", ...run.args], { stdio: ["ignore", "pipe", "pipe"], signal, killSignal: "SIGKILL" });
  let stdout = "";
  let stderr = "";
  child.stdout.on("data", (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
  const code = await new Promise<number | null>((resolve, reject) => {
    child.on("error", reject);
    child.on("exit", (exitCode) => resolve(exitCode));
  });
  const line = stdout.split("\n").find((l) => l.startsWith("BENCH_RESULT "));
  if (code !== 0 || !line) throw new Error(`wrk -s ${run.script} failed (exit ${code}): ${stderr.trim() || stdout.trim()}`);
  return JSON.parse(line.slice("BENCH_RESULT ".length)) as T;
}
