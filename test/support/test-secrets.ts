/** Secrets the Worker needs that are not connection settings; fixed values, tests only. */
export const TEST_SECRETS = {
  SESSION_SECRET: "test-session-secret-0123456789",
  ADMIN_TOKEN: "test-admin-token",
  METRICS_TOKEN: "test-metrics-token",
};

/**
 * Opens local staff accounts (email and password) on the browser tests' stack. Not in
 * TEST_SECRETS: the workers tests share those bindings and keep local accounts closed
 * unless a test turns them on (test/worker/staff-support.ts).
 */
export const TEST_STAFF_SESSION_SECRET = "test-staff-session-secret-browser-0123456789";
