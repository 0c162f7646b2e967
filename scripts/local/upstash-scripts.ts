// Lua scripts as Upstash takes them, made runnable by the stores behind the local gateway (issue 12).
//
// Upstash accepts a shebang flag of its own, `allow-key-locking`, and @upstash/ratelimit sends every
// script with it (`#!lua flags=allow-key-locking`). Redis 7 refuses a flag it does not know
// ("ERR Unexpected flag in script shebang"), and the in-process store's Lua VM (fengari, through
// ioredis-mock) cannot parse a shebang line at all. So the gateway runs each script in the dialect of
// its store, while clients keep addressing it by the SHA-1 of the text they sent (EVALSHA, SCRIPT
// LOAD/EXISTS): @upstash/ratelimit hard-codes those hashes.

import { createHash } from "node:crypto";

/** The shebang flags Redis 7 knows (https://redis.io/docs/latest/develop/programmability/lua-api/#script-flags). */
const REDIS_SCRIPT_FLAGS = new Set(["no-writes", "allow-oom", "allow-stale", "no-cluster", "allow-cross-slot-keys"]);

const SHEBANG = /^#!(\S*)([^\n]*)/;

/** The SHA-1 a client names a script by: of the script's text exactly as it was sent. */
export const scriptSha = (script: string): string => createHash("sha1").update(script).digest("hex");

/**
 * The script for a real Redis: shebang flags Redis does not know are dropped, the others kept; a
 * shebang left with no flag becomes a comment (on one line, so error line numbers stay right), which
 * makes it a plain script that Redis 6 runs too. Anything without a shebang is returned as it is.
 */
export function scriptForRedis(script: string): string {
  const shebang = SHEBANG.exec(script);
  if (!shebang) return script;
  const [line, engine = "", rest = ""] = shebang;
  const words = rest.trim().split(/\s+/).filter(Boolean);
  const flagsAt = words.findIndex((word) => word.startsWith("flags="));
  if (flagsAt < 0) return script;
  const flags = words[flagsAt]!.slice("flags=".length).split(",");
  const known = flags.filter((flag) => REDIS_SCRIPT_FLAGS.has(flag));
  if (known.length === flags.length) return script;
  const body = script.slice(line.length);
  if (known.length === 0) return `-- ${line.slice(2)}${body}`;
  words[flagsAt] = `flags=${known.join(",")}`;
  return `#!${engine} ${words.join(" ")}${body}`;
}

/**
 * What the in-process store's Lua VM needs before a script, for `redis.call` to answer as in Redis:
 * ioredis-mock hands a script a reply array as a JavaScript array (its nested arrays indexed from 0,
 * not 1), and a nil inside an array as a JavaScript null where Redis gives `false` (HMGET of a missing
 * field: @upstash/ratelimit's token bucket tests `bucket[1] == false`). This turns every reply into
 * plain Lua tables with `false` for nil, built with a table constructor, the one form the mock reads
 * back as an array when a script returns it. `redis.pcall` is left as it is. One line, so the script's
 * own line numbers stay right in error messages.
 */
const LUA_VM_PRELUDE = [
  "local __redis_call = redis.call",
  "local function __redis_reply(v, nested)",
  'if type(v) ~= "userdata" then if v == nil then return false end return v end',
  'if tostring(v) == "null" then return false end',
  // The mock gives the reply itself a leading hole, so that it is indexed from 1; nested arrays have none.
  "local t, first = {}, nested and 0 or 1",
  "for i = first, v.length - 1 do t[i - first + 1] = __redis_reply(v[i], true) end",
  "return {table.unpack(t, 1, v.length - first)}",
  "end",
  "redis.call = function(...) return __redis_reply(__redis_call(...), false) end ",
].join(" ");

/**
 * The script for the in-process store's Lua VM (fengari, through ioredis-mock): the prelude above;
 * no shebang, which it cannot parse (that line becomes a comment); and the script as the body of a
 * function whose one result is returned, because the mock fails on a script that returns nothing
 * (@upstash/ratelimit's resetUsedTokens), where Redis answers nil.
 */
export function scriptForLuaVm(script: string): string {
  const shebang = SHEBANG.exec(script);
  const body = shebang ? `-- ${shebang[0].slice(2)}${script.slice(shebang[0].length)}` : script;
  return `${LUA_VM_PRELUDE}return ((function() ${body}\nend)())`;
}
