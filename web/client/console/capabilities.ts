import { ADMITS, may, ROLES, type Capability, type Role } from "../../../src/staff/roles.ts";

/**
 * Which controls the signed-in staff member sees (issue 11). Each action control names the
 * capability it needs (`data-capability`, from ADMITS in src/staff/roles.ts, the table the
 * API admits routes by); a control the role may not use gets `data-denied`, which the
 * stylesheet hides. The API refuses such a call anyway (403 `forbidden`): this only keeps
 * the console from offering what would be refused.
 */

/** The attribute that marks a control, typed so a misspelt capability does not compile. */
export const needs = (capability: Capability) => ({ "data-capability": capability }) as const;

const isCapability = (name: string | undefined): name is Capability => name !== undefined && Object.hasOwn(ADMITS, name);

/**
 * Whether the console offers a capability to `role`. While the role is not known (null:
 * `/me` has not answered), only what every role may do (`self`: signing out), so nothing
 * is offered that the credential might not have.
 */
export function offers(role: Role | null, capability: Capability): boolean {
  return role ? may(role, capability) : ROLES.every((anyRole) => may(anyRole, capability));
}

/**
 * Shows the controls under `root` (itself included) that `role` may use and hides the rest.
 * An unknown capability name is hidden: a control is offered only when the table says so.
 */
export function applyRole(root: ParentNode, role: Role | null): void {
  const marked = root instanceof Element && root.matches("[data-capability]") ? [root] : [];
  for (const el of [...marked, ...root.querySelectorAll("[data-capability]")]) {
    const capability = el.getAttribute("data-capability") ?? undefined;
    el.toggleAttribute("data-denied", !(isCapability(capability) && offers(role, capability)));
  }
}

/**
 * Keeps `root` in line with the current role: applied to everything now, and to every
 * element added later (rows redrawn every refresh, the history and dead-letter views) as
 * it is added. A MutationObserver's callback runs before the browser paints, so a control
 * the role may not use never shows, and no view has to remember to ask.
 */
export class RoleGate {
  private current: Role | null = null;
  private readonly root: HTMLElement;

  constructor(root: HTMLElement) {
    this.root = root;
    new MutationObserver((mutations) => {
      for (const mutation of mutations) {
        for (const node of mutation.addedNodes) if (node instanceof Element) applyRole(node, this.current);
      }
    }).observe(root, { childList: true, subtree: true });
    applyRole(root, null);
  }

  get role(): Role | null {
    return this.current;
  }

  set role(role: Role | null) {
    this.current = role;
    applyRole(this.root, role);
  }
}
