import type { AdminApi, ApiResult } from "./admin-api.ts";
import type { StaffIdentity } from "./api-types.ts";
import { credentials } from "./credentials.ts";

/**
 * ADMIN_TOKEN as an API from before staff sign-in knows it: it has no `GET /me` (404), and
 * its one credential is the break-glass token, which acts as an owner.
 */
const BREAK_GLASS: StaffIdentity = { id: "break-glass", name: "admin", email: null, role: "owner", stores: [], via: "token" };

/**
 * Who the console is signed in as, from `GET /admin/api/me`: the stored token's owner when
 * there is one, else whatever the request carries on its own (the `fs_staff` session cookie,
 * or the assertion Cloudflare Access adds in front of /admin). The refusal is the caller's
 * to read: with nothing to go on, 401 is the usual answer and means "show sign-in".
 */
export async function whoIsSignedIn(api: AdminApi): Promise<ApiResult<StaffIdentity>> {
  const result = await api.me();
  if (result.ok) return { ok: true, status: result.status, data: result.data.staff };
  if (result.status === 404 && credentials.token()) return { ok: true, status: 200, data: BREAK_GLASS };
  return result;
}
