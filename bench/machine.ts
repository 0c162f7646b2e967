import { spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import os from "node:os";
import { fileURLToPath } from "node:url";
import { wrkVersion } from "./wrk.ts";

const ROOT = fileURLToPath(new URL("..", import.meta.url));

/** The machine and software a result came from, for the report. */
export interface MachineInfo {
  cores: number;
  memoryGiB: number;
  cpuModel: string;
  os: string;
  node: string;
  workerd: string;
  miniflare: string;
  wrk: string;
  /** Load average when the run started: other work on the machine skews every number. */
  loadAverage: number[];
  git: { commit: string; dirtyFiles: number };
}

export function machineInfo(): MachineInfo {
  const cpuinfo = safe(() => readFileSync("/proc/cpuinfo", "utf8"), "");
  const model = /^model name\s*:\s*(.+)$/m.exec(cpuinfo)?.[1]?.trim() ?? os.cpus()[0]?.model ?? "unknown";
  const git = (args: string[]) => spawnSync("git", args, { cwd: ROOT, encoding: "utf8" }).stdout?.trim() ?? "";
  return {
    cores: os.cpus().length,
    memoryGiB: Math.round((os.totalmem() / 2 ** 30) * 10) / 10,
    cpuModel: model,
    os: `${os.type()} ${os.release()} ${os.arch()}`,
    node: process.version,
    workerd: workerdVersion(),
    miniflare: packageVersion("miniflare"),
    wrk: safe(wrkVersion, "not installed"),
    loadAverage: os.loadavg().map((n) => Math.round(n * 100) / 100),
    git: {
      commit: git(["rev-parse", "--short", "HEAD"]) || "unknown",
      dirtyFiles: git(["status", "--porcelain"]).split("\n").filter(Boolean).length,
    },
  };
}

function workerdVersion(): string {
  const pkg = packageVersion("workerd");
  const binary = spawnSync(fileURLToPath(new URL("../node_modules/workerd/bin/workerd", import.meta.url)), ["--version"], {
    encoding: "utf8",
  });
  const build = binary.status === 0 ? binary.stdout.trim().replace(/^workerd\s+/, "") : "";
  return build ? `${pkg} (${build})` : pkg;
}

function packageVersion(name: string): string {
  return safe(
    () => (JSON.parse(readFileSync(`${ROOT}/node_modules/${name}/package.json`, "utf8")) as { version: string }).version,
    "unknown",
  );
}

function safe<T>(read: () => T, fallback: T): T {
  try {
    return read();
  } catch {
    return fallback;
  }
}
