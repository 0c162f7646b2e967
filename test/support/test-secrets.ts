/** Secrets the Worker needs that are not connection settings; fixed values, tests only. */
export const TEST_SECRETS = { SESSION_SECRET: "test-session-secret-0123456789", ADMIN_TOKEN: "test-admin-token" };
