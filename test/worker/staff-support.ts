import { createExecutionContext, waitOnExecutionContext } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { expect } from "vitest";
import type { Role } from "../../src/staff/roles.ts";
import type { PresentedAccount, PresentedApiKey } from "../../src/staff/present.ts";
import worker from "../../workers/storefront/index.ts";
import { TEST_SECRETS } from "../support/test-secrets.ts";

/**
 * Staff identity in workerd (issue 11): requests answered by the Worker with local accounts
 * enabled (STAFF_SESSION_SECRET, which the shared test bindings leave unset so that admin
 * stays closed without ADMIN_TOKEN), every background task (`waitUntil`) awaited.
 */
export const STAFF_SECRET = "test-staff-session-secret-0123456789";
export const STAFF_ENV: Partial<Env> = { STAFF_SESSION_SECRET: STAFF_SECRET };
export const ORIGIN = "https://shop.test";

export interface Call {
  method?: string;
  body?: unknown;
  /** A bearer credential; `null` for none. Default: none. */
  bearer?: string | null;
  cookie?: string;
  headers?: Record<string, string>;
  env?: Partial<Env>;
}

/** One request to /admin/api, answered by the Worker with local accounts on (and `init.env` on top). */
export async function call(path: string, init: Call = {}): Promise<Response> {
  const headers = new Headers(init.headers);
  if (init.bearer) headers.set("Authorization", `Bearer ${init.bearer}`);
  if (init.cookie) headers.set("Cookie", init.cookie);
  if (init.body !== undefined && !headers.has("Content-Type")) headers.set("Content-Type", "application/json");
  const ctx = createExecutionContext();
  const response = await worker.fetch(
    new Request(`${ORIGIN}/admin/api${path}`, {
      method: init.method ?? (init.body === undefined ? "GET" : "POST"),
      headers,
      body: init.body === undefined ? undefined : typeof init.body === "string" ? init.body : JSON.stringify(init.body),
    }),
    { ...env, ...STAFF_ENV, ...init.env },
    ctx,
  );
  await waitOnExecutionContext(ctx);
  return response;
}

/** The same call as the break-glass owner (ADMIN_TOKEN). */
export function asOwner(path: string, init: Call = {}): Promise<Response> {
  return call(path, { bearer: TEST_SECRETS.ADMIN_TOKEN, ...init });
}

export async function errorOf(response: Response): Promise<{ code: string; message: string; [detail: string]: unknown }> {
  return (await response.json<{ error: { code: string; message: string } }>()).error;
}

/** A client address of its own, so one test's failed sign-ins never count against another's. */
export function freshAddress(): string {
  const [a, b, c] = crypto.getRandomValues(new Uint8Array(3));
  return `10.${a}.${b}.${c}`;
}

export function freshEmail(label = "staff"): string {
  return `${label}.${crypto.randomUUID().slice(0, 12)}@example.com`;
}

export const PASSWORD = "a long staff passphrase 2026";

/** Makes an account through the API as the break-glass owner; fails the test if refused. */
export async function makeAccount(
  role: Role,
  options: { stores?: string[]; password?: string | null; email?: string; name?: string } = {},
): Promise<PresentedAccount & { password: string }> {
  const password = options.password === undefined ? PASSWORD : options.password;
  const response = await asOwner("/staff", {
    body: {
      email: options.email ?? freshEmail(role),
      name: options.name ?? `Test ${role}`,
      role,
      stores: options.stores ?? (role === "store_staff" ? ["sh-01"] : []),
      ...(password === null ? {} : { password }),
    },
  });
  expect(response.status, await response.clone().text()).toBe(201);
  const { staff } = await response.json<{ staff: PresentedAccount }>();
  return { ...staff, password: password ?? "" };
}

/** Makes an API key through the API as the break-glass owner: the key and its record. */
export async function makeApiKey(
  role: Role,
  stores: string[] = role === "store_staff" ? ["sh-01"] : [],
): Promise<{ key: string; apiKey: PresentedApiKey }> {
  const response = await asOwner("/api-keys", { body: { name: `test ${role}`, role, stores } });
  expect(response.status, await response.clone().text()).toBe(201);
  return response.json<{ key: string; apiKey: PresentedApiKey }>();
}

/** Signs in with email and password from `address`; the response and the session cookie it set ("" when none). */
export async function signIn(
  email: string,
  password: string,
  address: string,
  headers: Record<string, string> = {},
): Promise<{ response: Response; cookie: string }> {
  const response = await call("/session", { body: { email, password }, headers: { "CF-Connecting-IP": address, ...headers } });
  return { response, cookie: sessionCookie(response) };
}

/** `fs_staff=…` from a response's Set-Cookie, "" when it sets none. */
export function sessionCookie(response: Response): string {
  const set = response.headers.get("Set-Cookie") ?? "";
  return /^fs_staff=[^;]+/.exec(set)?.[0] ?? "";
}
