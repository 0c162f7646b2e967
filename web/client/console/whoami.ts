import type { StaffIdentity } from "./api-types.ts";
import { byId, h } from "./dom.ts";
import { roleMeaning, roleName, signInMethod } from "./staff-words.ts";

/**
 * The header's "who is signed in": name, email, role and how, so someone at a shared desk
 * sees whose powers the console has before changing a sale. Each part is text with a
 * `data-field`, never markup: a name is whatever an owner typed.
 */
export function showWhoami(staff: StaffIdentity, actor: string | null): void {
  // The break-glass token has no person behind it: the name typed for the audit log stands in.
  const name = staff.via === "token" && actor ? actor : staff.name;
  byId("whoami").replaceChildren(
    h("span", { "data-field": "name" }, name),
    ...(staff.email ? [" ", h("span", { "data-field": "email" }, `<${staff.email}>`)] : []),
    " · ",
    h("span", { "data-field": "role", title: roleMeaning(staff.role) }, roleName(staff.role)),
    " · ",
    h("span", { "data-field": "via" }, `signed in with ${signInMethod(staff.via)}`),
  );
}

export function clearWhoami(): void {
  byId("whoami").replaceChildren();
}
