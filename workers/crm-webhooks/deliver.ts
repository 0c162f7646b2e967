import { retryDelaySeconds, RETRY_BASE_SECONDS } from "../../src/crm/backoff.ts";
import { type AttemptOutcome, markDead, recordAttempts } from "../../src/crm/crm-outbox.ts";
import { isWebhookSecret, signWebhook } from "../../src/crm/webhook-signature.ts";
import { type CrmWebhookMessage, crmWebhookMessageSchema } from "../../src/crm/webhook-message.ts";
import { databaseSettings } from "../../src/config.ts";
import { withDatabase } from "../../src/db/client.ts";
import { describeDatabaseFailure } from "../../src/db/errors.ts";
import { redactSecrets } from "../../src/redact.ts";
import { withTimeout } from "../../src/timeout.ts";
import type { CrmWebhooksEnv } from "./env.ts";

/** How long the CRM has to answer one POST before the attempt counts as failed. */
export const DELIVERY_TIMEOUT_MS = 10_000;
/** How long the dead-letter queue waits before it delivers a batch again when Postgres could not be reached. */
const OUTAGE_RETRY_SECONDS = 30;

/** What the consumer reaches out with; tests hand in a receiver of their own. */
export interface DeliveryOptions {
  fetch?: (request: Request) => Promise<Response>;
  now?: () => number;
}

/**
 * One batch of the `crm-webhooks` queue (issue 16): each webhook POSTed to the CRM, signed
 * per Standard Webhooks with the attempt's timestamp and the event's fixed id, within
 * DELIVERY_TIMEOUT_MS. A 2xx is delivered (acknowledged, `delivered_at` set); anything else
 * (a timeout, a refused connection, a non-2xx) is retried by the queue after the backoff of
 * its attempt number (src/crm/backoff.ts), and after the last attempt the queue moves it to
 * the dead-letter queue (keepDeadWebhooks). Every attempt is counted on its outbox row, in
 * one statement per batch; Postgres not answering then sends the batch's delivered ones again
 * rather than lose their mark: the receiver drops the duplicate by `webhook-id`.
 */
export async function deliverWebhooks(
  batch: MessageBatch<unknown>,
  env: CrmWebhooksEnv,
  options: DeliveryOptions = {},
): Promise<AttemptOutcome[]> {
  const send = options.fetch ?? ((request: Request) => fetch(request));
  const now = options.now ?? Date.now;
  const timeoutMs = Number(env.CRM_WEBHOOK_TIMEOUT_MS) || DELIVERY_TIMEOUT_MS;
  const base = env.CRM_RETRY_BASE_SECONDS === undefined ? RETRY_BASE_SECONDS : Number(env.CRM_RETRY_BASE_SECONDS);
  const attempts = await Promise.all(
    batch.messages.map(async (message) => {
      const parsed = crmWebhookMessageSchema.safeParse(message.body);
      if (!parsed.success) return { message, outcome: null };
      const outcome = await attempt(parsed.data, env.CRM_WEBHOOK_SECRET, send, now(), timeoutMs);
      return { message, outcome };
    }),
  );
  const outcomes = attempts.flatMap((a) => (a.outcome ? [a.outcome] : []));
  let recorded = true;
  try {
    await withDatabase(databaseSettings(env), (db) => recordAttempts(db, outcomes, now()));
  } catch (error) {
    recorded = false;
    console.error(`crm-webhooks: attempts not recorded (${describeDatabaseFailure(error).summary}); the batch is sent again`);
  }
  for (const { message, outcome } of attempts) {
    if (outcome === null) {
      console.error(`crm-webhooks: message ${message.id} is not a webhook message; retrying, then dead-lettering`);
      message.retry();
    } else if (outcome.delivered && recorded) message.ack();
    else message.retry({ delaySeconds: outcome.delivered ? 0 : retryDelaySeconds(message.attempts, base) });
  }
  return outcomes;
}

/** One POST of one webhook, its outcome. */
async function attempt(
  webhook: CrmWebhookMessage,
  secret: string | undefined,
  send: (request: Request) => Promise<Response>,
  at: number,
  timeoutMs: number,
): Promise<AttemptOutcome> {
  if (!isWebhookSecret(secret)) return { id: webhook.id, delivered: false, error: "CRM_WEBHOOK_SECRET is not set (whsec_…)" };
  const body = JSON.stringify(webhook.payload);
  const abort = new AbortController();
  try {
    const response = await withTimeout(
      send(
        new Request(webhook.url, {
          method: "POST",
          headers: { "Content-Type": "application/json", ...signWebhook(secret, webhook.id, at, body) },
          body,
          signal: abort.signal,
        }),
      ),
      timeoutMs,
    );
    await response.body?.cancel();
    if (response.ok) return { id: webhook.id, delivered: true };
    return { id: webhook.id, delivered: false, error: `HTTP ${response.status}` };
  } catch (error) {
    abort.abort();
    return { id: webhook.id, delivered: false, error: redactSecrets(error instanceof Error ? error.message : String(error)) };
  }
}

/** What the dead-letter queue delivers: the webhooks every attempt failed, marked `dead_at` for the console. */
export async function keepDeadWebhooks(batch: MessageBatch<unknown>, env: CrmWebhooksEnv, now: number = Date.now()): Promise<void> {
  const ids = batch.messages.flatMap((message) => {
    const parsed = crmWebhookMessageSchema.safeParse(message.body);
    return parsed.success ? [parsed.data.id] : [];
  });
  try {
    await withDatabase(databaseSettings(env), (db) => markDead(db, ids, now));
    batch.ackAll();
  } catch (error) {
    console.error(`crm-webhooks-dlq: ${ids.length} dead webhooks not marked (${describeDatabaseFailure(error).summary}); retrying`);
    batch.retryAll({ delaySeconds: OUTAGE_RETRY_SECONDS });
  }
}
