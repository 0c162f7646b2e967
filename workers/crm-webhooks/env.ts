/** The CRM webhooks consumer's bindings (workers/crm-webhooks/wrangler.toml; secrets by `wrangler secret put`). */
export interface CrmWebhooksEnv {
  DATABASE_URL: string;
  NEON_WS_PROXY: string;
  /** The Standard Webhooks signing secret, `whsec_<base64>`; unset: every attempt fails, and says why. */
  CRM_WEBHOOK_SECRET?: string;
  /** Tests only: the backoff's first delay in seconds (default 30, src/crm/backoff.ts). */
  CRM_RETRY_BASE_SECONDS?: string;
  /** Tests only: how long one POST may take (default 10,000 ms). */
  CRM_WEBHOOK_TIMEOUT_MS?: string;
}
