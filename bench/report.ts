import * as vega from "vega";
import * as vl from "vega-lite";
import type { ContenderId } from "./contenders/contender.ts";
import type { BenchRun, LevelResult } from "./harness.ts";
import type { MachineInfo } from "./machine.ts";

/** Everything `npm run bench` writes to bench/results/latest.json. */
export interface BenchResults {
  /** ISO 8601, UTC. */
  date: string;
  machine: MachineInfo;
  setup: {
    postgres: string;
    redis: string;
    /** How every Worker contender was served. */
    workerRunner: string;
    /** How each Node baseline was served. */
    nodeRunner: string;
    /** Where the storefront bundle came from. */
    storefront: string;
    /** Cores the machine kept busy just before the run, with nothing of the benchmark running. */
    backgroundCores: number | null;
    backgroundSeconds: number;
  };
  run: BenchRun;
  targets: Target[];
}

export interface Target {
  name: string;
  met: boolean | null;
  detail: string;
}

const CEILING: ContenderId = "fixed-json";
const HOT_SKU: ContenderId = "storefront";
const SEED: ContenderId = "redis-decr";

/** The issue's targets (issue 7), judged against what was measured. */
export function evaluateTargets(run: BenchRun): Target[] {
  const at = (id: ContenderId, connections: number) => run.levels.find((l) => l.contender === id && l.connections === connections);
  const levels = [...new Set(run.levels.map((l) => l.connections))];
  const targets: Target[] = [];

  const ceilingRows = levels.map((c) => {
    const store = at(HOT_SKU, c)?.throughput.acceptedPerS;
    const ceiling = at(CEILING, c)?.throughput.requestsPerS;
    return { c, store, ceiling, ratio: store !== undefined && ceiling ? store / ceiling : null };
  });
  const ceilingKnown = ceilingRows.filter((r) => r.ratio !== null);
  targets.push({
    name: "hot-SKU checkouts/s ≥ half the runtime ceiling (fixed-JSON Worker, same runner), at every level",
    met: ceilingKnown.length ? ceilingKnown.every((r) => r.ratio! >= 0.5) : null,
    detail: ceilingKnown
      .map(
        (r) =>
          `${r.c} conns: ${int(r.store!)} vs ${int(r.ceiling!)} = ${pct(r.ratio!)} of the ceiling${r.ratio! < 0.5 ? ` (needs ${int(r.ceiling! / 2)}/s, short by ${int(r.ceiling! / 2 - r.store!)}/s, ×${(r.ceiling! / 2 / Math.max(1, r.store!)).toFixed(1)})` : ""}`,
      )
      .join("; "),
  });

  const seedRows = levels.map((c) => ({ c, store: at(HOT_SKU, c)?.throughput.acceptedPerS, seed: at(SEED, c)?.throughput.acceptedPerS }));
  const seedKnown = seedRows.filter((r) => r.store !== undefined && r.seed !== undefined);
  targets.push({
    name: "hot-SKU checkouts/s above the seed's Redis DECR approach, at every level",
    met: seedKnown.length ? seedKnown.every((r) => r.store! > r.seed!) : null,
    detail: seedKnown
      .map(
        (r) =>
          `${r.c} conns: ${int(r.store!)} vs ${int(r.seed!)} (${r.store! > r.seed! ? "+" : ""}${pct(r.store! / Math.max(1, r.seed!) - 1)})`,
      )
      .join("; "),
  });

  const p99 = at(HOT_SKU, 256)?.throughput.latencyMs.p99;
  targets.push({
    name: "hot-SKU p99 < 100 ms at 256 connections",
    met: p99 === undefined ? null : p99 < 100,
    detail:
      p99 === undefined
        ? "256 connections not measured"
        : `p99 ${p99} ms${p99 >= 100 ? ` (over by ${Math.round(p99 - 100)} ms, ×${(p99 / 100).toFixed(1)})` : ""}`,
  });

  // Issue 12: a sold-out SKU must cost almost nothing: its refusals at ≥ 80 % of the ceiling, p99 < 100 ms at 256.
  const soldOutRows = levels.map((c) => {
    const path = at(HOT_SKU, c)?.soldOutPath;
    const ceiling = at(CEILING, c)?.throughput.requestsPerS;
    return { c, path, ratio: path && ceiling ? path.requestsPerS / ceiling : null };
  });
  const soldOutKnown = soldOutRows.filter((r) => r.ratio !== null);
  const soldOutP99 = soldOutRows.find((r) => r.c === 256)?.path?.latencyMs.p99;
  targets.push({
    name: "sold-out path ≥ 80 % of the runtime ceiling at every level, p99 < 100 ms at 256 connections",
    met: soldOutKnown.length ? soldOutKnown.every((r) => r.ratio! >= 0.8) && soldOutP99 !== undefined && soldOutP99 < 100 : null,
    detail: [
      ...soldOutKnown.map((r) => `${r.c} conns: ${int(r.path!.requestsPerS)} req/s = ${pct(r.ratio!)} of the ceiling`),
      soldOutP99 === undefined ? "256 connections not measured" : `p99 at 256 conns ${soldOutP99} ms`,
    ].join("; "),
  });

  const storeLevels = run.levels.filter((l) => l.contender === HOT_SKU);
  const bad = storeLevels.flatMap((l) => problemsOf(l).map((p) => `${l.connections} conns: ${p}`));
  targets.push({
    name: "oversold, lost and duplicated orders all 0 at every level (storefront)",
    met: storeLevels.length ? bad.length === 0 : null,
    detail: storeLevels.length
      ? bad.length
        ? bad.join("; ")
        : `${storeLevels.length} levels × (throughput, sell-out, sold-out path): all 0; every sell-out sold exactly its stock`
      : "storefront not measured",
  });
  return targets;
}

function problemsOf(level: LevelResult): string[] {
  const named = (phase: string, problems: string[] | undefined) => (problems ?? []).map((p) => `${phase}: ${p}`);
  return [
    ...named("throughput", level.throughput.checks?.problems),
    ...named("sell-out", level.sellOut?.checks.problems),
    ...named("sold-out path", level.soldOutPath?.checks.problems),
  ];
}

/** bench/results/latest.md */
export function renderMarkdown(results: BenchResults): string {
  const { machine, setup, run } = results;
  const label = new Map(run.contenders.map((c) => [c.id, c.label]));
  const lines: string[] = [];
  const o = run.options;
  lines.push("# Hot-SKU checkout benchmark", "");
  lines.push(`Measured ${results.date.replace("T", " ").replace(/\.\d+Z$/, " UTC")} with \`npm run bench\` (issue 7).`, "");
  lines.push("| | |", "| --- | --- |");
  lines.push(`| machine | ${machine.cores} cores, ${machine.cpuModel}, ${machine.memoryGiB} GiB memory, ${machine.os} |`);
  lines.push(
    `| background load | ${setup.backgroundCores === null ? "not measured" : `${setup.backgroundCores} cores busy in the ${setup.backgroundSeconds} s before the run`}; load average at start ${machine.loadAverage.join(", ")} (anything else running competes with every contender; see *other* below) |`,
  );
  lines.push(`| software | Node ${machine.node}, workerd ${machine.workerd}, Miniflare ${machine.miniflare}, ${machine.wrk} |`);
  lines.push(`| storefront | ${setup.storefront} |`);
  lines.push(`| Worker runner | ${setup.workerRunner} |`);
  lines.push(`| Node runner | ${setup.nodeRunner} |`);
  lines.push(`| Postgres | ${setup.postgres} |`);
  lines.push(`| Redis | ${setup.redis} |`);
  lines.push(
    `| load | wrk, ${o.threads} threads; ${o.levels.join(" / ")} open connections; every request a different signed-in shopper (${int(o.sessionPool)} session cookies) with its own Idempotency-Key, \`{"sku", "qty": 1}\` |`,
  );
  lines.push("");

  lines.push("## Results", "");
  lines.push(
    `Checkouts/s and latency: ${o.throughputSeconds} s per level on a fresh SKU whose stock (${int(o.throughputStock)}) cannot run out; latency is wrk's, per request, from send to answer. ` +
      `Sell-out: a fresh SKU stocked with ~${o.sellOutTargetSeconds} s of that level's throughput, loaded until every wrk thread sees sold_out, every ${o.retryEvery}th request a client retry of the one before. ` +
      `Sold-out path: ${o.soldOutSeconds} s more on that empty SKU. Checks once the contender is idle (outbox drained): units in Postgres against the contender's own count and against the 201s the client saw.`,
    "",
  );
  lines.push(
    "| contender | conns | checkouts/s | p50 ms | p95 ms | p99 ms | errors | sell-out: stock → sold | oversold | lost | duplicates | sold-out path req/s (p99 ms) |",
    "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
  );
  for (const level of run.levels) {
    const t = level.throughput;
    const name = label.get(level.contender) ?? level.contender;
    const mark = t.disturbed ? " †" : "";
    const rate = (level.contender === CEILING ? `${int(t.requestsPerS)} req/s` : int(t.acceptedPerS)) + mark;
    const s = level.sellOut;
    const p = level.soldOutPath;
    const checks = [t.checks, s?.checks, p?.checks].filter((c) => c !== null && c !== undefined);
    const worst = (key: "oversold" | "lost" | "duplicates") => (checks.length ? String(Math.max(...checks.map((c) => c[key]))) : "–");
    const errors = [t, s, p].filter((m) => m !== null).reduce((sum, m) => sum + m.errors, 0);
    lines.push(
      `| ${name} | ${level.connections} | ${rate} | ${t.latencyMs.p50} | ${t.latencyMs.p95} | ${t.latencyMs.p99} | ${errors} | ` +
        `${s ? `${int(s.checks.stock)} → ${int(s.checks.unitsInPostgres)}${s.checks.soldOut ? "" : " (not sold out)"}` : "–"} | ` +
        `${worst("oversold")} | ${worst("lost")} | ${worst("duplicates")} | ${p ? `${int(p.requestsPerS)} (${p.latencyMs.p99})` : "–"} |`,
    );
  }
  if (run.levels.some((l) => l.throughput.disturbed)) {
    lines.push(
      "",
      `† other work on the machine kept more than ${o.disturbedCores} cores busy during this run even after ${o.repeats} repeats (see *Where the time goes*): lower than a quiet machine would give.`,
    );
  }
  lines.push("", "![checkouts/s and p99 latency against open connections](chart.svg)", "");

  lines.push("## Targets", "");
  for (const target of results.targets) {
    const mark = target.met === null ? "not measured" : target.met ? "**met**" : "**missed**";
    lines.push(`- ${mark}: ${target.name}. ${target.detail}.`);
  }
  lines.push("");

  const problems = run.levels.flatMap((l) => problemsOf(l).map((p) => `${label.get(l.contender)} at ${l.connections} conns, ${p}`));
  const errorRows = run.levels.flatMap((l) =>
    (
      [
        ["throughput", l.throughput],
        ["sell-out", l.sellOut],
        ["sold-out path", l.soldOutPath],
      ] as const
    )
      .filter(([, m]) => m !== null && m.errors > 0)
      .map(
        ([phase, m]) =>
          `${label.get(l.contender)} at ${l.connections} conns, ${phase}: ${m!.errors} errors (statuses ${JSON.stringify(m!.statuses)}, codes ${JSON.stringify(m!.codes)}, sockets ${JSON.stringify(m!.socketErrors)})`,
      ),
  );
  if (problems.length || errorRows.length) {
    lines.push("## Problems seen", "");
    for (const p of [...problems, ...errorRows]) lines.push(`- ${p}`);
    lines.push("");
  }

  lines.push("## Where the time goes", "");
  lines.push(
    "CPU of each part during each throughput run, in cores (1.0 = one core busy for the whole run), from /proc; `other` is the machine's busy time outside the listed processes (kernel networking, short-lived Postgres backends, anything else running).",
    "",
  );
  const groups = ["wrk", "postgres", "redis", "harness", "kernel", "irq"];
  lines.push(`| contender | conns | service | ${groups.join(" | ")} | other | machine |`);
  lines.push(`| --- | ---: | ---: | ${groups.map(() => "---:").join(" | ")} | ---: | ---: |`);
  for (const level of run.levels) {
    const cpu = level.throughput.cpu;
    const cells = [cpu[level.contender] ?? 0, ...groups.map((g) => cpu[g] ?? 0), cpu.other, cpu.machine];
    const attempts = level.throughput.attempts && level.throughput.attempts > 1 ? ` (run ${level.throughput.attempts})` : "";
    lines.push(
      `| ${label.get(level.contender)} | ${level.connections}${attempts}${level.throughput.disturbed ? " †" : ""} | ${cells.map((n) => n.toFixed(2)).join(" | ")} |`,
    );
  }
  lines.push(
    "",
    `*service*: the contender's own processes (workerd for the Workers, the Node process for the baselines); *harness*: the benchmark's Node process, which also runs the local Neon WebSocket proxy the storefront's outbox writes go through, and the Upstash gateway; *kernel*: kernel threads (journal commits, writeback); *irq*: the kernel's interrupt and softirq time (loopback networking); *other*: everything else, i.e. short-lived Postgres backends and whatever else ran on the machine. A throughput run with *other* above ${o.disturbedCores} cores is repeated on a fresh SKU once the machine is quiet (up to ${o.repeats} times); † marks one still disturbed.`,
  );
  lines.push("");
  if (run.routes.length) {
    const store = run.levels.find((l) => l.contender === HOT_SKU);
    const ceiling = run.levels.find((l) => l.contender === CEILING && l.connections === store?.connections);
    lines.push(
      `Single routes of the same storefront Worker at ${run.routes[0]!.measure.connections} connections, ${o.routeSeconds} s each:`,
      "",
    );
    lines.push("| route | what it does | req/s | p50 ms | p99 ms | workerd cores |", "| --- | --- | ---: | ---: | ---: | ---: |");
    if (ceiling) {
      lines.push(
        `| fixed JSON Worker | the runtime alone | ${int(ceiling.throughput.requestsPerS)} | ${ceiling.throughput.latencyMs.p50} | ${ceiling.throughput.latencyMs.p99} | ${(ceiling.throughput.cpu[CEILING] ?? 0).toFixed(2)} |`,
      );
    }
    for (const r of run.routes) {
      lines.push(
        `| \`${r.route}\` | ${r.what} | ${int(r.measure.requestsPerS)} | ${r.measure.latencyMs.p50} | ${r.measure.latencyMs.p99} | ${(r.measure.cpu[r.contender] ?? 0).toFixed(2)} |`,
      );
    }
    if (store) {
      lines.push(
        `| \`POST /api/checkout\` | Worker + SKU object RPC, a hold written to SQLite (and the outbox) | ${int(store.throughput.requestsPerS)} | ${store.throughput.latencyMs.p50} | ${store.throughput.latencyMs.p99} | ${(store.throughput.cpu[HOT_SKU] ?? 0).toFixed(2)} |`,
      );
    }
    lines.push("");
  }

  if (run.profile) {
    const p = run.profile;
    lines.push(
      `CPU profile of the storefront's isolate (the Worker and its SKU objects share it) during ${o.profileSeconds} s of checkouts at ${p.connections} connections, on a separate instance with the V8 inspector attached (${int(p.checkoutsPerS)} checkouts/s under the profiler): busy ${int(p.busyMs)} of ${int(p.wallMs)} ms wall (${pct(p.busyMs / Math.max(1, p.wallMs))}); self time by original source (bundle source map):`,
      "",
      "| where | ms | share of busy |",
      "| --- | ---: | ---: |",
    );
    for (const entry of p.by.slice(0, 14)) lines.push(`| ${entry.where} | ${int(entry.ms)} | ${pct(entry.share)} |`);
    const rest = p.by.slice(14).reduce((sum, e) => sum + e.ms, 0);
    if (rest > 0) lines.push(`| everything else | ${int(rest)} | ${pct(rest / Math.max(1, p.busyMs))} |`);
    lines.push(
      "",
      "*(program)* is workerd's native work outside JavaScript (HTTP, RPC between the Worker and the object, SQLite, sockets); *(garbage collector)* is V8's.",
      "",
    );
  }

  lines.push("## Method", "");
  lines.push(
    "- **fixed JSON Worker**: the runtime's ceiling: a Worker answering every request with the same JSON body (the size of a checkout's answer), served exactly like the storefront.",
    "- **storefront**: the `wrangler deploy --dry-run` bundle with its bindings (KV, the SQLite-backed `SkuSale` object), orders to Postgres through the object's outbox (group commit), over the Neon driver and the local WebSocket proxy. The shopper API as shipped: session cookie, validation, per-shopper limit (1), tier pricing by sale rank, hold expiry.",
    "- **Node + Redis DECR + Postgres**: the seed's approach as a user would build it: one Node process (`node:http`, ioredis, pg with a pool of 20): `DECRBY stock:<sku>`, `INCRBY` back when it went below 0 (409 sold_out), else `INSERT` the order (and `INCRBY` back if that fails). A retried key finds its order through the table's unique (sku, shopper, key) and gives the unit back.",
    "- **Node + Postgres only**: the same service with one transaction per checkout: `UPDATE bench.stock SET units_left = units_left - 1 WHERE sku = $1 AND units_left >= 1`, then the `INSERT`.",
    "- The baselines check the same session cookie and Idempotency-Key but do less than the storefront: no per-shopper limit, no tiers, no hold expiry, no status history.",
    "- **Checks**: *oversold*: units above stock in Postgres or by the contender's own count, and (storefront) a sale rank past the stock; *lost*: units the contender counts as taken, or 201s the client saw, missing from Postgres; *duplicates*: orders sharing a shopper and Idempotency-Key, and (storefront) a sale rank in two orders. Units taken whose 201 never reached the client (requests in flight when wrk stopped) are counted, not lost.",
    "- wrk measures latency per completed request and does not correct for coordinated omission; wrk shares the 2 cores with the system under test, as do Postgres and Redis.",
    "",
  );
  return `${lines.join("\n")}\n`;
}

/** bench/results/chart.svg: checkouts/s and p99 against open connections, one line per contender. */
export async function renderChart(results: BenchResults): Promise<string> {
  const label = new Map(results.run.contenders.map((c) => [c.id, c.label]));
  const values = results.run.levels.map((l) => ({
    contender: label.get(l.contender) ?? l.contender,
    connections: l.connections,
    rate: l.contender === CEILING ? l.throughput.requestsPerS : l.throughput.acceptedPerS,
    p99: l.throughput.latencyMs.p99,
  }));
  const x = {
    field: "connections",
    type: "quantitative",
    title: "open connections",
    scale: { type: "log", base: 2 },
    axis: { values: results.run.options.levels },
  };
  const color = { field: "contender", type: "nominal", title: null, legend: { orient: "bottom", columns: 2, labelLimit: 0 } };
  const spec = {
    $schema: "https://vega.github.io/schema/vega-lite/v6.json",
    title: {
      text: "Hot-SKU checkout",
      subtitle: `${results.date.slice(0, 10)} · ${results.machine.cores} cores, ${results.machine.cpuModel}`,
    },
    data: { values },
    hconcat: [
      {
        width: 320,
        height: 240,
        title: "accepted checkouts/s (ceiling: requests/s)",
        mark: { type: "line", point: true },
        encoding: { x, y: { field: "rate", type: "quantitative", title: "per second" }, color },
      },
      {
        width: 320,
        height: 240,
        title: "p99 latency (target: < 100 ms at 256 connections)",
        layer: [
          {
            mark: { type: "line", point: true },
            encoding: { x, y: { field: "p99", type: "quantitative", title: "ms (log)", scale: { type: "log" } }, color },
          },
          { mark: { type: "rule", strokeDash: [4, 4], color: "gray" }, encoding: { y: { datum: 100 } } },
        ],
      },
    ],
    config: { font: "sans-serif" },
  } as unknown as vl.TopLevelSpec;
  const view = new vega.View(vega.parse(vl.compile(spec).spec), { renderer: "none" });
  return view.toSVG();
}

const int = (n: number) => Math.round(n).toLocaleString("en-US");
const pct = (n: number) => `${Math.round(n * 100)}%`;
