import { ADMITS, type Capability } from "../../../src/staff/roles.ts";
import { adminAuth, allowRoles } from "../admin/auth.ts";
import { withContract, type SecurityRequirement } from "./middleware-contract.ts";
import { contractRoute, type RouteContract } from "./route.ts";

/** An admin route accepts any one of these credentials (contract/security-schemes.ts; admin/auth.ts tries them in turn). */
export const ADMIN_SECURITY: SecurityRequirement[] = [{ adminToken: [] }, { adminSession: [] }, { cloudflareAccess: [] }];

/** Methods that change nothing: a staff session cookie needs no same-origin check on them (admin/auth.ts). */
const SAFE_METHODS = new Set(["get", "head", "options"]);

/**
 * An admin route's contract: a route contract and the capability it needs (src/staff/roles.ts),
 * or "public" for one that needs no sign-in (signing in itself).
 */
export type AdminRouteContract = RouteContract & { admits: Capability | "public" };

/**
 * The route of an admin contract. From `admits` it derives everything about who may call:
 * the middleware `[adminAuth, allowRoles(ADMITS[admits])]`, run before the route's own, with
 * what they can answer (no credential or a wrong one, admin closed, a role not admitted,
 * staff accounts unreachable, and for a change sent with a session cookie a foreign Origin);
 * the security requirement; and the roles admitted, as `x-roles` and in the description.
 */
export function adminRoute<const C extends AdminRouteContract>(contract: C) {
  const { admits, ...route } = contract;
  const tags: string[] = [...(contract.tags ?? ["admin"])];
  if (admits === "public") return contractRoute({ ...route, tags });
  const roles = ADMITS[admits];
  const changes = !SAFE_METHODS.has(route.method);
  // A function of its own per route: a middleware's contract is per function, and what
  // authentication can answer depends on the route's method.
  const authenticate: typeof adminAuth = (c, next) => adminAuth(c, next);
  return contractRoute({
    ...route,
    tags,
    middleware: [
      withContract(authenticate, {
        errors: [
          "unauthorized",
          "admin_closed",
          "forbidden",
          "dependency_unavailable",
          ...(changes ? (["forbidden_origin"] as const) : []),
        ],
        security: ADMIN_SECURITY,
        note: `Admits ${roles.join(", ")} (\`${admits}\`).`,
      }),
      withContract(allowRoles(roles), { errors: ["forbidden"] }),
      ...(route.middleware ?? []),
    ],
    "x-admits": admits,
    "x-roles": [...roles],
  });
}
