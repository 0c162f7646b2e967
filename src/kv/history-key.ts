/**
 * A kept version's key in KV: its history prefix and the version in 10 digits, so the keys list
 * in version order. The versioned catalog reads and writes them; `npm start` seeds them.
 */
export function historyKeyOf(historyPrefix: string, version: number): string {
  return `${historyPrefix}${String(version).padStart(10, "0")}`;
}
