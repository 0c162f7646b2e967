import { redactSecrets } from "../redact.ts";

/**
 * What a failed Postgres call may tell a log or an operator. drizzle wraps the driver's
 * error in one whose message is the statement and its parameters, which for the outbox is
 * every order row of the batch: that must never reach a log. Only the driver's own error
 * (its SQLSTATE, constraint and short message) is read, never its `detail` ("Failing row
 * contains …").
 */
export interface DatabaseFailure {
  /** The SQLSTATE, e.g. "22003"; null when Postgres never answered (a connection failure). */
  sqlstate: string | null;
  constraint: string | null;
  /** One short line, free of row data and connection strings. */
  summary: string;
}

const SQLSTATE = /^[0-9A-Z]{5}$/;
const MAX_SUMMARY = 160;

export function describeDatabaseFailure(error: unknown): DatabaseFailure {
  const chain = causes(error);
  const fromPostgres = chain.find((e) => typeof e.code === "string" && SQLSTATE.test(e.code));
  // The deepest error is the driver's or the socket's; wrappers above it only add the query.
  const root = fromPostgres ?? chain.at(-1);
  const sqlstate = fromPostgres ? (fromPostgres.code as string) : null;
  const constraint = typeof fromPostgres?.constraint === "string" ? fromPostgres.constraint : null;
  const message = redactSecrets(String(root?.message ?? error))
    .split("\n")[0]!
    .slice(0, MAX_SUMMARY);
  const summary = [sqlstate, constraint && `(${constraint})`, message].filter(Boolean).join(" ");
  return { sqlstate, constraint, summary };
}

/**
 * True when Postgres refused the rows themselves: a data exception (class 22, such as a
 * number out of range for its column) or an integrity violation (class 23, such as a
 * failed check). Writing the same rows again fails the same way, unlike an outage, a
 * deadlock or a serialization failure, which a retry can get past.
 */
export function isRefusedForData(failure: DatabaseFailure): boolean {
  return failure.sqlstate !== null && (failure.sqlstate.startsWith("22") || failure.sqlstate.startsWith("23"));
}

type ErrorLike = { message?: unknown; code?: unknown; constraint?: unknown; cause?: unknown };

function causes(error: unknown): ErrorLike[] {
  const chain: ErrorLike[] = [];
  let current: unknown = error;
  while (typeof current === "object" && current !== null && chain.length < 8 && !chain.includes(current as ErrorLike)) {
    chain.push(current as ErrorLike);
    current = (current as ErrorLike).cause;
  }
  return chain;
}
