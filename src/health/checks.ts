import { redactSecrets } from "../redact.ts";
import { withTimeout } from "../timeout.ts";

/** One dependency's result in a health report. */
export interface CheckResult {
  ok: boolean;
  latencyMs: number;
  error?: string;
}

export interface HealthReport {
  status: "ok" | "failing";
  failing: string[];
  checks: Record<string, CheckResult>;
}

export type Probe = () => Promise<unknown>;

/**
 * Runs every probe at once, each bounded by `timeoutMs`, so one hung dependency
 * cannot hang the report. A probe passes when it resolves.
 */
export async function runHealthChecks(
  probes: Record<string, Probe>,
  options: { timeoutMs: number; now?: () => number },
): Promise<HealthReport> {
  const now = options.now ?? (() => performance.now());
  const names = Object.keys(probes);
  const results = await Promise.all(names.map((name) => timeProbe(probes[name]!, options.timeoutMs, now)));
  const checks: Record<string, CheckResult> = {};
  for (const [i, name] of names.entries()) checks[name] = results[i]!;
  const failing = names.filter((name) => !checks[name]!.ok);
  return { status: failing.length === 0 ? "ok" : "failing", failing, checks };
}

async function timeProbe(probe: Probe, timeoutMs: number, now: () => number): Promise<CheckResult> {
  const started = now();
  try {
    await withTimeout(probe(), timeoutMs);
    return { ok: true, latencyMs: elapsed(started, now) };
  } catch (error) {
    return { ok: false, latencyMs: elapsed(started, now), error: describe(error) };
  }
}

function elapsed(started: number, now: () => number): number {
  return Math.round((now() - started) * 10) / 10;
}

/**
 * A short, secret-free reason: the error's message only, never a stack, with any credential
 * masked before it is cut short (cut first, a URL could lose the `@` that marks its password).
 */
function describe(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  return redactSecrets(message).slice(0, 200);
}
