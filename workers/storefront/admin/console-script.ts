/**
 * The marketer console's browser script (issue 6), inlined into GET /admin. Plain JS, no
 * framework and no build step; it builds every element with textContent, never innerHTML,
 * so nothing a sale contains can run as markup. Written without backticks or `${` so it
 * can live in this template string unescaped.
 *
 * It speaks only /admin/api: lists sales by phase every 2 s (orders per second come from
 * successive `ordersPlaced` readings), fills and reads the sale form (yuan ↔ fen, local
 * time ↔ epoch ms), and shows each problem the API lists next to the field it names.
 */
export const CONSOLE_SCRIPT = String.raw`
"use strict";
(() => {
  const TOKEN = "fs-admin-token";
  const ACTOR = "fs-admin-actor";
  const POLL_MS = 2000;
  const PHASES = [["live", "Live"], ["paused", "Paused"], ["upcoming", "Upcoming"], ["sold_out", "Sold out"], ["ended", "Ended"]];
  const BOOKKEEPING = ["version", "updatedAt", "updatedBy"];
  const state = { sales: [], previous: {}, rates: {}, editing: null, timer: null };
  const $ = (id) => document.getElementById(id);
  const form = $("editor");

  /** An element with attributes (on* take functions) and children (strings become text). */
  function h(tag, attrs, ...children) {
    const el = document.createElement(tag);
    for (const [name, value] of Object.entries(attrs || {})) {
      if (value === undefined || value === null || value === false) continue;
      if (name.startsWith("on")) el.addEventListener(name.slice(2), value);
      else if (name in el && name !== "list") el[name] = value;
      else el.setAttribute(name, value === true ? "" : String(value));
    }
    for (const child of children.flat()) if (child !== null && child !== undefined) el.append(child instanceof Node ? child : String(child));
    return el;
  }

  // ---- money and time --------------------------------------------------------------------

  /** Yuan as typed ("299", "299.5", "¥1,299.50") to integer fen, or null if it is no amount. */
  function toFen(text) {
    const m = /^(-?)(\d+)(?:\.(\d{1,2}))?$/.exec(String(text).replace(/[¥,\s]/g, ""));
    if (!m) return null;
    const fen = Number(m[2]) * 100 + Number((m[3] || "").padEnd(2, "0"));
    return m[1] ? -fen : fen;
  }
  const toYuan = (fen) => (fen < 0 ? "-" : "") + Math.floor(Math.abs(fen) / 100) + "." + String(Math.abs(fen) % 100).padStart(2, "0");
  const money = (fen) => "¥" + toYuan(fen);
  const pad = (n) => String(n).padStart(2, "0");
  function toLocalInput(ms) {
    const d = new Date(ms);
    return d.getFullYear() + "-" + pad(d.getMonth() + 1) + "-" + pad(d.getDate()) + "T" + pad(d.getHours()) + ":" + pad(d.getMinutes());
  }
  const when = (ms) => (ms === null || ms === undefined ? "–" : new Date(ms).toLocaleString());

  /** Sets a datetime input, remembering the exact time so an untouched field keeps its seconds. */
  function setTime(input, ms) {
    input.value = ms === undefined ? "" : toLocalInput(ms);
    input.dataset.exact = ms === undefined ? "" : String(ms);
    input.dataset.shown = input.value;
  }
  function readTime(input) {
    if (input.value && input.value === input.dataset.shown && input.dataset.exact) return Number(input.dataset.exact);
    const ms = input.value ? new Date(input.value).getTime() : NaN;
    return Number.isFinite(ms) ? ms : null;
  }

  // ---- the API ----------------------------------------------------------------------------

  async function api(method, path, body) {
    const headers = { Authorization: "Bearer " + sessionStorage.getItem(TOKEN) };
    const actor = sessionStorage.getItem(ACTOR);
    // Header values are bytes: a name like 王芳 travels percent-encoded, the API decodes it.
    if (actor) headers["X-Admin-Actor"] = encodeURIComponent(actor);
    if (body !== undefined) headers["Content-Type"] = "application/json";
    let response;
    try {
      response = await fetch("/admin/api" + path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
    } catch (error) {
      return { ok: false, status: 0, error: { code: "network", message: "the storefront did not answer: " + error.message } };
    }
    const data = await response.json().catch(() => null);
    const error = data && data.error ? data.error : response.ok ? null : { code: "http", message: "HTTP " + response.status };
    if (error && (error.code === "unauthorized" || error.code === "admin_closed")) signOut(error.message);
    return { ok: response.ok, status: response.status, data, error };
  }

  function flash(message, isError) {
    const el = $("flash");
    el.textContent = message;
    el.className = isError ? "error" : "";
    el.hidden = false;
    clearTimeout(flash.timer);
    flash.timer = setTimeout(() => (el.hidden = true), isError ? 12000 : 5000);
  }

  // ---- sign in ----------------------------------------------------------------------------

  function signOut(reason) {
    sessionStorage.removeItem(TOKEN);
    clearInterval(state.timer);
    state.timer = null;
    $("app").hidden = true;
    $("sign-out").hidden = true;
    $("whoami").textContent = "";
    $("sign-in").hidden = false;
    const problem = $("sign-in-problem");
    problem.textContent = reason || "";
    problem.hidden = !reason;
  }

  async function signIn() {
    $("sign-in").hidden = true;
    $("app").hidden = false;
    $("sign-out").hidden = false;
    $("whoami").textContent = "signed in as " + (sessionStorage.getItem(ACTOR) || "admin");
    await refresh();
    clearInterval(state.timer);
    state.timer = setInterval(() => document.hidden || refresh(), POLL_MS);
  }

  $("sign-in").addEventListener("submit", (event) => {
    event.preventDefault();
    const data = new FormData(event.target);
    sessionStorage.setItem(TOKEN, String(data.get("token")).trim());
    const actor = String(data.get("actor") || "").trim();
    if (actor) sessionStorage.setItem(ACTOR, actor);
    else sessionStorage.removeItem(ACTOR);
    signIn();
  });
  $("sign-out").addEventListener("click", () => signOut(""));

  // ---- the sales, by phase ------------------------------------------------------------------

  async function refresh() {
    const result = await api("GET", "/sales");
    if (!result.ok) {
      if (sessionStorage.getItem(TOKEN)) $("updated").textContent = "could not refresh: " + result.error.message;
      return;
    }
    for (const entry of result.data.sales) noteRate(entry);
    state.sales = result.data.sales;
    renderSales();
    $("updated").textContent = "live · updated " + new Date().toLocaleTimeString();
  }

  /** Orders per second over the last interval, from the object's count of orders ever placed. */
  function noteRate(entry) {
    if (!entry.live) return;
    const sku = entry.sale.sku;
    const now = { orders: entry.live.ordersPlaced, at: entry.live.snapshot.serverTime };
    const before = state.previous[sku];
    if (before && now.at > before.at) state.rates[sku] = ((now.orders - before.orders) * 1000) / (now.at - before.at);
    state.previous[sku] = now;
  }

  /**
   * Redraws the lists when a sale changed phase or version; otherwise only the live numbers,
   * so a top-up being typed or a focused button survives the 2-second refresh.
   */
  function renderSales() {
    const shape = JSON.stringify(state.sales.map((e) => [e.sale.sku, e.phase, e.sale.version, e.kvVersion]));
    if (shape === state.shape) return state.sales.forEach(updateRow);
    state.shape = shape;
    const typed = {};
    for (const input of $("sales").querySelectorAll("tr[data-sku] input")) if (input.value) typed[input.closest("tr").dataset.sku] = input.value;
    const groups = PHASES.map(([phase, label]) => {
      const sales = state.sales.filter((entry) => entry.phase === phase);
      const body = sales.length
        ? h("div", { class: "sales" }, h("table", {},
            h("thead", {}, h("tr", {}, ["Sale", "Window", "Sold", "Held", "Remaining", "Orders/s", "Gift", "Postgres", ""].map((t, i) => h("th", { class: i >= 2 && i <= 5 ? "num" : null }, t)))),
            h("tbody", {}, sales.map(saleRow))))
        : h("p", { class: "muted" }, "None");
      return h("section", { class: "card", "data-phase": phase }, h("h2", {}, label + " (" + sales.length + ")"), body);
    });
    $("sales").replaceChildren(...groups);
    for (const [sku, value] of Object.entries(typed)) {
      const input = rowOf(sku) && rowOf(sku).querySelector("input");
      if (input) input.value = value;
    }
  }

  const rowOf = (sku) => $("sales").querySelector('tr[data-sku="' + CSS.escape(sku) + '"]');

  /** The live cells of a sale's row: units, orders per second, the gift on offer. */
  function liveCells(entry) {
    const sale = entry.sale;
    const snap = entry.live ? entry.live.snapshot : null;
    const stock = snap ? snap.stock : null;
    const rate = state.rates[sale.sku];
    return {
      sold: stock ? String(stock.sold) : "–",
      held: stock ? String(stock.held) : "–",
      remaining: stock ? stock.remaining + " / " + stock.total : "– / " + sale.stock,
      rate: rate === undefined ? "…" : rate.toFixed(1),
      gift: snap && snap.gift ? snap.gift.title + " (" + snap.gift.remaining + " left)" : sale.gifts.length ? "not now" : "–",
      outbox: outboxText(entry.live && entry.live.outbox),
    };
  }

  /** How the sale's orders stand in Postgres: written, on their way, or refused and parked. */
  function outboxText(outbox) {
    if (!outbox) return "–";
    if (outbox.deadLettered > 0) return "⚠ " + outbox.deadLettered + " refused";
    return outbox.pending > 0 ? outbox.pending + " on the way" : "up to date";
  }

  function updateRow(entry) {
    const row = rowOf(entry.sale.sku);
    if (!row) return;
    for (const [name, text] of Object.entries(liveCells(entry))) row.querySelector('[data-field="' + name + '"]').textContent = text;
  }

  function saleRow(entry) {
    const sale = entry.sale;
    const cells = liveCells(entry);
    const lagging = entry.kvVersion !== null && entry.kvVersion < sale.version ? " · KV at v" + entry.kvVersion : "";
    const topUp = h("input", { type: "number", min: "1", step: "1", placeholder: "+ units", "aria-label": "units to add" });
    const ended = entry.phase === "ended";
    return h("tr", { "data-sku": sale.sku },
      h("td", {}, h("span", { class: "phase phase-" + entry.phase }, entry.phase.replace("_", " ")), " ", h("strong", {}, sale.title),
        h("div", { class: "muted" }, sale.sku + " · v" + sale.version + lagging + " · " + money(sale.listPrice))),
      h("td", {}, when(sale.startsAt), h("br"), "→ " + when(sale.endsAt)),
      ...["sold", "held", "remaining", "rate"].map((name) => h("td", { class: "num", "data-field": name }, cells[name])),
      h("td", { "data-field": "gift" }, cells.gift),
      h("td", { "data-field": "outbox" }, cells.outbox),
      h("td", {}, h("div", { class: "actions" },
        h("button", { type: "button", class: "secondary", onclick: () => openEditor(sale) }, "Edit"),
        ended ? null : sale.paused
          ? h("button", { type: "button", "data-action": "resume", onclick: () => setPaused(sale, false) }, "Resume")
          : h("button", { type: "button", "data-action": "pause", onclick: () => setPaused(sale, true) }, "Pause"),
        ended ? null : topUp,
        ended ? null : h("button", { type: "button", class: "secondary", "data-action": "top-up", onclick: () => topUpStock(sale, topUp) }, "Top up"),
        h("button", { type: "button", class: "secondary", onclick: () => showHistory(sale) }, "History"),
        h("button", { type: "button", class: "secondary", onclick: () => showAudit(sale.sku) }, "Audit"),
        h("button", { type: "button", class: "secondary", "data-action": "dead-letters", onclick: () => showDeadLetters(sale) }, "Dead letters"))));
  }

  async function setPaused(sale, paused) {
    const result = await api("POST", "/sales/" + sale.sku + (paused ? "/pause" : "/resume"));
    if (result.ok) flash((paused ? "Paused " : "Resumed ") + sale.title + (result.data.changed ? "" : ": it already was"));
    else flash("Could not " + (paused ? "pause" : "resume") + " " + sale.title + ": " + result.error.message, true);
    refresh();
  }

  /** Adds units: a full update from the version shown, so a concurrent edit is never overwritten. */
  async function topUpStock(sale, input) {
    const add = Number(input.value);
    if (!Number.isInteger(add) || add <= 0) return flash("Enter how many units to add: a whole number above 0.", true);
    const body = Object.assign(draftOf(sale), { stock: sale.stock + add, expectedVersion: sale.version });
    const result = await api("PUT", "/sales/" + sale.sku, body);
    if (result.ok) {
      input.value = "";
      flash("Stock of " + sale.title + " is now " + result.data.sale.stock + ".");
    }
    else flash("Top-up refused: " + (result.error.problems ? result.error.problems.join("; ") : result.error.message), true);
    refresh();
  }

  function draftOf(sale) {
    const draft = Object.assign({}, sale);
    for (const key of BOOKKEEPING) delete draft[key];
    return draft;
  }

  // ---- the form ---------------------------------------------------------------------------

  const field = (name) => form.elements.namedItem(name);

  function openEditor(sale) {
    state.editing = sale || null;
    clearProblems();
    $("editor-title").textContent = sale ? "Edit " + sale.title + " (version " + sale.version + ")" : "New sale";
    const s = sale || { sku: "", title: "", description: "", images: [], perShopperLimit: 1, holdSeconds: 600, tiers: [], gifts: [], paused: false };
    field("sku").value = s.sku;
    field("sku").readOnly = Boolean(sale);
    field("title").value = s.title;
    field("description").value = s.description;
    field("images").value = s.images.join("\n");
    field("listPrice").value = s.listPrice === undefined ? "" : toYuan(s.listPrice);
    field("stock").value = s.stock === undefined ? "" : s.stock;
    field("perShopperLimit").value = s.perShopperLimit;
    field("holdSeconds").value = s.holdSeconds;
    setTime(field("startsAt"), s.startsAt);
    setTime(field("endsAt"), s.endsAt);
    field("paused").checked = s.paused;
    $("tiers").replaceChildren();
    $("gifts").replaceChildren();
    s.tiers.forEach(addTier);
    s.gifts.forEach(addGift);
    form.hidden = false;
    form.scrollIntoView({ behavior: "smooth" });
  }

  function removeButton(row) {
    return h("td", {}, h("button", { type: "button", class: "secondary", onclick: () => { row.remove(); numberRows(); } }, "Remove"));
  }

  function addTier(tier) {
    const t = tier || {};
    const row = h("tr", { "data-row": "tiers" });
    row.append(
      h("td", {}, h("input", { "data-field": "fromRank", inputmode: "numeric", value: t.fromRank === undefined ? "" : t.fromRank })),
      h("td", {}, h("input", { "data-field": "toRank", inputmode: "numeric", value: t.toRank === undefined ? "" : t.toRank })),
      h("td", {}, h("input", { "data-field": "unitPrice", "data-money": "", inputmode: "decimal", value: t.unitPrice === undefined ? "" : toYuan(t.unitPrice) })),
      h("td", {}, h("input", { "data-field": "label", maxlength: "80", value: t.label || "" })),
      removeButton(row));
    $("tiers").append(row);
    numberRows();
  }

  function addGift(gift) {
    const g = gift || {};
    const row = h("tr", { "data-row": "gifts" });
    const from = h("input", { "data-field": "startsAt", "data-time": "", type: "datetime-local" });
    const until = h("input", { "data-field": "endsAt", "data-time": "", type: "datetime-local" });
    setTime(from, g.startsAt);
    setTime(until, g.endsAt);
    row.append(
      h("td", {}, h("input", { "data-field": "id", value: g.id || "", placeholder: "tote-bag" })),
      h("td", {}, h("input", { "data-field": "title", value: g.title || "", placeholder: "Tote bag 帆布袋" })),
      h("td", {}, from),
      h("td", {}, until),
      h("td", {}, h("input", { "data-field": "stock", inputmode: "numeric", value: g.stock === undefined ? "" : g.stock })),
      removeButton(row));
    $("gifts").append(row);
    numberRows();
  }

  /** Rows carry the API's paths (tiers.0.fromRank…), renumbered as rows come and go. */
  function numberRows() {
    for (const list of ["tiers", "gifts"]) {
      [...$(list).children].forEach((row, index) => {
        row.dataset.path = list + "." + index;
        for (const input of row.querySelectorAll("[data-field]")) input.dataset.path = list + "." + index + "." + input.dataset.field;
      });
    }
  }

  /**
   * The form as the API's sale: yuan to fen, local time to epoch ms. What cannot be
   * converted is a problem here; everything else is for the API to judge, so the rules
   * live in one place and its messages reach the marketer unchanged.
   */
  function readForm() {
    const problems = [];
    const number = (input, path) => {
      const text = input.value.trim();
      if (text === "") problems.push(path + ": required");
      else if (!/^-?\d+(\.\d+)?$/.test(text)) problems.push(path + ": enter a number");
      return Number(text);
    };
    const amount = (input, path) => {
      const fen = toFen(input.value);
      if (fen === null) problems.push(path + ": enter an amount in yuan, like 299 or 299.50");
      return fen;
    };
    const time = (input, path) => {
      const ms = readTime(input);
      if (ms === null) problems.push(path + ": pick a date and time");
      return ms;
    };
    const sale = {
      sku: field("sku").value.trim(),
      title: field("title").value.trim(),
      description: field("description").value,
      images: field("images").value.split("\n").map((line) => line.trim()).filter(Boolean),
      listPrice: amount(field("listPrice"), "listPrice"),
      stock: number(field("stock"), "stock"),
      startsAt: time(field("startsAt"), "startsAt"),
      endsAt: time(field("endsAt"), "endsAt"),
      perShopperLimit: number(field("perShopperLimit"), "perShopperLimit"),
      holdSeconds: number(field("holdSeconds"), "holdSeconds"),
      paused: field("paused").checked,
      tiers: [...$("tiers").children].map((row, i) => {
        const input = (name) => row.querySelector('[data-field="' + name + '"]');
        const tier = {
          fromRank: number(input("fromRank"), "tiers." + i + ".fromRank"),
          toRank: number(input("toRank"), "tiers." + i + ".toRank"),
          unitPrice: amount(input("unitPrice"), "tiers." + i + ".unitPrice"),
        };
        if (input("label").value.trim()) tier.label = input("label").value.trim();
        return tier;
      }),
      gifts: [...$("gifts").children].map((row, i) => {
        const input = (name) => row.querySelector('[data-field="' + name + '"]');
        return {
          id: input("id").value.trim(),
          title: input("title").value.trim(),
          startsAt: time(input("startsAt"), "gifts." + i + ".startsAt"),
          endsAt: time(input("endsAt"), "gifts." + i + ".endsAt"),
          stock: number(input("stock"), "gifts." + i + ".stock"),
        };
      }),
    };
    return { sale, problems };
  }

  function clearProblems() {
    for (const el of form.querySelectorAll(".problem[data-for]")) el.remove();
    for (const el of form.querySelectorAll(".invalid")) el.classList.remove("invalid");
    $("form-problems").replaceChildren();
    $("form-problems").hidden = true;
  }

  /** Each "path: message" next to the field of that path (or its row or list); the rest on top. */
  function showProblems(problems, summary) {
    clearProblems();
    const general = [];
    for (const problem of problems) {
      const cut = problem.indexOf(": ");
      const path = cut < 0 ? "body" : problem.slice(0, cut);
      const message = cut < 0 ? problem : problem.slice(cut + 2);
      const target = fieldFor(path);
      if (!target) {
        general.push(path === "body" ? message : problem);
        continue;
      }
      target.classList.add("invalid");
      const host = target.matches("tr") ? target.lastElementChild : target.matches("fieldset") ? target : target.closest("label, td") || target.parentElement;
      host.append(h("div", { class: "problem", "data-for": path }, message));
    }
    if (summary || general.length) {
      $("form-problems").replaceChildren(summary ? h("p", {}, summary) : "", ...general.map((text) => h("div", {}, text)));
      $("form-problems").hidden = false;
    }
    const first = form.querySelector(".invalid, #form-problems:not([hidden])");
    if (first) first.scrollIntoView({ behavior: "smooth", block: "center" });
  }

  function fieldFor(path) {
    const parts = path.split(".");
    while (parts.length) {
      const el = form.querySelector('[data-path="' + CSS.escape(parts.join(".")) + '"]');
      if (el) return el;
      parts.pop();
    }
    return null;
  }

  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const { sale, problems } = readForm();
    if (problems.length) return showProblems(problems, "Please fix the marked fields.");
    const editing = state.editing;
    $("save").disabled = true;
    const result = editing
      ? await api("PUT", "/sales/" + editing.sku, Object.assign(sale, { expectedVersion: editing.version }))
      : await api("POST", "/sales", sale);
    $("save").disabled = false;
    if (result.ok) {
      form.hidden = true;
      state.editing = null;
      flash("Saved " + result.data.sale.title + " (version " + result.data.sale.version + "). It is in effect now.");
      return refresh();
    }
    const error = result.error;
    if (error.problems) return showProblems(error.problems, error.code === "conflict" ? error.message : "The sale was not saved: please fix the marked fields.");
    if (error.code === "conflict" && error.version !== undefined) {
      return showProblems([], "Someone saved this sale meanwhile (now version " + error.version + "). Close the form and edit it again to see their changes; nothing of yours was saved.");
    }
    // A 503 after the object took the change says so itself ("the running sale has version…").
    showProblems([], error.code === "dependency_unavailable" && error.version !== undefined ? error.message : "Not saved: " + error.message);
  });
  $("add-tier").addEventListener("click", () => addTier());
  $("add-gift").addEventListener("click", () => addGift());
  $("new-sale").addEventListener("click", () => openEditor(null));
  $("close-editor").addEventListener("click", () => { form.hidden = true; state.editing = null; });

  // ---- history and audit ------------------------------------------------------------------

  const LABELS = { listPrice: "list price", stock: "stock", startsAt: "start", endsAt: "end", perShopperLimit: "limit per shopper", holdSeconds: "hold (s)" };
  function show(key, value) {
    if (value === undefined) return "–";
    if (key === "listPrice") return money(value);
    if (key === "startsAt" || key === "endsAt") return when(value);
    if (key === "tiers") return value.length ? value.map((t) => t.fromRank + "–" + t.toRank + " at " + money(t.unitPrice)).join(", ") : "none";
    if (key === "gifts") return value.length ? value.map((g) => g.title + " ×" + g.stock + " (" + when(g.startsAt) + " – " + when(g.endsAt) + ")").join(", ") : "none";
    return typeof value === "string" ? value : JSON.stringify(value);
  }
  /** What changed from one version to the next, one line per field, in the marketer's units. */
  function changes(before, after) {
    if (!before) return [after.version === 1 ? "created" : "the oldest version kept (earlier ones were written to KV by other means)"];
    const keys = [...new Set([...Object.keys(before), ...Object.keys(after)])].filter((key) => !BOOKKEEPING.includes(key));
    const lines = keys.filter((key) => JSON.stringify(before[key]) !== JSON.stringify(after[key])).map((key) => (LABELS[key] || key) + ": " + show(key, before[key]) + " → " + show(key, after[key]));
    return lines.length ? lines : ["no change"];
  }

  function openDetails(title, body) {
    $("details-title").textContent = title;
    $("details-body").replaceChildren(body);
    $("details").hidden = false;
    $("details").scrollIntoView({ behavior: "smooth" });
  }
  $("close-details").addEventListener("click", () => ($("details").hidden = true));

  async function showHistory(sale) {
    const result = await api("GET", "/sales/" + sale.sku + "/history");
    if (!result.ok) return flash("Could not read the history: " + result.error.message, true);
    const versions = result.data.versions;
    const rows = versions.map((v, i) => h("tr", {},
      h("td", {}, "v" + v.version),
      h("td", {}, when(v.updatedAt)),
      h("td", {}, v.updatedBy || "written to KV directly"),
      h("td", {}, h("ul", { class: "changes" }, changes(versions[i + 1] || null, v).map((line) => h("li", {}, line))))));
    openDetails("History of " + sale.title, h("table", { "data-view": "history" }, h("thead", {}, h("tr", {}, ["Version", "Saved", "By", "Changes"].map((t) => h("th", {}, t)))), h("tbody", {}, rows)));
  }

  async function showAudit(sku) {
    const result = await api("GET", "/audit" + (sku ? "?sku=" + encodeURIComponent(sku) : ""));
    if (!result.ok) return flash("Could not read the audit log: " + result.error.message, true);
    const rows = result.data.entries.map((e) => h("tr", {},
      h("td", {}, when(e.at)),
      h("td", {}, e.actor),
      h("td", {}, e.action),
      h("td", {}, e.sku + " v" + e.after.version),
      h("td", {}, h("ul", { class: "changes" }, changes(e.before, e.after).map((line) => h("li", {}, line))))));
    openDetails(sku ? "Audit log of " + sku : "Audit log", h("table", { "data-view": "audit" }, h("thead", {}, h("tr", {}, ["When", "Who", "Action", "Sale", "What changed"].map((t) => h("th", {}, t)))), h("tbody", {}, rows)));
  }
  $("show-audit").addEventListener("click", () => showAudit(null));

  /** Orders Postgres refused (ids and the refusal, never the rows), and a retry once the cause is fixed. */
  async function showDeadLetters(sale) {
    const result = await api("GET", "/sales/" + sale.sku + "/dead-letters");
    if (!result.ok) return flash("Could not read the dead letters: " + result.error.message, true);
    const { total, deadLetters } = result.data;
    const rows = deadLetters.map((d) => h("tr", {},
      h("td", {}, d.orderId), h("td", {}, d.reason || "–"), h("td", {}, when(d.parkedAt)), h("td", {}, d.failure.summary)));
    const retry = h("button", { type: "button", "data-action": "retry-dead-letters", onclick: () => retryDeadLetters(sale) }, "Retry all");
    const body = total === 0
      ? h("p", { "data-view": "dead-letters" }, "None: every order of this sale reached Postgres or is on its way.")
      : h("div", { "data-view": "dead-letters" },
          h("p", {}, total + " change(s) Postgres refused, parked so the orders behind them could land. Fix the cause (say, a migration), then retry."),
          h("table", {}, h("thead", {}, h("tr", {}, ["Order", "Change", "Parked", "Refusal"].map((t) => h("th", {}, t)))), h("tbody", {}, rows)),
          retry);
    openDetails("Dead letters of " + sale.title, body);
  }

  async function retryDeadLetters(sale) {
    const result = await api("POST", "/sales/" + sale.sku + "/dead-letters/retry");
    if (!result.ok) return flash("Retry failed: " + result.error.message, true);
    const { requeued, deadLettered } = result.data;
    flash(deadLettered === 0 ? requeued + " change(s) written to Postgres." : deadLettered + " of " + requeued + " change(s) refused again.", deadLettered > 0);
    showDeadLetters(sale);
    refresh();
  }

  // ---- start ------------------------------------------------------------------------------

  $("timezone").textContent = "(your local time, " + Intl.DateTimeFormat().resolvedOptions().timeZone + ")";
  if (sessionStorage.getItem(TOKEN)) signIn();
  else signOut("");
})();
`;
