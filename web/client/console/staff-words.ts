import { ROLE_MEANINGS, type Role } from "../../../src/staff/roles.ts";
import type { StaffIdentity } from "./api-types.ts";

/**
 * A staff identity in the console's words: the role and the way of signing in as a person
 * reads them, rather than the API's codes (`store_staff`, `api_key`).
 */

const ROLE_NAMES: Record<Role, string> = {
  owner: "Owner",
  marketer: "Marketer",
  analyst: "Analyst",
  store_staff: "Store staff",
  adviser: "Adviser",
  integration: "Integration",
};

const SIGN_IN_METHODS: Record<StaffIdentity["via"], string> = {
  session: "email and password",
  token: "admin token",
  access: "Cloudflare Access",
  api_key: "API key",
};

export const roleName = (role: Role): string => ROLE_NAMES[role];
/** What the role is for (src/staff/roles.ts), shown as the role's tooltip. */
export const roleMeaning = (role: Role): string => ROLE_MEANINGS[role];
export const signInMethod = (via: StaffIdentity["via"]): string => SIGN_IN_METHODS[via];
