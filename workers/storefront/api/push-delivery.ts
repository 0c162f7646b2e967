import { eq, sql } from "drizzle-orm";
import { databaseSettings } from "../../../src/config.ts";
import { withDatabase } from "../../../src/db/client.ts";
import { pushSubscriptions } from "../../../src/db/schema.ts";
import { type PushNotice, pushRequest } from "../../../src/push/push-request.ts";
import { importVapidKeys, type VapidKeys } from "../../../src/push/vapid.ts";
import { redactSecrets } from "../../../src/redact.ts";

/** Push is on when all three VAPID variables are set. */
export function pushConfigured(env: Env): boolean {
  return Boolean(env.VAPID_PUBLIC_KEY && env.VAPID_PRIVATE_KEY && env.VAPID_SUBJECT);
}

/** Per isolate: the imported keys, by the variables' values (imported once; a bad configuration logged once). */
const imported = new Map<string, Promise<VapidKeys | null>>();

/** The VAPID keys, or null when push is off or its configuration is unusable (logged). */
export function vapidKeysOf(env: Env): Promise<VapidKeys | null> {
  if (!pushConfigured(env)) return Promise.resolve(null);
  const key = `${env.VAPID_PUBLIC_KEY}|${env.VAPID_PRIVATE_KEY}|${env.VAPID_SUBJECT}`;
  let keys = imported.get(key);
  if (!keys) {
    keys = importVapidKeys(env.VAPID_PUBLIC_KEY, env.VAPID_PRIVATE_KEY, env.VAPID_SUBJECT).catch((error: Error) => {
      // The message names the variable at fault, never a key's value.
      console.error(`web push is off: ${error.message}`);
      return null;
    });
    imported.set(key, keys);
  }
  return keys;
}

/** What one delivery did, per subscription: sent, gone (deleted) or failed (counted). */
export interface DeliveryReport {
  sent: number;
  gone: number;
  failed: number;
}

/**
 * Sends notices to every browser a shopper subscribed (issue 15). A push service's 404 or 410
 * means the subscription is no more (RFC 8030 §8.3): its row is deleted. Any other refusal, or
 * no answer, adds one to the row's `failures`; a success clears them and stamps
 * `last_success_at`. Runs after the ping's answer (the route's waitUntil): a slow push service
 * costs the shopper nothing.
 */
export async function deliverPush(env: Env, shopperId: string, notices: readonly PushNotice[], nowMs: number): Promise<DeliveryReport> {
  const report: DeliveryReport = { sent: 0, gone: 0, failed: 0 };
  const keys = await vapidKeysOf(env);
  if (!keys || notices.length === 0) return report;
  await withDatabase(databaseSettings(env), async (db) => {
    const targets = await db.select().from(pushSubscriptions).where(eq(pushSubscriptions.shopperId, shopperId));
    await Promise.all(
      targets.map(async (target) => {
        let outcome: keyof DeliveryReport = "sent";
        for (const notice of notices) {
          try {
            const response = await fetch(await pushRequest(keys, target, notice, nowMs));
            await response.body?.cancel();
            if (response.status === 404 || response.status === 410) outcome = "gone";
            else if (!response.ok) {
              console.error(`web push: ${new URL(target.endpoint).host} answered ${response.status}`);
              outcome = "failed";
            }
          } catch (error) {
            console.error(
              `web push: ${new URL(target.endpoint).host} not reached (${redactSecrets(error instanceof Error ? error.message : String(error))})`,
            );
            outcome = "failed";
          }
          if (outcome === "gone") break;
        }
        report[outcome] += 1;
        const row = eq(pushSubscriptions.endpoint, target.endpoint);
        if (outcome === "gone") await db.delete(pushSubscriptions).where(row);
        else if (outcome === "failed")
          await db
            .update(pushSubscriptions)
            .set({ failures: sql`${pushSubscriptions.failures} + 1` })
            .where(row);
        else
          await db
            .update(pushSubscriptions)
            .set({ failures: 0, lastSuccessAt: new Date(nowMs) })
            .where(row);
      }),
    );
  });
  return report;
}
