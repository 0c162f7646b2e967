import { execFileSync } from "node:child_process";
import { readdirSync, readFileSync } from "node:fs";

/**
 * Where CPU went during one measured run, from /proc (Linux): each group's CPU time over
 * the run's wall time, in cores (1.0 = one core busy throughout). `irq` is the kernel's
 * interrupt and softirq time (loopback networking, mostly); `other` is whatever else the
 * machine spent besides the groups: short-lived processes (a Postgres backend that exits
 * before the run ends) and anything else running on the machine.
 */
export type CpuSplit = Record<string, number> & { machine: number; irq: number; other: number };

const TICKS_PER_S = (() => {
  try {
    return Number(execFileSync("getconf", ["CLK_TCK"], { encoding: "utf8" }).trim()) || 100;
  } catch {
    return 100;
  }
})();

function readStat(pid: number): { comm: string; ppid: number; ticks: number; reapedChildTicks: number } | null {
  try {
    const text = readFileSync(`/proc/${pid}/stat`, "utf8");
    // comm is in parentheses and may hold spaces; the fields after it are space-separated.
    const close = text.lastIndexOf(")");
    const comm = text.slice(text.indexOf("(") + 1, close);
    const fields = text.slice(close + 2).split(" ");
    // fields[0] is field 3 (state): ppid is field 4, utime 14, stime 15, cutime 16, cstime 17
    // (the last two: children that exited and were waited for).
    return {
      comm,
      ppid: Number(fields[1]),
      ticks: Number(fields[11]) + Number(fields[12]),
      reapedChildTicks: Number(fields[13]) + Number(fields[14]),
    };
  } catch {
    return null;
  }
}

function allPids(): number[] {
  try {
    return readdirSync("/proc")
      .filter((name) => /^\d+$/.test(name))
      .map(Number);
  } catch {
    return [];
  }
}

/** Every process below `root` (not `root` itself). */
export function descendants(root: number): number[] {
  const children = new Map<number, number[]>();
  for (const pid of allPids()) {
    const stat = readStat(pid);
    if (!stat) continue;
    children.set(stat.ppid, [...(children.get(stat.ppid) ?? []), pid]);
  }
  const found: number[] = [];
  const queue = [...(children.get(root) ?? [])];
  while (queue.length > 0) {
    const pid = queue.shift()!;
    found.push(pid);
    queue.push(...(children.get(pid) ?? []));
  }
  return found;
}

/** Processes of this name anywhere on the machine (e.g. every Postgres backend). */
export function processesNamed(name: string): number[] {
  return allPids().filter((pid) => readStat(pid)?.comm === name);
}

/** Kernel threads (children of kthreadd): journal commits, writeback, workqueues. */
export function kernelThreads(): number[] {
  return allPids().filter((pid) => pid === 2 || readStat(pid)?.ppid === 2);
}

/** The workerd processes this process started (Miniflare runs one per instance). */
export function workerdPids(): number[] {
  return descendants(process.pid).filter((pid) => readStat(pid)?.comm === "workerd");
}

function ticksOf(pids: Iterable<number>): Map<number, number> {
  const ticks = new Map<number, number>();
  for (const pid of pids) {
    const stat = readStat(pid);
    if (stat) ticks.set(pid, stat.ticks);
  }
  return ticks;
}

function machineTicks(): { busy: number; irq: number } {
  try {
    const [, ...values] = readFileSync("/proc/stat", "utf8").split("\n")[0]!.trim().split(/\s+/);
    const [user = 0, nice = 0, system = 0, , , irq = 0, softirq = 0, steal = 0] = values.map(Number);
    return { busy: user + nice + system + irq + softirq + steal, irq: irq + softirq };
  } catch {
    return { busy: 0, irq: 0 };
  }
}

/** Cores the whole machine keeps busy over `seconds` (before a run: what else is running). */
export async function machineLoad(seconds: number): Promise<number> {
  const before = machineTicks();
  const started = Date.now();
  await new Promise((resolve) => setTimeout(resolve, seconds * 1000));
  return round((machineTicks().busy - before.busy) / TICKS_PER_S / ((Date.now() - started) / 1000));
}

/**
 * Samples CPU time of named process groups across a run. Groups are re-listed at the end
 * too, so processes started during the run (new Postgres backends) are counted from 0.
 * `reaped` names the group for this process's children that exit during the run (wrk,
 * which is gone before the sample ends): their time is in our cutime/cstime once reaped.
 */
export function startCpuSample(groups: Record<string, () => number[]>, reaped?: string): () => CpuSplit {
  const started = Date.now();
  const before = new Map(Object.entries(groups).map(([name, list]) => [name, ticksOf(list())]));
  const reapedBefore = readStat(process.pid)?.reapedChildTicks ?? 0;
  const machineBefore = machineTicks();
  return () => {
    const seconds = (Date.now() - started) / 1000;
    const split: Record<string, number> = {};
    let known = 0;
    const seen = new Set<number>();
    for (const [name, list] of Object.entries(groups)) {
      const first = before.get(name)!;
      let ticks = 0;
      for (const [pid, now] of ticksOf(list())) {
        if (seen.has(pid)) continue;
        seen.add(pid);
        ticks += now - (first.get(pid) ?? 0);
      }
      known += ticks;
      split[name] = round(ticks / TICKS_PER_S / seconds);
    }
    if (reaped) {
      const ticks = (readStat(process.pid)?.reapedChildTicks ?? 0) - reapedBefore;
      known += ticks;
      split[reaped] = round(ticks / TICKS_PER_S / seconds);
    }
    const machineAfter = machineTicks();
    // /proc/stat's first line sums the ticks of every core.
    const machine = round((machineAfter.busy - machineBefore.busy) / TICKS_PER_S / seconds);
    const irq = round((machineAfter.irq - machineBefore.irq) / TICKS_PER_S / seconds);
    return { ...split, machine, irq, other: round(Math.max(0, machine - irq - known / TICKS_PER_S / seconds)) } as CpuSplit;
  };
}

const round = (value: number) => Math.round(value * 100) / 100;
