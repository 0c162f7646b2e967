import { exports } from "cloudflare:workers";
import type { Store } from "../../src/stores/store.ts";
import { STORE_CSV_COLUMNS } from "../../src/stores/store-csv.ts";
import { TEST_SECRETS } from "../support/test-secrets.ts";
import { admin } from "./admin-support.ts";

/** A fresh store id: tests share one Postgres. */
export function storeId(prefix = "t"): string {
  return `${prefix}-${crypto.randomUUID().slice(0, 12)}`;
}

/** A valid store input near `at` (Shanghai by default), under a fresh id. */
export function draftStore(overrides: Record<string, unknown> = {}) {
  return {
    id: storeId(),
    name: "静安旗舰店",
    address: "南京西路1618号",
    city: "测试市", // not a demo city: the browser test lists the demo stores of Hangzhou exactly
    latitude: 31.2243,
    longitude: 121.4468,
    timeZone: "Asia/Shanghai",
    openingHours: "mon-fri 10:00-22:00; sat,sun 09:30-22:30",
    redeemOnlyWhenOpen: true,
    ...overrides,
  };
}

/** Creates a store through the admin API; fails the test if it is refused. */
export async function createStore(overrides: Record<string, unknown> = {}): Promise<Store> {
  const response = await admin("/stores", { body: draftStore(overrides) });
  if (response.status !== 201) throw new Error(`create refused: ${response.status} ${await response.text()}`);
  return (await response.json<{ store: Store }>()).store;
}

/** Issues a staff token for a store; the token text. */
export async function issueToken(store: string, label = "Till 1"): Promise<{ tokenId: string; secret: string }> {
  const response = await admin(`/stores/${store}/staff-tokens`, { body: { label } });
  if (response.status !== 201) throw new Error(`issue refused: ${response.status} ${await response.text()}`);
  const body = await response.json<{ token: { id: string }; secret: string }>();
  return { tokenId: body.token.id, secret: body.secret };
}

/** POSTs a CSV text to the import. */
export function importCsv(text: string, contentType = "text/csv; charset=utf-8"): Promise<Response> {
  return exports.default.fetch("https://shop.test/admin/api/stores/import", {
    method: "POST",
    headers: { Authorization: `Bearer ${TEST_SECRETS.ADMIN_TOKEN}`, "Content-Type": contentType },
    body: text,
  });
}

export const CSV_HEADER = STORE_CSV_COLUMNS.join(",");

/** A good CSV row. */
export function csvRow(id: string, name = `Store ${id}`, city = "Testville", latitude = 30.2569, longitude = 120.1622): string {
  return `${id},${name},"1 Hubin Road, Shangcheng",${city},${latitude},${longitude},Asia/Shanghai,daily 10:00-22:00,false`;
}

/** A staff call: the token as a bearer, from an address of the test's own (failures are counted per address). */
export function staffGet(path: string, token: string | null, address = "203.0.113.7"): Promise<Response> {
  const headers: Record<string, string> = { "CF-Connecting-IP": address };
  if (token !== null) headers.Authorization = `Bearer ${token}`;
  return exports.default.fetch(`https://shop.test/api${path}`, { headers });
}
