import { Webhook } from "standardwebhooks";

/**
 * Standard Webhooks signing (issue 16), by the specification's own reference package
 * (`standardwebhooks`, MIT; pure JavaScript, so it runs in workerd): `webhook-signature` is
 * `v1,<base64 HMAC-SHA256 of "<id>.<timestamp>.<body>">` under the base64 key after `whsec_`.
 * The timestamp is the attempt's (seconds), so a receiver's replay window holds for retries
 * too; the id is the event's and never changes, which is what the receiver deduplicates on.
 */
export interface SignedHeaders {
  "webhook-id": string;
  "webhook-timestamp": string;
  "webhook-signature": string;
}

/** Whether a secret is one the package can sign with: `whsec_` and non-empty base64. */
export function isWebhookSecret(secret: string | undefined): secret is string {
  if (!secret || !/^whsec_[A-Za-z0-9+/]+={0,2}$/.test(secret)) return false;
  try {
    new Webhook(secret);
    return true;
  } catch {
    return false;
  }
}

/** The three headers of one delivery attempt of `body` (the exact bytes POSTed) at `at` (epoch ms). */
export function signWebhook(secret: string, id: string, at: number, body: string): SignedHeaders {
  const timestamp = new Date(Math.floor(at / 1000) * 1000);
  return {
    "webhook-id": id,
    "webhook-timestamp": String(timestamp.getTime() / 1000),
    "webhook-signature": new Webhook(secret).sign(id, timestamp, body),
  };
}
