import { spawn } from "node:child_process";
import { createServer, type IncomingHttpHeaders, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { fileURLToPath } from "node:url";
import { afterEach, describe, expect, it } from "vitest";

const SCRIPT = fileURLToPath(new URL("../../scripts/sale.ts", import.meta.url));

interface Seen {
  method: string;
  url: string;
  headers: IncomingHttpHeaders;
  // biome-ignore lint/suspicious/noExplicitAny: the recorded JSON body, read field by field as each test expects it
  body: any;
}
type Reply = { status: number; body: unknown };

let server: Server | undefined;
afterEach(() => new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve())));

/** A stand-in for the admin API that records what the script sends (the real API is tested in workerd). */
async function fakeAdmin(reply: (request: Seen) => Reply): Promise<{ url: string; seen: Seen[] }> {
  const seen: Seen[] = [];
  server = createServer((req, res) => {
    let text = "";
    req.on("data", (chunk) => (text += chunk));
    req.on("end", () => {
      const request = { method: req.method!, url: req.url!, headers: req.headers, body: text ? JSON.parse(text) : undefined };
      seen.push(request);
      const { status, body } = reply(request);
      res.writeHead(status, { "Content-Type": "application/json" }).end(JSON.stringify(body));
    });
  });
  await new Promise<void>((resolve) => server!.listen(0, "127.0.0.1", resolve));
  return { url: `http://127.0.0.1:${(server!.address() as AddressInfo).port}`, seen };
}

function run(args: string[], env: Record<string, string | undefined> = { ADMIN_TOKEN: "cli-token" }) {
  return new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) => {
    const child = spawn(process.execPath, [SCRIPT, ...args], { env: { PATH: process.env.PATH, TZ: "Asia/Shanghai", ...env } });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (chunk) => (stdout += chunk));
    child.stderr.on("data", (chunk) => (stderr += chunk));
    child.on("close", (code) => resolve({ code, stdout, stderr }));
  });
}

const NOW = Date.now();
const current = {
  sku: "cli-sale",
  title: "CLI sale",
  description: "",
  images: [],
  currency: "CNY",
  listPrice: 59_900,
  stock: 100,
  startsAt: NOW - 60_000,
  endsAt: NOW + 3_600_000,
  tiers: [],
  perShopperLimit: 1,
  holdSeconds: 600,
  paused: false,
  gifts: [],
  waitingRoom: null,
  shards: 1,
  version: 3,
  updatedAt: NOW,
  updatedBy: "someone",
};
const saved = (body: Record<string, unknown>, version: number) => ({ sale: { ...current, ...body, version }, snapshot: {}, changed: true });

describe("npm run sale (scripts/sale.ts)", () => {
  it("creates a sale from flags: yuan to fen, relative times, tiers, gifts, token and actor", async () => {
    const api = await fakeAdmin(({ body }) => ({ status: 201, body: saved(body, 1) }));
    const result = await run([
      "create",
      "--url",
      api.url,
      "--actor",
      "王芳",
      "--sku",
      "cli-sale",
      "--title",
      "CLI sale",
      "--list-price",
      "599.50",
      "--stock",
      "100",
      "--starts-at",
      "now",
      "--ends-at",
      "+2h",
      "--tier",
      "1-10:299:First ten",
      "--gift",
      "tote,Tote bag,now,+1h,5",
      "--limit",
      "2",
      "--waiting-room",
      "500,600",
      "--member-prices",
    ]);
    expect(result.stderr).toBe("");
    expect(result.code).toBe(0);
    expect(result.stdout).toContain("created, in effect now");
    const [request] = api.seen;
    expect(request).toMatchObject({ method: "POST", url: "/admin/api/sales" });
    expect(request!.headers.authorization).toBe("Bearer cli-token");
    expect(decodeURIComponent(String(request!.headers["x-admin-actor"]))).toBe("王芳");
    expect(request!.body).toMatchObject({
      sku: "cli-sale",
      listPrice: 59_950,
      stock: 100,
      perShopperLimit: 2,
      tiers: [{ fromRank: 1, toRank: 10, unitPrice: 29_900, label: "First ten" }],
      gifts: [{ id: "tote", title: "Tote bag", stock: 5 }],
      waitingRoom: { admitPerSecond: 500, ticketTtlSeconds: 600 },
      memberPrices: true,
    });
    expect(request!.body.endsAt - request!.body.startsAt).toBe(2 * 3_600_000);
  });

  it("updates from the current version: --top-up and --extend, with expectedVersion, and prints what changed", async () => {
    const api = await fakeAdmin(({ method, body }) =>
      method === "GET" ? { status: 200, body: { phase: "live", sale: current } } : { status: 200, body: saved(body, 4) },
    );
    const result = await run([
      "update",
      "cli-sale",
      "--url",
      api.url,
      "--top-up",
      "20",
      "--extend",
      "1h",
      "--waiting-room",
      "200",
      "--shards",
      "4",
      "--no-member-prices",
    ]);
    expect(result.code).toBe(0);
    const put = api.seen[1]!;
    expect(put).toMatchObject({ method: "PUT", url: "/admin/api/sales/cli-sale" });
    expect(put.body).toMatchObject({ stock: 120, endsAt: current.endsAt + 3_600_000, shards: 4, expectedVersion: 3, memberPrices: false });
    expect(put.body).not.toHaveProperty("version");
    expect(put.body).not.toHaveProperty("updatedAt");
    expect(result.stdout).toContain("saved cli-sale version 4");
    expect(result.stdout).toContain("stock: 100 -> 120");
    expect(put.body.waitingRoom).toEqual({ admitPerSecond: 200 });
    expect(result.stdout).toContain("waitingRoom: off -> ");
  });

  it("prints every problem the API lists and exits 1", async () => {
    const problems = ["stock: must be a whole number", "endsAt: must be after startsAt"];
    const api = await fakeAdmin(() => ({ status: 400, body: { error: { code: "invalid_request", message: "invalid sale", problems } } }));
    const result = await run(["create", "--url", api.url, "--sku", "x1", "--stock", "2.5"]);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain("refused (400 invalid_request), 2 problems:");
    for (const problem of problems) expect(result.stderr).toContain(`  - ${problem}`);
  });

  it("pauses and resumes through the API", async () => {
    const api = await fakeAdmin(({ url }) => ({
      status: 200,
      body: { ...saved({ paused: url.endsWith("/pause") }, 4), changed: url.endsWith("/pause") },
    }));
    expect((await run(["pause", "cli-sale", "--url", api.url])).stdout).toContain("paused cli-sale (version 4)");
    expect((await run(["resume", "cli-sale", "--url", api.url])).stdout).toContain("already running");
    expect(api.seen.map((r) => `${r.method} ${r.url}`)).toEqual([
      "POST /admin/api/sales/cli-sale/pause",
      "POST /admin/api/sales/cli-sale/resume",
    ]);
  });

  it("exits 2 without a token, on a bad flag or command, and when nothing answers", async () => {
    expect((await run(["list"], {})).code).toBe(2);
    expect((await run(["launch"])).code).toBe(2);
    expect((await run(["create", "--list-price", "abc"])).stderr).toContain("not an amount in yuan");
    expect((await run(["list", "--colour", "red"])).code).toBe(2);
    const unreachable = await run(["list", "--url", "http://127.0.0.1:1"]);
    expect(unreachable.code).toBe(2);
    expect(unreachable.stderr).toContain("could not reach");
  });
});
