import { z } from "@hono/zod-openapi";
import type { Context } from "hono";
import { clientAddressKey } from "../../../src/client-address.ts";
import { redisSettings } from "../../../src/config.ts";
import { AppError } from "../../../src/errors.ts";
import { openRedis } from "../../../src/redis/client.ts";
import { describeIssues, type Validated } from "../../../src/sales/sale-config.ts";
import { accountIdentity, isActive, normalizeEmail, roleSchema, STAFF_ACCOUNT_ID, type StaffAccount } from "../../../src/staff/account.ts";
import { findAccountByEmail, listAccounts, updateAccount } from "../../../src/staff/account-store.ts";
import { API_KEY_ID } from "../../../src/staff/api-key.ts";
import { listApiKeys, revokeApiKey } from "../../../src/staff/api-key-store.ts";
import { staffAuthConfig } from "../../../src/staff/auth-config.ts";
import type { SignInMethod, StaffIdentity } from "../../../src/staff/identity.ts";
import {
  accountPatchSchema,
  apiKeyNameSchema,
  newAccountSchema,
  newApiKeySchema,
  newPasswordSchema,
  validateAccountPatch,
  validateStaffInput,
} from "../../../src/staff/inputs.ts";
import { changeAccount, createAccount, createApiKey } from "../../../src/staff/manage.ts";
import {
  DUMMY_PASSWORD_HASH,
  hashPassword,
  PASSWORD_MAX_LENGTH,
  PASSWORD_MIN_LENGTH,
  verifyPassword,
} from "../../../src/staff/password.ts";
import { presentAccount, presentApiKey, type PresentedAccount, type PresentedApiKey } from "../../../src/staff/present.ts";
import { ROLE_MEANINGS, ROLES } from "../../../src/staff/roles.ts";
import { issueStaffSession, STAFF_SESSION_TTL_MS } from "../../../src/staff/session-token.ts";
import { SIGN_IN_LIMITS } from "../../../src/staff/sign-in-limit.ts";
import { SignInLimiter } from "../../../src/staff/sign-in-limiter.ts";
import { readJson, SHOPPER_BODY_LIMIT } from "../api/request-body.ts";
import { requireJsonContentType, requireSameOrigin } from "../api/validation.ts";
import type { AppEnv } from "../app-env.ts";
import { adminRoute } from "../contract/admin-route.ts";
import { component } from "../contract/component.ts";
import type { Describes, Holds } from "../contract/describes.ts";
import { handlerValidatedBody } from "../contract/handler-validated-body.ts";
import { noStore } from "../contract/no-store.ts";
import { contractApp } from "../contract/route.ts";
import { epochMs } from "../contract/units.ts";
import { auditActor, clearStaffSessionCookie, setStaffSessionCookie, STAFF_SESSION_COOKIE, staffDatabase } from "./auth.ts";
import { adminActorHeader, JSON_INPUT_ERRORS, jsonInput } from "./request.ts";

/** `POST /session`: deliberately loose (any string): an address that is no account gets the same answer as a wrong password. */
const signInBody = z.object({ email: z.string().min(1).max(254), password: z.string().min(1).max(1024) }).strict();

/**
 * Two fields of the bodies below as the document says them; the handlers validate with the
 * schemas of src/staff/inputs.ts, which these differ from in metadata alone: the password
 * policy is a refinement the generator cannot see, and it writes a pattern with the `u` flag
 * as `…$/u`, which would match nothing.
 */
const documentedPassword = newPasswordSchema
  .describe(`at least ${PASSWORD_MIN_LENGTH} and at most ${PASSWORD_MAX_LENGTH} characters, not one or two characters repeated`)
  .optional();
const documentedKeyName = apiKeyNameSchema
  .describe("1-64 letters, digits, spaces or `. _ -`, starting with a letter or digit")
  .openapi({ pattern: z.toJSONSchema(apiKeyNameSchema).pattern });

/**
 * The bodies, by component name: validated by the handlers (the schemas of src/staff/inputs.ts,
 * shared with `npm run staff`, list role-and-stores problems on the raw input too), documented
 * by reference (handlerValidatedBody) to these, registered with the app below. Described
 * copies: registering names the schema it is given (contract/component.ts).
 */
const STAFF_BODIES = {
  StaffSignIn: signInBody.describe(
    "An email and password of a local staff account; any strings: an address that is no account is answered like a wrong password",
  ),
  NewStaffAccount: newAccountSchema
    .extend({ password: documentedPassword })
    .describe(
      "A new staff account. Store staff need at least one store, no other role has any. Without `password` the account signs in through Cloudflare Access only, until one is set (`npm run staff`)",
    ),
  StaffAccountPatch: accountPatchSchema.describe(
    "A change to an account, every field optional. A role other than store staff drops the stores; `disabled: true` ends every session at once, `false` enables the account again (old sessions stay ended)",
  ),
  NewApiKey: newApiKeySchema
    .extend({ name: documentedKeyName })
    .describe("A new API key: its name, and the role it acts as (store staff: and its stores)"),
};

// ---- The contracts' schemas ----------------------------------------------------------------

const role = component("StaffRole", roleSchema, `A staff role: ${ROLES.map((r) => `\`${r}\` ${ROLE_MEANINGS[r]}`).join("; ")}`);
const stores = z.array(z.string()).describe("store staff: the stores they work in, sorted; empty for every other role");

/** How a staff member proved who they are: every SignInMethod (checked below). */
const SIGN_IN_METHODS = ["token", "session", "access", "api_key"] as const satisfies readonly SignInMethod[];

const staffIdentitySchema = z
  .object({
    id: z.string().describe("the account's or API key's id; `break-glass` for ADMIN_TOKEN"),
    name: z.string().describe("the name to show and to record"),
    email: z.string().nullable().describe("null for an API key and for ADMIN_TOKEN"),
    role,
    stores,
    via: z
      .enum(SIGN_IN_METHODS)
      .describe("`token` ADMIN_TOKEN (break-glass), `session` a staff session cookie, `access` Cloudflare Access, `api_key` an API key"),
  })
  .openapi("StaffIdentity", { description: "Who is calling the admin API: what the audit log records and the console shows" });

const staffAccountSchema = z
  .object({
    id: z.string().openapi({ pattern: STAFF_ACCOUNT_ID.source }),
    email: z.string().describe("lowercase: one account per address"),
    name: z.string(),
    role,
    stores,
    hasPassword: z.boolean().describe("false: signs in through Cloudflare Access only"),
    disabledAt: epochMs.nullable().describe("when the account was disabled; null while it may sign in"),
    createdAt: epochMs,
  })
  .openapi("StaffAccount", { description: "A staff account, never its password hash" });

const apiKeySchema = z
  .object({
    id: z.string().openapi({ pattern: API_KEY_ID.source }).describe("the key's id, the 16 characters after `fsk_`"),
    name: z.string(),
    role,
    stores,
    createdBy: z
      .string()
      .describe("who made it: the creator's email, an API key, the X-Admin-Actor of a break-glass call, or `cli (<user>)`"),
    createdAt: epochMs,
    lastUsedAt: epochMs.nullable().describe("to the minute; null until first used"),
    revokedAt: epochMs.nullable().describe("null while the key works"),
  })
  .openapi("ApiKey", { description: "An API key's record, never the key nor its hash" });

export type StaffSchemasMatchCode = [
  Holds<Describes<z.output<typeof staffIdentitySchema>, StaffIdentity>>,
  Holds<[SignInMethod] extends [(typeof SIGN_IN_METHODS)[number]] ? true : false>,
  Holds<Describes<z.output<typeof staffAccountSchema>, PresentedAccount>>,
  Holds<Describes<z.output<typeof apiKeySchema>, PresentedApiKey>>,
];

const json = <T extends z.ZodType>(schema: T) => ({ "application/json": { schema } });
const NO_STORE = noStore("who is signed in, accounts and keys are never cached");
const SESSION_COOKIE_HEADER = {
  "Set-Cookie": {
    description: `\`${STAFF_SESSION_COOKIE}\`: the staff session, HttpOnly, SameSite=Strict, Secure over HTTPS, Path=/admin, Max-Age ${STAFF_SESSION_TTL_MS / 1000} s`,
    schema: { type: "string" as const },
  },
};
const BODY_NOTE =
  "The body must be sent as `Content-Type: application/json` (else 415) and be at most 256 KiB (else 413, before it is read in full).";

const staffIdParams = z.object({
  id: z
    .string()
    .openapi({ pattern: STAFF_ACCOUNT_ID.source, param: { description: "a staff account's id; an id that cannot be one answers 404" } }),
});
const apiKeyIdParams = z.object({
  id: z.string().openapi({
    pattern: API_KEY_ID.source,
    param: { description: "an API key's id (`fsk_<id>_…`); an id that cannot be one answers 404" },
  }),
});

// ---- Routes ---------------------------------------------------------------------------------

const signIn = adminRoute({
  method: "post",
  path: "/session",
  admits: "public",
  summary: "Sign in with a staff account's email and password: a staff session cookie for 12 hours",
  description:
    "Needs local accounts enabled (STAFF_SESSION_SECRET, else 503 `admin_closed`). A browser's `Origin` must be this server's own (else 403); " +
    "the body must be sent as `Content-Type: application/json` (else 415) and be at most 16 KiB (else 413). " +
    "A wrong password, an unknown email, a disabled account and one without a password are all the same 401. " +
    `Failed sign-ins are counted per email (${SIGN_IN_LIMITS.perEmail}) and per client address (${SIGN_IN_LIMITS.perAddress}) over ${SIGN_IN_LIMITS.windowMs / 60_000} minutes: ` +
    "beyond either, 429 `rate_limited` with `Retry-After` (and `retryAfter` in the error), even for the right password. " +
    "Without the rate limiter (Redis) or the accounts (Postgres), 503 `dependency_unavailable`.",
  request: { body: handlerValidatedBody("StaffSignIn", "the account's email and password") },
  responses: {
    200: {
      description: "signed in: the session cookie is set",
      headers: { ...NO_STORE, ...SESSION_COOKIE_HEADER },
      content: json(z.object({ staff: staffIdentitySchema }).openapi("StaffSignedIn")),
    },
  },
  errors: [...JSON_INPUT_ERRORS, "forbidden_origin", "unauthorized", "rate_limited", "admin_closed", "dependency_unavailable"],
});

const signOut = adminRoute({
  method: "delete",
  path: "/session",
  admits: "public",
  summary: "Sign out: clear the staff session cookie",
  description: "Needs no credential; a browser's `Origin` must be this server's own (else 403).",
  responses: {
    204: {
      description: "the cookie is cleared",
      headers: { "Set-Cookie": { description: `\`${STAFF_SESSION_COOKIE}\` emptied, Max-Age=0`, schema: { type: "string" } } },
    },
  },
  errors: ["forbidden_origin"],
});

const whoAmI = adminRoute({
  method: "get",
  path: "/me",
  admits: "self",
  summary: "Who is signed in, and how",
  responses: {
    200: { description: "the caller", headers: NO_STORE, content: json(z.object({ staff: staffIdentitySchema }).openapi("StaffMe")) },
  },
});

const listStaff = adminRoute({
  method: "get",
  path: "/staff",
  admits: "manageStaff",
  summary: "Every staff account, disabled ones too",
  responses: {
    200: {
      description: "the accounts",
      headers: NO_STORE,
      content: json(z.object({ staff: z.array(staffAccountSchema) }).openapi("StaffAccountList")),
    },
  },
  errors: ["dependency_unavailable"],
});

const staffAccountAnswer = z.object({ staff: staffAccountSchema }).openapi("StaffAccountAnswer");

const createStaff = adminRoute({
  method: "post",
  path: "/staff",
  admits: "manageStaff",
  summary: "Create a staff account",
  description: `Every validation problem is listed in \`problems\` (\`path: message\`). An email that has an account already, however it is typed, is 409 \`conflict\`. ${BODY_NOTE}`,
  request: { body: handlerValidatedBody("NewStaffAccount", "the account") },
  responses: { 201: { description: "created", content: json(staffAccountAnswer) } },
  errors: [...JSON_INPUT_ERRORS, "conflict", "dependency_unavailable"],
});

const changeStaff = adminRoute({
  method: "patch",
  path: "/staff/{id}",
  admits: "manageStaff",
  summary: "Change an account's name, role or stores, or disable or enable it",
  description: `Every validation problem is listed in \`problems\`; stores that do not go with the role are 400. Disabling ends the account's sessions at once. ${BODY_NOTE}`,
  request: { params: staffIdParams, body: handlerValidatedBody("StaffAccountPatch", "what to change") },
  responses: { 200: { description: "the account as changed", content: json(staffAccountAnswer) } },
  errors: [...JSON_INPUT_ERRORS, "not_found", "dependency_unavailable"],
});

const listKeys = adminRoute({
  method: "get",
  path: "/api-keys",
  admits: "manageStaff",
  summary: "Every API key, revoked ones too, oldest first; never a key itself",
  responses: {
    200: { description: "the keys", headers: NO_STORE, content: json(z.object({ apiKeys: z.array(apiKeySchema) }).openapi("ApiKeyList")) },
  },
  errors: ["dependency_unavailable"],
});

const createKey = adminRoute({
  method: "post",
  path: "/api-keys",
  admits: "manageStaff",
  summary: "Create an API key: the key is answered this once, and stored nowhere",
  description: `Every validation problem is listed in \`problems\`. The key is a bearer credential acting as its role (\`Authorization: Bearer fsk_…\`). ${BODY_NOTE}`,
  request: { headers: adminActorHeader, body: handlerValidatedBody("NewApiKey", "the key's name and role") },
  responses: {
    201: {
      description: "created",
      headers: noStore("the key is shown once"),
      content: json(
        z
          .object({ apiKey: apiKeySchema, key: z.string().describe("`fsk_<id>_<secret>`: keep it now, it cannot be shown again") })
          .openapi("ApiKeyCreated"),
      ),
    },
  },
  errors: [...JSON_INPUT_ERRORS, "dependency_unavailable"],
});

const revokeKey = adminRoute({
  method: "delete",
  path: "/api-keys/{id}",
  admits: "manageStaff",
  summary: "Revoke an API key: it is refused (401) from now on",
  description: "Revoking a revoked key changes nothing (`changed: false`) and keeps its first revocation time.",
  request: { params: apiKeyIdParams },
  responses: {
    200: {
      description: "revoked",
      content: json(
        z
          .object({ apiKey: apiKeySchema, changed: z.boolean().describe("false when the key was revoked already") })
          .openapi("ApiKeyRevoked"),
      ),
    },
  },
  errors: ["not_found", "dependency_unavailable"],
});

/**
 * Staff identity under /admin/api (issue 11): signing in and out with a local account, who
 * am I, and for owners the accounts and API keys. Sign-in and sign-out need no credential;
 * every other route is an admin contract (contract/admin-route.ts), which authenticates it
 * and admits the roles of its capability.
 */
export const adminStaff = contractApp()
  .openapi(signIn, async (c) => {
    requireSameOrigin(c);
    const secret = staffAuthConfig(c.env).sessionSecret;
    if (secret === null)
      throw new AppError("admin_closed", "signing in with a staff account is not enabled: no STAFF_SESSION_SECRET is configured");
    // Anyone may call this: its body is held to the shopper limit (16 KiB), not admin's 256 KiB.
    requireJsonContentType(c);
    const account = await passwordSignIn(c, parsed(signInBody, await readJson(c, SHOPPER_BODY_LIMIT)));
    const { token } = await issueStaffSession(account.id, secret, Date.now());
    setStaffSessionCookie(c, token);
    c.header("Cache-Control", "no-store");
    return c.json({ staff: accountIdentity(account, "session") }, 200);
  })
  .openapi(signOut, (c) => {
    requireSameOrigin(c);
    clearStaffSessionCookie(c);
    return c.body(null, 204);
  })
  .openapi(whoAmI, (c) => {
    c.header("Cache-Control", "no-store");
    return c.json({ staff: c.get("staff") }, 200);
  })
  .openapi(listStaff, async (c) => {
    const accounts = await staffDatabase(c, listAccounts);
    c.header("Cache-Control", "no-store");
    return c.json({ staff: accounts.map(presentAccount) }, 200);
  })
  .openapi(createStaff, async (c) => {
    const input = checked(validateStaffInput(newAccountSchema, await jsonInput(c)));
    const account = await staffDatabase(c, (db) => createAccount(db, input, Date.now()));
    return c.json({ staff: presentAccount(account) }, 201);
  })
  .openapi(changeStaff, async (c) => {
    const id = recordId(c.req.valid("param").id, STAFF_ACCOUNT_ID);
    const patch = checked(validateAccountPatch(await jsonInput(c)));
    const account = await staffDatabase(c, (db) => changeAccount(db, id, patch, Date.now()));
    if (!account) throw new AppError("not_found", `no staff account ${id}`);
    return c.json({ staff: presentAccount(account) }, 200);
  })
  .openapi(listKeys, async (c) => {
    const keys = await staffDatabase(c, listApiKeys);
    c.header("Cache-Control", "no-store");
    return c.json({ apiKeys: keys.map(presentApiKey) }, 200);
  })
  .openapi(createKey, async (c) => {
    const input = checked(validateStaffInput(newApiKeySchema, await jsonInput(c)));
    const { record, key } = await staffDatabase(c, (db) => createApiKey(db, input, auditActor(c), Date.now()));
    c.header("Cache-Control", "no-store");
    return c.json({ apiKey: presentApiKey(record), key }, 201);
  })
  .openapi(revokeKey, async (c) => {
    const id = recordId(c.req.valid("param").id, API_KEY_ID);
    const revoked = await staffDatabase(c, (db) => revokeApiKey(db, id, Date.now()));
    if (!revoked) throw new AppError("not_found", `no API key ${id}`);
    return c.json({ apiKey: presentApiKey(revoked.record), changed: revoked.changed }, 200);
  });

// A body given by reference is in the document only if its component is registered.
for (const [name, schema] of Object.entries(STAFF_BODIES)) adminStaff.openAPIRegistry.register(name, schema);

/**
 * The account an email and password sign in, after the attempt is counted against the
 * limits (429 over them, with Retry-After). Every way of being wrong is the same 401, and an
 * unknown email is checked against a dummy hash so it takes as long as a wrong password.
 * A success gives its count back; a hash with weaker parameters than today's is replaced
 * after the answer, now that the password is known.
 */
async function passwordSignIn(c: Context<AppEnv>, body: z.output<typeof signInBody>): Promise<StaffAccount> {
  const email = normalizeEmail(body.email);
  const limiter = new SignInLimiter(openRedis(redisSettings(c.env)));
  const address = clientAddressKey(c.req.header("CF-Connecting-IP"));
  const verdict = await limiter.countAttempt(email, address).catch((error: Error) => {
    console.error(`staff sign-in: Redis did not answer (${error.message})`);
    throw new AppError("dependency_unavailable", "sign-in cannot be rate limited right now (Redis), so it is refused; try again shortly");
  });
  if (!verdict.allowed) {
    c.header("Retry-After", String(verdict.retryAfterSeconds));
    throw new AppError("rate_limited", "too many failed sign-ins for this email or from this address; try again later", {
      retryAfter: verdict.retryAfterSeconds,
    });
  }
  const account = await staffDatabase(c, (db) => findAccountByEmail(db, email));
  const check = await verifyPassword(body.password, account?.passwordHash ?? DUMMY_PASSWORD_HASH);
  if (!account || account.passwordHash === null || !check.ok || !isActive(account)) {
    c.header("WWW-Authenticate", 'Bearer realm="admin"');
    throw new AppError("unauthorized", "the email or the password is wrong");
  }
  c.executionCtx.waitUntil(limiter.forgiveAttempt(email, address).catch(() => undefined));
  if (check.rehash) {
    const rehash = hashPassword(body.password).then((hash) =>
      staffDatabase(c, (db) => updateAccount(db, account.id, { passwordHash: hash })),
    );
    c.executionCtx.waitUntil(rehash.catch(() => undefined));
  }
  return account;
}

/** A body parsed by zod, every problem listed (400 `invalid_request`). */
function parsed<T extends z.ZodType>(schema: T, input: unknown): z.output<T> {
  const result = schema.safeParse(input);
  if (result.success) return result.data;
  const problems = describeIssues(result.error.issues);
  throw new AppError("invalid_request", `invalid request body: ${problems.join("; ")}`, { problems });
}

/** The value of a validation, or 400 `invalid_request` listing every problem. */
function checked<T>(result: Validated<T>): T {
  if (result.ok) return result.value;
  throw new AppError("invalid_request", `invalid request body: ${result.problems.join("; ")}`, { problems: result.problems });
}

/**
 * A path id that cannot name a record is a 404, as an id that names none. Not the params
 * schema's to check: its failure would be a 400.
 */
function recordId(id: string, form: RegExp): string {
  if (!form.test(id)) throw new AppError("not_found", `no such id: ${id}`);
  return id;
}
