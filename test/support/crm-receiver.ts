import { Webhook } from "standardwebhooks";

/**
 * A CRM as the webhook tests meet it (issue 16): it verifies each request's Standard Webhooks
 * signature with the reference package, deduplicates on `webhook-id` as the specification asks
 * of receivers, and "grants a benefit" for each webhook it has not seen. `hangFirst` requests
 * get no answer at all (the CRM timing out); the rest are answered 204. It counts everything.
 */
export class CountingCrm {
  readonly requests: { id: string; timestamp: string; verified: boolean }[] = [];
  readonly granted = new Map<string, unknown>();
  private hangsLeft: number;
  private readonly verifier: Webhook;

  constructor(secret: string, options: { hangFirst?: number } = {}) {
    this.verifier = new Webhook(secret);
    this.hangsLeft = options.hangFirst ?? 0;
  }

  /** Whether the next request is one to leave unanswered. */
  takeHang(): boolean {
    if (this.hangsLeft <= 0) return false;
    this.hangsLeft--;
    return true;
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
    if (this.takeHang()) return new Promise<Response>(() => undefined);
    const headers = Object.fromEntries(request.headers.entries());
    return new Response(null, { status: this.receive(headers, await request.text()) });
  };
}
