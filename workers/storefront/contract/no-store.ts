/**
 * The `Cache-Control: no-store` header of a response no cache may keep, as a response's
 * `headers` in a contract, saying why.
 */
export function noStore(why: string) {
  return { "Cache-Control": { description: `\`no-store\`: ${why}`, schema: { type: "string" as const } } };
}

/** Why most of them: live numbers, read from the SKU objects as they are now. */
export const LIVE_NUMBERS = noStore("live numbers are never cached");
