// Where the gateway's commands run: a real Redis (through ioredis) or, when none answers, an
// in-process store built on ioredis-mock. Both hand back RESP2-shaped replies with strings as Buffers
// (real Redis) or strings (the mock), and both report Redis error replies as RedisReplyError.

import { Redis, ReplyError } from "ioredis";
import RedisMock from "ioredis-mock";
import type { Reply } from "./upstash-encoding.ts";
import { scriptForLuaVm, scriptForRedis, scriptSha } from "./upstash-scripts.ts";
import { redactSecrets, redactUrl } from "../../src/redact.ts";
import { withTimeout } from "../../src/timeout.ts";

/** One argument as it reaches Redis: text from JSON or the URL, or the raw bytes of a POSTed value. */
export type Arg = string | Buffer;

/** A command with its name first, e.g. ['SET', 'k', 'v']. */
export type Command = Arg[];

/** A Redis error reply ("ERR ...", "NOSCRIPT ...", "EXECABORT ..."); the client gets it as `{"error": message}`. */
export class RedisReplyError extends Error {
  override name = "RedisReplyError";
}

export interface Backend {
  readonly kind: "redis" | "in-process";
  /** Runs one command. Rejects with RedisReplyError for an error reply, with any other error if the store is unreachable. */
  run(command: Command): Promise<Reply>;
  /** Runs the commands as one MULTI/EXEC: per-command error replies come back in place; a refused transaction rejects. */
  transaction(commands: Command[]): Promise<Array<Reply | RedisReplyError>>;
  close(): Promise<void>;
}

// These change the state of the one connection all requests share, not the data; Upstash's REST API
// offers transactions as /multi-exec and pub/sub as a separate streaming endpoint instead.
const CONNECTION_COMMANDS = new Set([
  "multi",
  "exec",
  "discard",
  "watch",
  "unwatch",
  "select",
  "auth",
  "hello",
  "reset",
  "quit",
  "monitor",
  "subscribe",
  "psubscribe",
  "ssubscribe",
  "unsubscribe",
  "punsubscribe",
  "sunsubscribe",
  "sync",
  "psync",
]);

const commandName = (command: Command): string => String(command[0] ?? "").toLowerCase();

function refuseConnectionCommand(command: Command): void {
  const name = commandName(command);
  if (CONNECTION_COMMANDS.has(name)) {
    throw new RedisReplyError(`ERR command '${name.toUpperCase()}' is not available over the REST API`);
  }
}

/** Brings whatever ioredis or ioredis-mock resolved with into a plain RESP2-shaped reply. */
function toReply(value: unknown): Reply {
  // Lua `false` is nil in Redis; ioredis-mock also returns undefined and false for nil.
  if (value === null || value === undefined || value === false) return null;
  if (value === true) return 1; // Lua `true` is integer 1 in Redis
  if (typeof value === "number") {
    // Real Redis never sends NaN; ioredis-mock returns it where Redis refuses to do arithmetic.
    if (Number.isNaN(value)) throw new RedisReplyError("ERR value is not an integer or out of range");
    // Redis integers are integers; a fractional number from the mock stands for a bulk string (INCRBYFLOAT).
    return Number.isInteger(value) ? value : String(value);
  }
  if (typeof value === "string" || Buffer.isBuffer(value)) return value;
  if (Array.isArray(value)) return value.map(toReply);
  if (value instanceof Error) return value.message; // an error nested inside an array reply
  // ioredis-mock answers HGETALL with an object; on the wire (and on Upstash) it is a flat array.
  if (typeof value === "object") return Object.entries(value).flatMap(([key, item]) => [key, toReply(item)]);
  return String(value);
}

const asReplyError = (error: unknown): RedisReplyError =>
  error instanceof RedisReplyError ? error : new RedisReplyError(error instanceof Error ? error.message : String(error));

/** Connects to the Redis at `url`; resolves to undefined (after logging why) when none answers there. */
export async function connectRedis(url: string, log: (line: string) => void): Promise<Backend | undefined> {
  let answered = false;
  let lastError = "";
  const client = new Redis(url, {
    lazyConnect: true,
    connectTimeout: 1000,
    maxRetriesPerRequest: 1,
    // While probing, give up on the first failure so the gateway can fall back at once;
    // once Redis has answered, reconnect in the background like any long-lived client.
    retryStrategy: (attempt: number) => (answered ? Math.min(attempt * 200, 2000) : null),
  });
  // ioredis emits 'error' on every failed (re)connect; an 'error' event without a listener kills the process.
  client.on("error", (error: Error) => {
    if (answered && error.message !== lastError) log(`Upstash gateway: Redis at ${redactUrl(url)}: ${redactSecrets(error.message)}`);
    lastError = error.message;
  });
  try {
    await withTimeout(
      client.connect().then(() => client.ping()),
      1500,
    );
  } catch (error) {
    client.disconnect();
    // The 'error' event carries the cause (ECONNREFUSED ...); the rejection only says the connection closed.
    const reason = lastError || (error instanceof Error ? error.message : String(error));
    log(`Upstash gateway: no Redis answering at ${redactUrl(url)} (${redactSecrets(reason)})`);
    return undefined;
  }
  answered = true;

  // The command name is upper-cased on purpose: ioredis applies its reply transformers by lower-case
  // name (it would turn HGETALL's flat array into an object), and Redis' reply must pass through as is.
  const call = (command: Command): Arg[] => [String(command[0]).toUpperCase(), ...command.slice(1)];
  const scripts = redisScripts();

  return {
    kind: "redis",
    async run(command) {
      refuseConnectionCommand(command);
      const { sent, reply } = scripts.translate(command);
      try {
        const [name, ...args] = call(sent);
        return reply(toReply(await client.callBuffer(String(name), ...args)));
      } catch (error) {
        throw error instanceof ReplyError ? asReplyError(error) : error;
      }
    },
    async transaction(commands) {
      commands.forEach(refuseConnectionCommand);
      const translated = commands.map((command) => scripts.translate(command));
      let results: Array<[Error | null, unknown]> | null;
      try {
        results = await client.multi(translated.map(({ sent }) => ["callBuffer", ...call(sent)])).exec();
      } catch (error) {
        // EXECABORT: a command failed to queue (unknown command, wrong arity), so nothing ran.
        if (!(error instanceof ReplyError)) throw error;
        const causes = ((error as { previousErrors?: Error[] }).previousErrors ?? []).map((cause) => cause.message);
        throw new RedisReplyError([(error as Error).message, ...causes].join(" "));
      }
      if (!results) throw new RedisReplyError("EXECABORT Transaction discarded"); // only after WATCH, never sent here
      return results.map(([error, value], index) => (error ? asReplyError(error) : translated[index]!.reply(toReply(value))));
    },
    async close() {
      await client.quit().catch(() => client.disconnect());
    },
  };
}

/**
 * Scripts on a real Redis in its own dialect (upstash-scripts.ts), still named by the SHA-1 of the
 * text the client sent: EVAL and SCRIPT LOAD send Redis the rewritten script and remember which hash
 * Redis knows it by; EVALSHA and SCRIPT EXISTS ask for that one; SCRIPT LOAD answers the client's.
 * A hash the gateway has not seen goes to Redis unchanged: if Redis lost the script (a restart,
 * SCRIPT FLUSH) the answer is NOSCRIPT, and clients send it again with EVAL, as they do on Upstash.
 */
function redisScripts() {
  const redisShaOf = new Map<string, string>();
  const keep = (reply: Reply): Reply => reply;
  const rewrite = (script: string): string => {
    const runnable = scriptForRedis(script);
    if (runnable !== script) redisShaOf.set(scriptSha(script), scriptSha(runnable));
    return runnable;
  };
  const known = (sha: Arg): Arg => redisShaOf.get(String(sha).toLowerCase()) ?? sha;

  return {
    /** The command as Redis must get it, and how to turn Redis' reply into the client's. */
    translate(command: Command): { sent: Command; reply: (reply: Reply) => Reply } {
      const [name, ...args] = command;
      switch (commandName(command)) {
        case "eval":
        case "eval_ro":
          return { sent: [name!, rewrite(String(args[0])), ...args.slice(1)], reply: keep };
        case "evalsha":
        case "evalsha_ro":
          return { sent: [name!, known(args[0] ?? ""), ...args.slice(1)], reply: keep };
        case "script": {
          const sub = String(args[0] ?? "").toLowerCase();
          if (sub === "load" && args.length === 2) {
            const script = String(args[1]);
            return { sent: [name!, args[0]!, rewrite(script)], reply: () => scriptSha(script) };
          }
          if (sub === "exists") return { sent: [name!, args[0]!, ...args.slice(1).map(known)], reply: keep };
          return { sent: command, reply: keep };
        }
        default:
          return { sent: command, reply: keep };
      }
    },
  };
}

// Blocking commands would hold the in-process store's lock (below) until they time out, or forever.
const BLOCKING_COMMANDS = new Set(["blpop", "brpop", "brpoplpush", "blmove", "blmpop", "bzpopmin", "bzpopmax", "bzmpop"]);

const ZADD_FLAGS = new Set(["NX", "XX", "GT", "LT", "CH", "INCR"]);

// Scripting commands the in-process store answers itself (see execute below).
const SCRIPTING_COMMANDS = new Set(["script", "eval", "eval_ro", "evalsha", "evalsha_ro"]);

const unknownToMock = (name: string): string =>
  `ERR unknown command '${name}' (the in-process store, ioredis-mock, does not implement it; start a real Redis and pass its URL)`;

let inProcessStores = 0;

/**
 * An in-process store on ioredis-mock, with the few gaps that matter to Upstash clients filled in:
 * SCRIPT LOAD/EXISTS/FLUSH and EVALSHA of loaded scripts (@upstash/ratelimit runs its scripts by
 * EVALSHA, and EVAL after NOSCRIPT), scripts with a shebang line (upstash-scripts.ts), lower-case
 * SET/ZADD options as the client sends them, ZADD GT/LT (the shopper profiles' view window, issue
 * 13), and the error reply for INCR/DECR on a non-integer (the
 * mock would store NaN instead).
 */
export function createInProcessBackend(): Backend {
  // ioredis-mock shares its data between instances with the same host:port, so each gateway gets its own.
  const mock = new RedisMock({ host: "upstash-gateway.in-process", port: ++inProcessStores });
  const methods = mock as unknown as Record<string, unknown>;
  const scripts = new Map<string, string>();

  // The mock's commands are asynchronous; running them strictly one at a time is what makes a
  // /multi-exec transaction atomic with respect to every other request.
  let queue: Promise<unknown> = Promise.resolve();
  const exclusively = <T>(work: () => Promise<T>): Promise<T> => {
    const result = queue.then(work);
    queue = result.catch(() => undefined);
    return result;
  };

  /** Why this command could not even be queued, as Redis would say it (undefined if it can). */
  function refusal(command: Command): string | undefined {
    const name = commandName(command);
    if (CONNECTION_COMMANDS.has(name)) return `ERR command '${name.toUpperCase()}' is not available over the REST API`;
    if (SCRIPTING_COMMANDS.has(name)) return undefined;
    // Every command method of the mock has a *Buffer twin; nothing else (on, emit, disconnect, ...) does.
    if (BLOCKING_COMMANDS.has(name) || typeof methods[`${name}Buffer`] !== "function") return unknownToMock(name);
    return undefined;
  }

  async function call(name: string, args: Arg[]): Promise<Reply> {
    const method = methods[`${name}Buffer`] as (...args: Arg[]) => Promise<unknown>;
    try {
      return toReply(await method.apply(mock, args));
    } catch (error) {
      if (error instanceof RedisReplyError) throw error;
      const message = error instanceof Error ? error.message : String(error);
      // The mock has stubs that throw for commands it does not implement (JSON.*, FT.*, ...).
      if (message.startsWith("Unsupported command")) throw new RedisReplyError(unknownToMock(name));
      throw new RedisReplyError(/^[A-Z]+ /.test(message) ? message : `ERR ${message}`);
    }
  }

  async function execute(command: Command): Promise<Reply> {
    const refused = refusal(command);
    if (refused) throw new RedisReplyError(refused);
    const name = commandName(command);
    const args = command.slice(1);
    switch (name) {
      case "script":
        return scriptCommand(args);
      case "eval":
      case "eval_ro":
        scripts.set(scriptSha(String(args[0])), String(args[0]));
        return call("eval", [scriptForLuaVm(String(args[0])), ...args.slice(1)]);
      case "evalsha":
      case "evalsha_ro": {
        const script = scripts.get(String(args[0]).toLowerCase());
        if (script === undefined) throw new RedisReplyError("NOSCRIPT No matching script. Please use EVAL.");
        return call("eval", [scriptForLuaVm(script), ...args.slice(1)]);
      }
      // ioredis-mock matches option keywords in upper case only; the client sends them in lower case.
      case "set": // SET key value [NX|XX] [GET] [EX s|PX ms|...]: everything after the value is an option
        return call(name, [...args.slice(0, 2), ...args.slice(2).map((arg) => String(arg).toUpperCase())]);
      case "zadd": {
        // ZADD key [NX|XX|GT|LT|CH|INCR ...] score member ...: only the leading flags, never a member.
        const fixed = [...args];
        for (let i = 1; i < fixed.length && ZADD_FLAGS.has(String(fixed[i]).toUpperCase()); i++) fixed[i] = String(fixed[i]).toUpperCase();
        return fixed.some((arg, i) => i > 0 && (arg === "GT" || arg === "LT")) ? zaddComparing(fixed) : call(name, fixed);
      }
      case "incr":
      case "decr":
      case "incrby":
      case "decrby": {
        const current = await mock.get(String(args[0]));
        if (current !== null && !/^-?\d+$/.test(current)) {
          throw new RedisReplyError("ERR value is not an integer or out of range");
        }
        return call(name, args);
      }
      default:
        return call(name, args);
    }
  }

  /**
   * ZADD with GT or LT (Redis 6.2), which ioredis-mock does not know: an existing member's score
   * moves only up (GT) or only down (LT); new members are added either way. Runs inside the
   * store's one-at-a-time queue, so reading the current scores first is as atomic as Redis.
   */
  async function zaddComparing(args: Arg[]): Promise<Reply> {
    const key = String(args[0]);
    let i = 1;
    const flags = new Set<string>();
    while (i < args.length && ZADD_FLAGS.has(String(args[i]))) flags.add(String(args[i++]));
    const pairs = args.slice(i);
    if (pairs.length === 0 || pairs.length % 2 !== 0) throw new RedisReplyError("ERR syntax error");
    if (flags.has("NX") || (flags.has("GT") && flags.has("LT"))) {
      throw new RedisReplyError("ERR GT, LT, and/or NX options at the same time are not compatible");
    }
    if (flags.has("INCR")) throw new RedisReplyError(unknownToMock("zadd with INCR and GT or LT"));
    let added = 0;
    let changed = 0;
    for (let p = 0; p < pairs.length; p += 2) {
      const score = Number(pairs[p]);
      if (Number.isNaN(score)) throw new RedisReplyError("ERR value is not a valid float");
      const member = pairs[p + 1]!;
      const current = await mock.zscore(key, String(member));
      if (current === null) {
        if (flags.has("XX")) continue;
        await mock.zadd(key, score, String(member));
        added++;
      } else if (flags.has("GT") ? score > Number(current) : score < Number(current)) {
        await mock.zadd(key, score, String(member));
        changed++;
      }
    }
    return flags.has("CH") ? added + changed : added;
  }

  function scriptCommand(args: Arg[]): Reply {
    const sub = String(args[0] ?? "").toLowerCase();
    if (sub === "load" && args.length === 2) {
      const sha = scriptSha(String(args[1]));
      scripts.set(sha, String(args[1]));
      return sha;
    }
    if (sub === "exists") return args.slice(1).map((sha) => (scripts.has(String(sha).toLowerCase()) ? 1 : 0));
    if (sub === "flush") {
      scripts.clear();
      return "OK";
    }
    throw new RedisReplyError(`ERR unknown or malformed SCRIPT subcommand '${sub}'`);
  }

  return {
    kind: "in-process",
    run: (command) => exclusively(() => execute(command)),
    transaction: (commands) =>
      exclusively(async () => {
        // Like Redis: if any command cannot be queued, the whole transaction is discarded before anything runs.
        const refusals = commands.map(refusal).filter((reason) => reason !== undefined);
        if (refusals.length > 0) {
          throw new RedisReplyError(["EXECABORT Transaction discarded because of previous errors.", ...refusals].join(" "));
        }
        const results: Array<Reply | RedisReplyError> = [];
        for (const command of commands) {
          results.push(await execute(command).catch((error: unknown) => asReplyError(error)));
        }
        return results;
      }),
    close: () =>
      exclusively(async () => {
        await mock.flushall(); // the mock keeps every store in a module-level map; free the data
        mock.disconnect();
      }),
  };
}
