/**
 * How a webhook the CRM did not take is retried (issue 16): from the queue, each attempt
 * later than the one before, doubling from RETRY_BASE_SECONDS and capped at RETRY_CAP_SECONDS,
 * until MAX_DELIVERY_ATTEMPTS have failed; then the queue dead-letters it
 * (workers/crm-webhooks/wrangler.toml `max_retries` = MAX_DELIVERY_ATTEMPTS - 1).
 * 30 s, 1 min, 2, 4, 8, 16, 32 min, 1 h 4, 2 h 8, 4 h 16, 6 h, 6 h: about 20.5 hours in all,
 * enough for a CRM's maintenance night, under Cloudflare Queues' 12-hour delay limit.
 */
export const RETRY_BASE_SECONDS = 30;
export const RETRY_CAP_SECONDS = 6 * 3600;
export const MAX_DELIVERY_ATTEMPTS = 13;

/** The delay before the next attempt, after attempt number `attempt` (1 = the first) failed. */
export function retryDelaySeconds(attempt: number, base: number = RETRY_BASE_SECONDS): number {
  const exponent = Math.max(0, Math.floor(attempt) - 1);
  return Math.min(RETRY_CAP_SECONDS, base * 2 ** Math.min(exponent, 30));
}
