import { existsSync, readFileSync } from "node:fs";
import WebSocket from "ws";

/**
 * A V8 CPU profile of a Worker on workerd, taken through its inspector, and summed by the
 * original source file of each sampled function (through the bundle's source map): which
 * parts of the storefront (our code, hono, zod, drizzle, the Neon driver...) the isolate's
 * time goes to. The Worker and its Durable Objects share the isolate, so this is all of it.
 */
export interface ProfileSummary {
  /** Wall time profiled, ms. */
  wallMs: number;
  /** Time the isolate was busy (not idle), ms. */
  busyMs: number;
  /** Busy time by where it was spent, largest first. */
  by: Array<{ where: string; ms: number; share: number }>;
}

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number; columnNumber: number };
  children?: number[];
}
interface Profile {
  nodes: ProfileNode[];
  startTime: number;
  endTime: number;
  samples: number[];
  timeDeltas: number[];
}

/** Starts profiling the inspector target `workerName`; the returned function stops and returns the profile. */
export async function startProfile(inspectorBase: URL, workerName: string): Promise<() => Promise<Profile>> {
  const listing = (await (await fetch(`http://${inspectorBase.host}/json`)).json()) as Array<{ id: string; webSocketDebuggerUrl: string }>;
  const target = listing.find((t) => t.id === `core:user:${workerName}`) ?? listing.find((t) => t.id.endsWith(workerName));
  if (!target) throw new Error(`no inspector target for ${workerName}: ${listing.map((t) => t.id).join(", ")}`);
  const socket = new WebSocket(target.webSocketDebuggerUrl);
  await new Promise((resolve, reject) => {
    socket.once("open", resolve);
    socket.once("error", reject);
  });
  let nextId = 1;
  const pending = new Map<number, (result: unknown) => void>();
  socket.on("message", (data: WebSocket.RawData) => {
    const message = JSON.parse(data.toString()) as { id?: number; result?: unknown; error?: { message: string } };
    if (message.id !== undefined)
      pending.get(message.id)?.(message.error ? Promise.reject(new Error(message.error.message)) : message.result);
  });
  const send = <T>(method: string, params: Record<string, unknown> = {}) =>
    new Promise<T>((resolve) => {
      const id = nextId++;
      pending.set(id, resolve as (result: unknown) => void);
      socket.send(JSON.stringify({ id, method, params }));
    });
  await send("Profiler.enable");
  await send("Profiler.setSamplingInterval", { interval: 250 });
  await send("Profiler.start");
  return async () => {
    const { profile } = await send<{ profile: Profile }>("Profiler.stop");
    socket.close();
    return profile;
  };
}

/** Sums a profile's self time by original source (package, or project file), via the bundle's source map. */
export function summarizeProfile(profile: Profile, bundlePath: string): ProfileSummary {
  const mapPath = `${bundlePath}.map`;
  const lookup = existsSync(mapPath) ? sourceLookup(JSON.parse(readFileSync(mapPath, "utf8")) as SourceMap) : () => null;
  const byNode = new Map(profile.nodes.map((node) => [node.id, node]));
  const selfUs = new Map<number, number>();
  for (const [i, id] of profile.samples.entries()) selfUs.set(id, (selfUs.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0));
  const totals = new Map<string, number>();
  let idle = 0;
  for (const [id, us] of selfUs) {
    const frame = byNode.get(id)!.callFrame;
    let where: string;
    if (frame.functionName === "(idle)") {
      idle += us;
      continue;
    } else if (frame.functionName.startsWith("(")) {
      where = frame.functionName; // (garbage collector), (program): the runtime's own work
    } else if (!frame.url) {
      where = `runtime built-in: ${frame.functionName || "(anonymous)"}`;
    } else {
      where = lookup(frame.lineNumber, frame.columnNumber) ?? `${frame.url.split("/").at(-1)} (unmapped)`;
    }
    totals.set(where, (totals.get(where) ?? 0) + us);
  }
  const wallMs = (profile.endTime - profile.startTime) / 1000;
  const busyMs = Math.max(0, wallMs - idle / 1000);
  const by = [...totals.entries()]
    .map(([where, us]) => ({
      where,
      ms: Math.round(us / 100) / 10,
      share: busyMs > 0 ? Math.round((us / 1000 / busyMs) * 1000) / 1000 : 0,
    }))
    .sort((a, b) => b.ms - a.ms);
  return { wallMs: Math.round(wallMs), busyMs: Math.round(busyMs), by };
}

interface SourceMap {
  sources: string[];
  mappings: string;
}

/** (generated line, column) → a readable source name, from a v3 source map. */
function sourceLookup(map: SourceMap): (line: number, column: number) => string | null {
  const names = map.sources.map(readableSource);
  // Per generated line: ascending [column, source index] segments.
  const lines: Array<Array<[number, number]>> = [];
  let source = 0;
  for (const lineText of map.mappings.split(";")) {
    const segments: Array<[number, number]> = [];
    let column = 0;
    for (const segment of lineText.split(",")) {
      if (!segment) continue;
      const fields = decodeVlq(segment);
      column += fields[0] ?? 0;
      if (fields.length >= 4) {
        source += fields[1]!;
        segments.push([column, source]);
      }
    }
    lines.push(segments);
  }
  return (line, column) => {
    const segments = lines[line];
    if (!segments?.length) return null;
    let lo = 0;
    let hi = segments.length - 1;
    let found = -1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      if (segments[mid]![0] <= column) {
        found = mid;
        lo = mid + 1;
      } else hi = mid - 1;
    }
    return found < 0 ? null : (names[segments[found]![1]] ?? null);
  };
}

/** node_modules/<package>/... → the package; our own files → their path in the project. */
function readableSource(path: string): string {
  const modules = path.lastIndexOf("node_modules/");
  if (modules >= 0) {
    const rest = path.slice(modules + "node_modules/".length).split("/");
    // drizzle-orm's own source maps point at ../src/…, which lands as node_modules/src/….
    if (rest[0] === "src") return "drizzle-orm";
    return rest[0]!.startsWith("@") ? `${rest[0]}/${rest[1]}` : rest[0]!;
  }
  const own = /(?:^|\/)((?:src|workers|durable-objects)\/.*)$/.exec(path);
  return own ? own[1]! : path.replace(/^(\.\.\/)+/, "");
}

const VLQ = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

function decodeVlq(segment: string): number[] {
  const values: number[] = [];
  let value = 0;
  let shift = 0;
  for (const char of segment) {
    const digit = VLQ.indexOf(char);
    value += (digit & 31) << shift;
    if (digit & 32) {
      shift += 5;
    } else {
      values.push(value & 1 ? -(value >>> 1) : value >>> 1);
      value = 0;
      shift = 0;
    }
  }
  return values;
}
