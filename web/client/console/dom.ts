/**
 * Building the console's elements. Everything a sale contains goes in as text (`append` of
 * a string, `textContent`), never as markup, so a title like `<img onerror=…>` shows as
 * typed and runs nothing.
 */

/** An attribute value; `on<event>` names take a listener. false, null and undefined leave it out. */
type AttrValue = string | number | boolean | null | undefined | ((event: Event) => void);
export type Attrs = Record<string, AttrValue>;
export type Child = Node | string | number | null | undefined | false | readonly Child[];

/** An element with attributes (on* take listeners) and children (strings and numbers become text). */
export function h<K extends keyof HTMLElementTagNameMap>(tag: K, attrs: Attrs = {}, ...children: Child[]): HTMLElementTagNameMap[K] {
  const el = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs)) {
    if (value === undefined || value === null || value === false) continue;
    if (typeof value === "function") el.addEventListener(name.slice(2), value);
    else el.setAttribute(name, value === true ? "" : String(value));
  }
  el.append(...flatten(children));
  return el;
}

function flatten(children: readonly Child[]): Array<Node | string> {
  return children.flatMap((child): Array<Node | string> => {
    if (child === null || child === undefined || child === false) return [];
    if (Array.isArray(child)) return flatten(child);
    return [child instanceof Node ? child : String(child)];
  });
}

/** The page's element with this id, of the expected kind: the console's markup is fixed, so a miss is a bug. */
export function byId<T extends HTMLElement = HTMLElement>(id: string, kind?: new () => T): T {
  const el = document.getElementById(id);
  if (!el || (kind && !(el instanceof kind))) throw new Error(`the console's markup has no ${kind?.name ?? "element"} #${id}`);
  return el as T;
}
