import { byId } from "./dom.ts";

/** The panel under the lists that shows one view at a time: a history, an audit trail, dead letters. */
export const details = {
  open(title: string, body: Node): void {
    byId("details-title").textContent = title;
    byId("details-body").replaceChildren(body);
    byId("details").hidden = false;
    byId("details").scrollIntoView({ behavior: "smooth" });
  },
  close(): void {
    byId("details").hidden = true;
  },
};
