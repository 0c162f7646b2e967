import { fromBase64url } from "../encoding.ts";
import { encryptPushPayload } from "./aes128gcm.ts";
import { type VapidKeys, vapidAuthorization } from "./vapid.ts";

/** A stored push subscription: the browser's endpoint and keys, base64url as PushSubscription.toJSON() gives them. */
export interface PushSubscriptionKeys {
  endpoint: string;
  p256dh: string;
  auth: string;
}

/** What the service worker shows: a notification, and where a tap on it goes. */
export interface PushNotice {
  title: string;
  body: string;
  /** A same-origin path, opened on notificationclick. */
  url: string;
  /** Replaces an earlier notice with the same tag rather than stacking beside it. */
  tag: string;
}

/** How long a push service keeps an undelivered offer: an hour, then it is stale (the shopper has walked on). */
export const PUSH_TTL_SECONDS = 3_600;

/**
 * The HTTP request that delivers a notice to one subscription (RFC 8030 §5 with RFC 8291's
 * body and RFC 8292's Authorization): POST, `Content-Encoding: aes128gcm`, `TTL`, `Urgency`.
 */
export async function pushRequest(
  keys: VapidKeys,
  subscription: PushSubscriptionKeys,
  notice: PushNotice,
  nowMs: number,
): Promise<Request> {
  const p256dh = fromBase64url(subscription.p256dh);
  const auth = fromBase64url(subscription.auth);
  if (!p256dh || !auth) throw new RangeError("a subscription's keys must be base64url");
  const body = await encryptPushPayload(new TextEncoder().encode(JSON.stringify(notice)), { p256dh, auth });
  return new Request(subscription.endpoint, {
    method: "POST",
    headers: {
      "Content-Type": "application/octet-stream",
      "Content-Encoding": "aes128gcm",
      TTL: String(PUSH_TTL_SECONDS),
      // "normal": an offer near a shop is worth waking a phone on mains or Wi-Fi, not one on low battery (RFC 8030 §5.3).
      Urgency: "normal",
      Topic: notice.tag.replace(/[^A-Za-z0-9_-]/g, "").slice(0, 32),
      Authorization: await vapidAuthorization(keys, subscription.endpoint, nowMs),
    },
    body,
  });
}
