/**
 * `npm run staff`: staff accounts and API keys straight in Postgres (issue 11), for the
 * first owner before anyone can sign in, and for whoever holds the database when no one
 * can. The same rules as the admin API (src/staff/inputs.ts, src/staff/manage.ts).
 *
 *   npm run staff -- add --email wang.fang@example.com --name "王芳" --role marketer
 *   npm run staff -- add --email till@example.com --name Till --role store_staff --stores sh-01,sh-02 --password-stdin < pw.txt
 *   npm run staff -- list
 *   npm run staff -- disable <email>  |  enable <email>
 *   npm run staff -- passwd <email> [--password-stdin]
 *   npm run staff -- key create --name crm --role integration
 *   npm run staff -- key list  |  key revoke <id>
 *
 * Passwords never go on the command line (it shows in `ps` and shell history): a new one is
 * read from stdin with --password-stdin, or made up and printed once.
 * Exit codes: 0 done, 1 refused (every problem printed), 2 usage or no database.
 */
import { userInfo } from "node:os";
import { parseArgs } from "node:util";
import { sql } from "drizzle-orm";
import { withDatabase, type Database } from "../src/db/client.ts";
import { describeDatabaseFailure } from "../src/db/errors.ts";
import { AppError } from "../src/errors.ts";
import { findAccountByEmail, listAccounts } from "../src/staff/account-store.ts";
import { listApiKeys, revokeApiKey } from "../src/staff/api-key-store.ts";
import { newAccountSchema, newApiKeySchema, newPasswordSchema, validateStaffInput } from "../src/staff/inputs.ts";
import { changeAccount, createAccount, createApiKey, setPassword } from "../src/staff/manage.ts";
import { generatePassword } from "../src/staff/password.ts";
import { presentAccount, presentApiKey } from "../src/staff/present.ts";
import { ROLES } from "../src/staff/roles.ts";
import type { Validated } from "../src/sales/sale-config.ts";
import { CliError, runCli } from "./cli/run.ts";
import { when } from "./sale/format.ts";
import { cliDatabaseSettings, unreachable } from "./staff/database.ts";

const USAGE = `usage: npm run staff -- <command> [options]

  add --email <address> --name <name> --role <role> [--stores s1,s2] [--password-stdin]
  list
  disable <email>
  enable <email>
  passwd <email> [--password-stdin]
  key create --name <name> --role <role> [--stores s1,s2]
  key list
  key revoke <id>

roles:     ${ROLES.join(", ")} (--stores only for store_staff, who need at least one)
passwords: --password-stdin reads one from stdin; without it a strong one is made and printed once.
           A new password and disabling end every session of the account.
env:       DATABASE_URL (+ NEON_WS_PROXY for a Postgres that is not Neon); unset: the running
           npm start's embedded Postgres (LOCAL_PG_PORT, LOCAL_PG_PROXY_PORT)`;

async function main(argv: string[]): Promise<void> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      email: { type: "string" },
      name: { type: "string" },
      role: { type: "string" },
      stores: { type: "string" },
      "password-stdin": { type: "boolean" },
      help: { type: "boolean", short: "h" },
    },
  });
  const [command, ...rest] = positionals;
  if (values.help || !command) {
    console.log(USAGE);
    return;
  }
  const stores =
    values.stores === undefined
      ? undefined
      : values.stores
          .split(",")
          .map((s) => s.trim())
          .filter(Boolean);
  const now = Date.now();
  const argument = (what: string) => {
    const [value, ...extra] = rest;
    if (!value) throw new CliError(`${command} needs ${what}: npm run staff -- ${command} <${what}>`);
    if (extra.length > 0) throw new CliError(`unexpected arguments: ${extra.join(" ")}\n\n${USAGE}`);
    return value;
  };
  const noArguments = () => {
    if (rest.length > 0) throw new CliError(`unexpected arguments: ${rest.join(" ")}\n\n${USAGE}`);
  };

  switch (command) {
    case "add": {
      noArguments();
      const password = values["password-stdin"] ? await readStdin() : undefined;
      const input = checked(
        validateStaffInput(newAccountSchema, { email: values.email, name: values.name, role: values.role, stores, password }),
      );
      const account = await database((db) => createAccount(db, { ...input, password: input.password ?? makeUpPassword() }, now));
      console.log(
        `added ${account.email} (${account.role}${account.stores.length ? ` at ${account.stores.join(", ")}` : ""}), id ${account.id}`,
      );
      printMadeUpPassword();
      return;
    }
    case "list": {
      noArguments();
      const accounts = await database(listAccounts);
      console.table(
        accounts.map(presentAccount).map((a) => ({
          email: a.email,
          name: a.name,
          role: a.role,
          stores: a.stores.join(",") || "-",
          password: a.hasPassword ? "yes" : "Access only",
          disabled: when(a.disabledAt),
          created: when(a.createdAt),
          id: a.id,
        })),
      );
      return;
    }
    case "disable":
    case "enable": {
      const email = argument("email");
      const account = await database(async (db) =>
        changeAccount(db, (await accountOf(db, email)).id, { disabled: command === "disable" }, now),
      );
      console.log(
        `${account!.email} is ${account!.disabledAt === null ? "enabled" : `disabled (since ${when(account!.disabledAt)}); its sessions have ended`}`,
      );
      return;
    }
    case "passwd": {
      const email = argument("email");
      const password = values["password-stdin"] ? checked(validPassword(await readStdin())) : makeUpPassword();
      await database(async (db) => setPassword(db, (await accountOf(db, email)).id, password, now));
      console.log(`new password set for ${email}; every session of the account has ended`);
      printMadeUpPassword();
      return;
    }
    case "key":
      return keyCommand(rest, { name: values.name, role: values.role, stores }, now);
    default:
      throw new CliError(`unknown command "${command}"\n\n${USAGE}`);
  }
}

async function keyCommand(
  rest: string[],
  flags: { name?: string | undefined; role?: string | undefined; stores?: string[] | undefined },
  now: number,
): Promise<void> {
  const [sub, id, ...extra] = rest;
  if (extra.length > 0 || (sub !== "revoke" && id !== undefined))
    throw new CliError(`unexpected arguments: ${[id, ...extra].filter(Boolean).join(" ")}\n\n${USAGE}`);
  switch (sub) {
    case "create": {
      const input = checked(validateStaffInput(newApiKeySchema, flags));
      const { record, key } = await database((db) => createApiKey(db, input, `cli (${cliUser()})`, now));
      console.log(`API key ${record.id} "${record.name}" (${record.role}); the key, shown only now:\n${key}`);
      return;
    }
    case "list": {
      const keys = await database(listApiKeys);
      console.table(
        keys.map(presentApiKey).map((k) => ({
          id: k.id,
          name: k.name,
          role: k.role,
          stores: k.stores.join(",") || "-",
          "created by": k.createdBy,
          created: when(k.createdAt),
          "last used": when(k.lastUsedAt),
          revoked: when(k.revokedAt),
        })),
      );
      return;
    }
    case "revoke": {
      if (!id) throw new CliError("key revoke needs the key's id: npm run staff -- key revoke <id> (see key list)");
      const revoked = await database((db) => revokeApiKey(db, id, now));
      if (!revoked) throw new CliError(`no API key ${id}`, 1);
      console.log(
        revoked.changed
          ? `revoked API key ${id} "${revoked.record.name}"`
          : `API key ${id} was revoked already (${when(revoked.record.revokedAt)})`,
      );
      return;
    }
    default:
      throw new CliError(`key needs create, list or revoke\n\n${USAGE}`);
  }
}

/** A password made up for the account (none given), printed once after the change is stored. */
let madeUp: string | undefined;

function makeUpPassword(): string {
  madeUp = generatePassword();
  return madeUp;
}

function printMadeUpPassword(): void {
  if (madeUp !== undefined) console.log(`password, shown only now: ${madeUp}`);
}

async function accountOf(db: Database, email: string) {
  const account = await findAccountByEmail(db, email);
  if (!account) throw new CliError(`no staff account for ${email}`, 1);
  return account;
}

function validPassword(password: string): Validated<string> {
  const parsed = newPasswordSchema.safeParse(password);
  return parsed.success
    ? { ok: true, value: parsed.data }
    : { ok: false, problems: parsed.error.issues.map((i) => `password: ${i.message}`) };
}

function checked<T>(result: Validated<T>): T {
  if (result.ok) return result.value;
  throw new CliError(`refused, ${result.problems.length === 1 ? "1 problem" : `${result.problems.length} problems`}:`, 1, result.problems);
}

/** Runs `work` on the database; unreachable is exit 2, a refusal (conflict, a bad change) exit 1. */
async function database<T>(work: (db: Database) => Promise<T>): Promise<T> {
  const settings = cliDatabaseSettings(process.env);
  return withDatabase(settings, async (db) => {
    await db.execute(sql`select 1`).catch((error: unknown) => {
      throw unreachable(settings, error);
    });
    try {
      return await work(db);
    } catch (error) {
      if (error instanceof AppError)
        throw new CliError(`refused: ${error.message}`, 1, (error.details?.problems as string[] | undefined) ?? []);
      if (describeDatabaseFailure(error).sqlstate === "42P01")
        throw new CliError("the staff tables are missing: apply the migrations (npm run db:migrate)", 2);
      throw error;
    }
  });
}

/** All of stdin, less the one line break `echo` or a file adds. */
async function readStdin(): Promise<string> {
  if (process.stdin.isTTY)
    throw new CliError("--password-stdin reads the password from stdin: pipe it in (e.g. < file), it is not prompted for");
  let text = "";
  for await (const chunk of process.stdin) text += chunk;
  return text.replace(/\r?\n$/, "");
}

/** Who ran the command, for `created_by`: $USER as `npm run sale` takes it, else the OS account. */
function cliUser(): string {
  if (process.env.USER) return process.env.USER;
  try {
    return userInfo().username;
  } catch {
    return "unknown";
  }
}

await runCli(main, USAGE);
