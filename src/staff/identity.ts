import type { Role } from "./roles.ts";

/** How a staff member proved who they are on this request. */
export type SignInMethod = "token" | "session" | "access" | "api_key";

/** Who is calling the admin API: what the audit log records and the console shows. */
export interface StaffIdentity {
  /** The account's id; "break-glass" for ADMIN_TOKEN. */
  id: string;
  /** The name to show and to record. */
  name: string;
  email: string | null;
  role: Role;
  /** Store staff: the stores they work in; empty for every other role. */
  stores: string[];
  via: SignInMethod;
}
