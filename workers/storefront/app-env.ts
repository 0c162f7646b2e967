import type { StaffIdentity } from "../../src/staff/identity.ts";
import type { Store } from "../../src/stores/store.ts";

/** The hono environment of the storefront: bindings from wrangler.toml, per-request variables. */
export type AppEnv = {
  Bindings: Env;
  Variables: {
    /** The shopper of this request, from the signed session cookie (see session.ts). */
    shopperId: string;
    /** True when this request was issued its session cookie just now. */
    newSession: boolean;
    /** Admin: who is calling, set by the admin authentication (admin/auth.ts). */
    staff: StaffIdentity;
    /** Store staff: the store the request's staff token was issued for (api/store-staff.ts). */
    staffStore: Store;
    /** Store staff: the id of the request's staff token. */
    staffTokenId: string;
    /** CRM API: the id of the request's CRM API key (api/crm.ts). */
    crmApiKeyId: string;
  };
};
