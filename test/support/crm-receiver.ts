import { Webhook } from "standardwebhooks";

/**
 * A CRM as the webhook tests meet it (issue 16): it verifies each request's Standard Webhooks
 * signature with the reference package, deduplicates on `webhook-id` as the specification asks
 * of receivers, and "grants a benefit" for each webhook it has not seen. The first `hangFirst`
 * requests of each webhook get no answer at all (the CRM timing out); the rest are answered
 * 204. It counts everything.
 */
export class CountingCrm {
  readonly requests: { id: string; timestamp: string; verified: boolean }[] = [];
  readonly granted = new Map<string, unknown>();
  private readonly hangs: number;
  private readonly hung = new Map<string, number>();
  private readonly verifier: Webhook;

  constructor(secret: string, options: { hangFirst?: number } = {}) {
    this.verifier = new Webhook(secret);
    this.hangs = options.hangFirst ?? 0;
  }

  /** Whether this request of webhook `id` is one to leave unanswered. */
  takeHang(id: string): boolean {
    const hung = this.hung.get(id) ?? 0;
    if (hung >= this.hangs) return false;
    this.hung.set(id, hung + 1);
    return true;
  }

  /** The requests that arrived for one webhook, answered or not. */
  arrivals(id: string): number {
    return (this.hung.get(id) ?? 0) + this.requests.filter((r) => r.id === id).length;
  }

  /** Handles one request's headers and body: 204 when verified (granting once per id), 401 when not. */
  receive(headers: Record<string, string>, body: string): number {
    const id = headers["webhook-id"] ?? "";
    let payload: unknown;
    try {
      payload = this.verifier.verify(body, headers);
    } catch {
      this.requests.push({ id, timestamp: headers["webhook-timestamp"] ?? "", verified: false });
      return 401;
    }
    this.requests.push({ id, timestamp: headers["webhook-timestamp"] ?? "", verified: true });
    if (!this.granted.has(id)) this.granted.set(id, payload);
    return 204;
  }

  /** The CRM as a fetch function, for a consumer called in the test's own isolate. */
  readonly fetch = async (request: Request): Promise<Response> => {
    if (this.takeHang(request.headers.get("webhook-id") ?? "")) return new Promise<Response>(() => undefined);
    const headers = Object.fromEntries(request.headers.entries());
    return new Response(null, { status: this.receive(headers, await request.text()) });
  };
}

/**
 * A CRM webhook configuration to seed KV with before a test saves one: at a random version, so
 * test files that share one Postgres never save the same version of `crm:webhooks` (its audit
 * rows are unique per version, and each file has KV of its own).
 */
export function seededCrmConfig(): { key: string; value: string; version: number } {
  const version = 1_000 + Math.floor(Math.random() * 1_000_000_000);
  const value = { id: "webhooks", version, url: null, events: [], updatedAt: Date.now(), updatedBy: "test seed" };
  return { key: "crm:webhooks", value: JSON.stringify(value), version };
}
