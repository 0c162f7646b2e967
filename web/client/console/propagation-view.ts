import type { Core, ElementDefinition, StylesheetJson } from "cytoscape";
import { fill, type PropagationWords, propagationWords } from "../../../src/propagation/propagation-words.ts";
import type { AdminApi } from "./admin-api.ts";
import type { PropagationCampaigns, PropagationReport } from "./api-types.ts";
import { byId, h } from "./dom.ts";
import { money } from "./format.ts";

/**
 * The console's "Propagation" view (issue 14): pick a campaign, see its figures (visits,
 * joins, completed teams, orders and revenue attributed, K-factor, depth), its top spreaders
 * and its graph, drawn by cytoscape (MIT): pan by dragging, zoom by pinch, wheel or the
 * buttons; a node's diameter grows with the shoppers it brought (descendants); tree edges
 * (first invitations) solid, later touches dashed and faint; edge colour by the furthest the
 * invitee went (visit, join, order). Read on demand, never polled.
 *
 * cytoscape is loaded only when a graph is first drawn (a chunk of its own, built by
 * scripts/build-assets.ts; the import inherits the console script's nonce). It needs no
 * eval. It would add a `<style>` element of its own to the page, which the console's CSP
 * refuses: an element with that stylesheet's id is put in first, so it adds none, and the
 * rule it would have added is in web/styles/console.css.
 */

/** What cytoscape looks for before adding its stylesheet (its renderer's `stylesheetId`). */
const CYTOSCAPE_STYLESHEET_ID = "__________cytoscape_stylesheet";

const KIND_COLOURS = { visit: "#9aa5b1", join: "#2f6fde", order: "#e8590c" } as const;

/** A node's diameter in px: a leaf 14, then growing with the square root of the shoppers it brought (area ∝ descendants), at most 90. */
export const nodeDiameter = (descendants: number): number => Math.min(90, 14 + 8 * Math.sqrt(descendants));

export class PropagationView {
  private readonly api: AdminApi;
  private readonly w: PropagationWords;
  private cy: Core | null = null;
  /** The campaign shown, and the latest one asked for. */
  private asked: string | null = null;
  /**
   * Counts the reports asked for: only the latest is drawn, so two asks overlapping (the
   * view's opening refresh and a pick of the same campaign) draw once, never one over the
   * other. The report says `data-state` loading, then ready when the latest is drawn.
   */
  private turn = 0;

  constructor(api: AdminApi) {
    this.api = api;
    const section = byId("propagation");
    this.w = propagationWords(section.lang === "zh-CN" ? "zh-CN" : "en");
    byId("show-propagation").addEventListener("click", () => this.open());
    byId("close-propagation").addEventListener("click", () => this.close());
    byId("refresh-propagation").addEventListener("click", () => void this.refresh());
    byId("propagation-pick").addEventListener("submit", (event) => {
      event.preventDefault();
      const campaign = byId("propagation-campaign", HTMLSelectElement).value;
      if (campaign) void this.show(campaign);
    });
    byId("graph-zoom-in").addEventListener("click", () => this.zoomBy(1.4));
    byId("graph-zoom-out").addEventListener("click", () => this.zoomBy(1 / 1.4));
    byId("graph-fit").addEventListener("click", () => this.cy?.fit(undefined, 24));
  }

  open(): void {
    byId("propagation").hidden = false;
    byId("propagation").scrollIntoView({ behavior: "smooth" });
    void this.refresh();
  }

  close(): void {
    byId("propagation").hidden = true;
    this.asked = null;
    this.turn++;
    this.cy?.destroy();
    this.cy = null;
    byId("propagation-report").hidden = true;
  }

  /** The campaigns again, and the one shown (or the most recently active) drawn anew. */
  async refresh(): Promise<void> {
    const status = byId("propagation-status");
    status.textContent = this.w.loading;
    const result = await this.api.propagationCampaigns();
    if (!result.ok) {
      status.textContent = fill(this.w.couldNotRead, { message: result.error.message });
      return;
    }
    this.fillPicker(result.data);
    const { campaigns } = result.data;
    if (campaigns.length === 0) {
      status.textContent = this.w.noCampaigns;
      byId("propagation-report").hidden = true;
      return;
    }
    const shown = this.asked && campaigns.some((c) => c.campaign === this.asked) ? this.asked : campaigns[0]!.campaign;
    byId("propagation-campaign", HTMLSelectElement).value = shown;
    await this.show(shown);
  }

  private fillPicker({ campaigns }: PropagationCampaigns): void {
    byId("propagation-campaign", HTMLSelectElement).replaceChildren(
      ...campaigns.map((c) =>
        h("option", { value: c.campaign }, fill(this.w.campaignOption, { campaign: c.campaign, people: c.people, edges: c.edges })),
      ),
    );
  }

  /** A campaign's report: figures, spreaders, graph. */
  async show(campaign: string): Promise<void> {
    this.asked = campaign;
    const turn = ++this.turn;
    const status = byId("propagation-status");
    status.textContent = this.w.loading;
    byId("propagation-report").dataset.state = "loading";
    const result = await this.api.propagationReport(campaign);
    if (turn !== this.turn) return; // asked again meanwhile: the later answer is drawn
    if (!result.ok) {
      status.textContent = fill(this.w.couldNotRead, { message: result.error.message });
      return;
    }
    const report = result.data;
    status.textContent = "";
    byId("propagation-report").hidden = false;
    byId("propagation-report").dataset.campaign = campaign;
    this.notes(report);
    this.figures(report);
    this.spreaders(report);
    await this.draw(report, turn);
    if (turn === this.turn) byId("propagation-report").dataset.state = "ready";
  }

  private notes(report: PropagationReport): void {
    const notes = [
      report.edges.truncated ? fill(this.w.truncated, { read: report.edges.read, total: report.edges.total }) : null,
      report.naming === "pseudonyms" ? this.w.pseudonyms : null,
    ].filter((note): note is string => note !== null);
    const out = byId("propagation-notes");
    out.textContent = notes.join(" ");
    out.hidden = notes.length === 0;
  }

  private figures({ totals }: PropagationReport): void {
    const w = this.w;
    const figure = (field: string, name: string, value: string | number, hint?: string) =>
      h(
        "div",
        { class: "figure", "data-figure": field },
        h("dt", {}, name),
        h("dd", {}, String(value)),
        hint ? h("dd", { class: "muted hint" }, hint) : null,
      );
    byId("propagation-figures").replaceChildren(
      figure("visits", w.fig_visits, totals.visits),
      figure("joins", w.fig_joins, totals.joins),
      figure("completedTeams", w.fig_completedTeams, totals.completedTeams),
      figure("orders", w.fig_orders, totals.orders),
      figure("revenue", w.fig_revenue, money(totals.revenue)),
      figure(
        "kFactor",
        w.fig_kFactor,
        totals.kFactor.toFixed(2),
        fill(w.fig_kFactor_hint, { i: totals.invitesPerInviter.toFixed(2), c: `${(totals.conversion * 100).toFixed(1)} %` }),
      ),
      figure("depth", w.fig_depth, totals.depth),
      figure("people", w.fig_people, totals.people),
      figure("inviters", w.fig_inviters, totals.inviters),
    );
  }

  private spreaders({ topSpreaders }: PropagationReport): void {
    const w = this.w;
    const out = byId("propagation-spreaders");
    if (topSpreaders.length === 0) {
      out.replaceChildren(h("p", { class: "muted" }, w.noSpreaders));
      return;
    }
    out.replaceChildren(
      h(
        "table",
        { "data-view": "top-spreaders" },
        h(
          "thead",
          {},
          h(
            "tr",
            {},
            [w.col_rank, w.col_shopper, w.col_descendants, w.col_depth].map((t) => h("th", {}, t)),
          ),
        ),
        h(
          "tbody",
          {},
          topSpreaders.map((s, i) =>
            h(
              "tr",
              { "data-shopper": s.id },
              h("td", {}, i + 1),
              h("td", { title: s.id }, h("button", { type: "button", class: "spreader", onclick: () => this.focus(s.id) }, s.label)),
              h("td", { class: "number" }, s.descendants),
              h("td", { class: "number" }, s.depth),
            ),
          ),
        ),
      ),
    );
  }

  /** The graph, drawn anew: the tree laid out breadth first from its roots, touches drawn over it. */
  private async draw(report: PropagationReport, turn: number): Promise<void> {
    const container = byId("propagation-graph");
    this.cy?.destroy();
    this.cy = null;
    container.dataset.nodes = "";
    container.dataset.edges = "";
    if (report.graph.nodes.length === 0) {
      container.replaceChildren(h("p", { class: "muted empty" }, this.w.emptyGraph));
      container.dataset.nodes = "0";
      container.dataset.edges = "0";
      return;
    }
    container.replaceChildren();
    if (!document.getElementById(CYTOSCAPE_STYLESHEET_ID))
      document.head.append(h("meta", { id: CYTOSCAPE_STYLESHEET_ID, name: "cytoscape" }));
    const { default: cytoscape } = await import("cytoscape");
    if (turn !== this.turn) return;
    const elements: ElementDefinition[] = [
      ...report.graph.nodes.map((n) => ({
        group: "nodes" as const,
        data: {
          id: n.id,
          label: n.label,
          descendants: n.descendants,
          diameter: nodeDiameter(n.descendants),
          root: n.parent === null ? 1 : 0,
        },
      })),
      ...report.graph.edges.map((e) => ({
        group: "edges" as const,
        data: { id: e.id, source: e.source, target: e.target, kind: e.kind },
        classes: e.tree ? "tree" : "touch",
      })),
    ];
    const cy = cytoscape({
      container,
      elements,
      style: STYLE,
      minZoom: 0.05,
      maxZoom: 4,
      wheelSensitivity: 0.3,
      boxSelectionEnabled: false,
      autoungrabify: true,
      // Large graphs: draw a still picture while panning or zooming.
      textureOnViewport: report.graph.nodes.length > 2_000,
      hideEdgesOnViewport: report.graph.nodes.length > 5_000,
    });
    cy.elements("node, edge.tree")
      .layout({
        name: "breadthfirst",
        directed: true,
        roots: report.graph.nodes.filter((n) => n.parent === null).map((n) => n.id),
        spacingFactor: 1.1,
        padding: 24,
        animate: false,
      })
      .run();
    cy.fit(undefined, 24);
    this.cy = cy;
    container.dataset.nodes = String(cy.nodes().length);
    container.dataset.edges = String(cy.edges().length);
  }

  private zoomBy(factor: number): void {
    const cy = this.cy;
    if (!cy) return;
    const level = Math.min(cy.maxZoom(), Math.max(cy.minZoom(), cy.zoom() * factor));
    cy.zoom({ level, renderedPosition: { x: cy.width() / 2, y: cy.height() / 2 } });
  }

  /** Centres the graph on a shopper and selects them (from the spreaders table). */
  private focus(id: string): void {
    const cy = this.cy;
    if (!cy) return;
    const node = cy.getElementById(id);
    if (node.empty()) return;
    cy.elements().unselect();
    node.select();
    cy.animate({ center: { eles: node }, zoom: Math.max(cy.zoom(), 1) }, { duration: 300 });
    byId("propagation-graph").scrollIntoView({ behavior: "smooth", block: "center" });
  }
}

const STYLE: StylesheetJson = [
  {
    selector: "node",
    style: {
      width: "data(diameter)",
      height: "data(diameter)",
      "background-color": "#5b7db1",
      "border-width": 1,
      "border-color": "#ffffff",
      label: "data(label)",
      "font-size": 9,
      color: "#333333",
      "text-valign": "bottom",
      "text-margin-y": 3,
      "min-zoomed-font-size": 7,
    },
  },
  { selector: "node[root = 1]", style: { "background-color": "#2b4c7e" } },
  { selector: "node:selected", style: { "border-width": 3, "border-color": "#e8590c" } },
  {
    selector: "edge",
    style: {
      width: 1.5,
      "curve-style": "bezier",
      "target-arrow-shape": "triangle",
      "arrow-scale": 0.7,
      "line-color": KIND_COLOURS.visit,
      "target-arrow-color": KIND_COLOURS.visit,
    },
  },
  { selector: "edge[kind = 'join']", style: { "line-color": KIND_COLOURS.join, "target-arrow-color": KIND_COLOURS.join } },
  { selector: "edge[kind = 'order']", style: { "line-color": KIND_COLOURS.order, "target-arrow-color": KIND_COLOURS.order } },
  { selector: "edge.touch", style: { "line-style": "dashed", opacity: 0.35, width: 1 } },
];
