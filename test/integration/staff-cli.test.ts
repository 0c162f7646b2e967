import { spawn } from "node:child_process";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { openDatabase } from "../../src/db/client.ts";
import { findAccountByEmail } from "../../src/staff/account-store.ts";
import { apiKeyMatches } from "../../src/staff/api-key.ts";
import { findApiKey } from "../../src/staff/api-key-store.ts";
import { verifyPassword } from "../../src/staff/password.ts";

const SCRIPT = fileURLToPath(new URL("../../scripts/staff.ts", import.meta.url));

// The test stack's Postgres (embedded, or DATABASE_URL), the one `npm run staff` writes to here;
// every test works on addresses of its own.
let database: ReturnType<typeof openDatabase>;
let stackEnv: Record<string, string>;
beforeAll(() => {
  const vars = inject("stackVars");
  stackEnv = { DATABASE_URL: vars.DATABASE_URL, NEON_WS_PROXY: vars.NEON_WS_PROXY };
  database = openDatabase({ url: vars.DATABASE_URL, localWsProxy: vars.NEON_WS_PROXY });
});
afterAll(async () => {
  await database?.close();
});

function run(args: string[], options: { stdin?: string; env?: Record<string, string> } = {}) {
  return new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) => {
    const child = spawn(process.execPath, [SCRIPT, ...args], {
      env: { PATH: process.env.PATH, USER: "ops", ...(options.env ?? stackEnv) },
    });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (chunk) => (stdout += chunk));
    child.stderr.on("data", (chunk) => (stderr += chunk));
    child.on("close", (code) => resolve({ code, stdout, stderr }));
    child.stdin.end(options.stdin ?? "");
  });
}

const email = (label: string) => `${label}.${crypto.randomUUID().slice(0, 8)}@example.com`;
const account = (address: string) => findAccountByEmail(database.db, address);

describe("npm run staff (scripts/staff.ts)", () => {
  it("adds an account with a password from stdin, never from the command line", async () => {
    const address = email("wang.fang");
    const result = await run(["add", "--email", address.toUpperCase(), "--name", "王芳", "--role", "marketer", "--password-stdin"], {
      stdin: "a long staff passphrase\n",
    });
    expect(result.stderr).toBe("");
    expect(result.code).toBe(0);
    expect(result.stdout).toContain(`added ${address} (marketer)`);
    expect(result.stdout).not.toContain("passphrase");
    const stored = (await account(address))!;
    expect(stored).toMatchObject({ email: address, name: "王芳", role: "marketer", stores: [], disabledAt: null });
    expect((await verifyPassword("a long staff passphrase", stored.passwordHash!)).ok).toBe(true);
  });

  it("makes up a strong password when none is given and prints it once", async () => {
    const address = email("till");
    const result = await run(["add", "--email", address, "--name", "Till", "--role", "store_staff", "--stores", "sh-02,sh-01"]);
    expect(result.code).toBe(0);
    const password = /password, shown only now: (\S+)/.exec(result.stdout)?.[1];
    expect(password).toMatch(/^[A-Za-z0-9_-]{20}$/);
    const stored = (await account(address))!;
    expect(stored.stores).toEqual(["sh-01", "sh-02"]);
    expect((await verifyPassword(password!, stored.passwordHash!)).ok).toBe(true);
  });

  it("refuses bad input with every problem and exit 1, a second account for an address too", async () => {
    const bad = await run(["add", "--email", "nope", "--role", "store_staff", "--password-stdin"], { stdin: "short" });
    expect(bad.code).toBe(1);
    for (const field of ["email", "name", "password", "stores"]) expect(bad.stderr).toContain(`  - ${field}: `);
    const address = email("twice");
    expect((await run(["add", "--email", address, "--name", "One", "--role", "analyst"])).code).toBe(0);
    const twice = await run(["add", "--email", address, "--name", "Two", "--role", "analyst"]);
    expect(twice.code).toBe(1);
    expect(twice.stderr).toContain("exists already");
  });

  it("lists, disables and enables; disabling ends sessions", async () => {
    const address = email("list");
    await run(["add", "--email", address, "--name", "Lister", "--role", "adviser"]);
    const before = (await account(address))!;
    const list = await run(["list"]);
    expect(list.code).toBe(0);
    expect(list.stdout).toContain(address);
    expect(list.stdout).not.toContain("pbkdf2");

    const disabled = await run(["disable", address]);
    expect(disabled.code).toBe(0);
    const after = (await account(address))!;
    expect(after.disabledAt).not.toBeNull();
    expect(after.sessionsValidAfter).toBeGreaterThanOrEqual(before.sessionsValidAfter);
    expect((await run(["enable", address])).code).toBe(0);
    expect((await account(address))!.disabledAt).toBeNull();
    const unknown = await run(["disable", email("nobody")]);
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toContain("no staff account");
  });

  it("sets a new password (from stdin or made up) and ends every session", async () => {
    const address = email("passwd");
    await run(["add", "--email", address, "--name", "P", "--role", "analyst"]);
    const before = (await account(address))!;
    const fromStdin = await run(["passwd", address, "--password-stdin"], { stdin: "another long passphrase" });
    expect(fromStdin.code).toBe(0);
    const after = (await account(address))!;
    expect((await verifyPassword("another long passphrase", after.passwordHash!)).ok).toBe(true);
    expect(after.sessionsValidAfter).toBeGreaterThan(before.sessionsValidAfter);
    const made = await run(["passwd", address]);
    const password = /password, shown only now: (\S+)/.exec(made.stdout)?.[1];
    expect((await verifyPassword(password!, (await account(address))!.passwordHash!)).ok).toBe(true);
    const weak = await run(["passwd", address, "--password-stdin"], { stdin: "aaaa" });
    expect(weak.code).toBe(1);
    expect(weak.stderr).toContain("password: at least 12 characters");
  });

  it("creates, lists and revokes API keys; the key is printed once and stored only as a hash", async () => {
    const created = await run(["key", "create", "--name", "crm", "--role", "integration"]);
    expect(created.code).toBe(0);
    const key = /^(fsk_[0-9a-z]{16}_[A-Za-z0-9_-]{43})$/m.exec(created.stdout)?.[1];
    expect(key).toBeDefined();
    const id = key!.slice(4, 20);
    const record = (await findApiKey(database.db, id))!;
    expect(record).toMatchObject({ name: "crm", role: "integration", createdBy: "cli (ops)", revokedAt: null });
    expect(await apiKeyMatches(key!, record)).toBe(true);
    expect(JSON.stringify(record)).not.toContain(key!.slice(21));

    const list = await run(["key", "list"]);
    expect(list.stdout).toContain(id);
    expect(list.stdout).not.toContain(key!);
    const revoked = await run(["key", "revoke", id]);
    expect(revoked.stdout).toContain(`revoked API key ${id}`);
    expect((await findApiKey(database.db, id))!.revokedAt).not.toBeNull();
    expect((await run(["key", "revoke", id])).stdout).toContain("was revoked already");
    expect((await run(["key", "revoke", "0000000000000000"])).code).toBe(1);
    const scoped = await run(["key", "create", "--name", "till sync", "--role", "marketer", "--stores", "sh-01"]);
    expect(scoped.code).toBe(1);
    expect(scoped.stderr).toContain("stores: only store staff");
  });

  it("says where it looked when Postgres cannot be reached (exit 2), and usage mistakes are 2", async () => {
    const [down, local] = await Promise.all([
      run(["list"], { env: { DATABASE_URL: "postgres://u:hunter2@127.0.0.1:1/db", NEON_WS_PROXY: "127.0.0.1:1" } }),
      run(["list"], { env: { LOCAL_PG_PORT: "1", LOCAL_PG_PROXY_PORT: "1" } }),
    ]);
    expect(down.code).toBe(2);
    expect(down.stderr).toContain("could not reach DATABASE_URL");
    expect(down.stderr).not.toContain("hunter2");
    expect(local.code).toBe(2);
    expect(local.stderr).toContain("is `npm start` running?");
    const [unknownCommand, missingEmail, unknownFlag, help] = await Promise.all([
      run(["frobnicate"]),
      run(["disable"]),
      run(["add", "--bogus"]),
      run([]),
    ]);
    expect([unknownCommand.code, missingEmail.code, unknownFlag.code]).toEqual([2, 2, 2]);
    expect(help.stdout).toContain("usage: npm run staff");
  });
});
