import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { experimentHistoryPrefix, experimentKey } from "../../src/experiments/experiment-config.ts";
import { admin, adminWithEnv, expectProblems, readError } from "./admin-support.ts";
import {
  clearSurface,
  createExperiment,
  draftExperiment,
  type ExperimentConfig,
  experimentAuditRows,
  startExperiment,
  updateExperiment,
  withRunningExperiment,
} from "./experiment-support.ts";

const saved = async (response: Response) => (await response.json<{ experiment: ExperimentConfig }>()).experiment;

describe("experiments through the admin API (issue 13)", () => {
  it("creates a draft (version 1, seeded by its key), reads and lists it, refuses a second with the same key", async () => {
    const draft = draftExperiment();
    const response = await admin("/experiments", { body: draft, actor: encodeURIComponent("王芳") });
    expect(response.status).toBe(201);
    const experiment = await saved(response);
    expect(experiment).toMatchObject({
      ...draft,
      seed: draft.key,
      status: "draft",
      startedAt: null,
      stoppedAt: null,
      version: 1,
      updatedBy: "王芳",
      targeting: { shoppers: [], devices: [], locales: [] },
    });
    expect(await saved(await admin(`/experiments/${draft.key}`))).toEqual(experiment);
    const list = await (await admin("/experiments")).json<{ experiments: ExperimentConfig[] }>();
    expect(list.experiments.map((e) => e.key)).toContain(draft.key);
    const again = await admin("/experiments", { body: draft });
    expect(again.status).toBe(409);
    expect((await readError(again)).code).toBe("conflict");
    expect((await admin("/experiments/no-such-experiment")).status).toBe(404);
  });

  it("lists every problem of a bad experiment in one 400, at its field, and writes nothing", async () => {
    const key = `x-${crypto.randomUUID().slice(0, 12)}`;
    const response = await admin("/experiments", {
      body: {
        key,
        name: "",
        surface: "buy_button",
        primaryMetric: "clicks",
        variants: [
          { key: "blue", name: "Blue", weight: 0 },
          { key: "blue", name: "Again", weight: 0 },
          { key: "green", name: "Green", weight: -1 },
        ],
        targeting: { devices: ["watch"], locales: ["fr"] },
        colour: "red",
      },
    });
    const problems = await expectProblems(response, [
      "name",
      "primaryMetric",
      "variants.1.key",
      "variants.2.weight",
      "variants.2.key",
      "variants.0.key",
      "targeting.devices.0",
      "targeting.locales.0",
      "body",
    ]);
    expect(problems).toContain('variants.1.key: "blue" is already another variant\'s key');
    expect(problems).toContain('variants.0.key: the first variant is the control: "red" on buy_button');
    expect(problems).toContain("variants.2.key: the buy_button surface renders red or blue");
    expect(await env.SALES.get(experimentKey(key))).toBeNull();
    expect(await experimentAuditRows(key)).toEqual([]);
    // Weights that add up to nothing.
    await expectProblems(
      await admin("/experiments", {
        body: draftExperiment({
          variants: [
            { key: "red", name: "Red", weight: 0 },
            { key: "blue", name: "Blue", weight: 0 },
          ],
        }),
      }),
      ["variants"],
    );
    await expectProblems(await admin("/experiments", { body: draftExperiment({ variants: [{ key: "red", name: "Red", weight: 1 }] }) }), [
      "variants",
    ]);
  });

  it("versions every change in KV and audits it: create, update, start, stop; a stopped experiment is final", async () => {
    const created = await createExperiment();
    const updated = await saved(await updateExperiment(created, { name: "Buy button: red or blue", targeting: { devices: ["phone"] } }));
    expect(updated).toMatchObject({ version: 2, name: "Buy button: red or blue", targeting: { devices: ["phone"] } });
    await clearSurface(created.surface);
    const started = await startExperiment(created.key);
    expect(started).toMatchObject({ version: 3, status: "running" });
    expect(started.startedAt).toBeGreaterThan(0);
    const stopped = await saved(await admin(`/experiments/${created.key}/stop`, { method: "POST", actor: "li" }));
    expect(stopped).toMatchObject({ version: 4, status: "stopped", updatedBy: "li" });
    expect(stopped.stoppedAt).toBeGreaterThanOrEqual(started.startedAt!);

    const history = await (await admin(`/experiments/${created.key}/history`)).json<{ versions: ExperimentConfig[] }>();
    expect(history.versions.map((v) => v.version)).toEqual([4, 3, 2, 1]);
    expect((await env.SALES.list({ prefix: experimentHistoryPrefix(created.key) })).keys).toHaveLength(4);
    const rows = await experimentAuditRows(created.key);
    expect(rows.map((r) => [r.action, r.version])).toEqual([
      ["create", 1],
      ["update", 2],
      ["start", 3],
      ["stop", 4],
    ]);
    expect(rows[0]!.before).toBeNull();
    expect(rows[3]!.before?.status).toBe("running");
    const audit = await (await admin(`/experiments/${created.key}/audit`)).json<{ entries: Array<{ action: string }> }>();
    expect(audit.entries.map((e) => e.action)).toEqual(["stop", "start", "update", "create"]);

    for (const refused of [
      await updateExperiment(stopped, { name: "again" }),
      await admin(`/experiments/${created.key}/start`, { method: "POST" }),
      await admin(`/experiments/${created.key}/stop`, { method: "POST" }),
    ]) {
      expect(refused.status).toBe(409);
      expect((await readError(refused)).code).toBe("conflict");
    }
    expect(await experimentAuditRows(created.key)).toHaveLength(4);
  });

  it("refuses an edit from a stale version (409 with the current version), and one of two saves racing from one version", async () => {
    const created = await createExperiment();
    await updateExperiment(created, { name: "first" });
    const stale = await updateExperiment(created, { name: "second" });
    expect(stale.status).toBe(409);
    expect(await readError(stale)).toMatchObject({ code: "conflict", version: 2 });
    const current = await saved(await admin(`/experiments/${created.key}`));
    const racing = await Promise.all([updateExperiment(current, { name: "A" }), updateExperiment(current, { name: "B" })]);
    expect(racing.map((r) => r.status).sort()).toEqual([200, 409]);
    const rows = await experimentAuditRows(created.key);
    expect(rows.map((r) => r.version)).toEqual([1, 2, 3]);
    const winner = rows[2]!.after.name;
    expect((await saved(await admin(`/experiments/${created.key}`))).name).toBe(winner);
  });

  it("while running, lets weights, name and targeting change but not the surface, metric or variants", async () => {
    await withRunningExperiment({}, async (running) => {
      const reweighted = await updateExperiment(running, {
        variants: [
          { key: "red", name: "Red", weight: 10 },
          { key: "blue", name: "Blue", weight: 90 },
        ],
      });
      expect(reweighted.status).toBe(200);
      const now = await saved(reweighted);
      expect(now.variants.map((v) => v.weight)).toEqual([10, 90]);
      expect(now.seed).toBe(running.seed);
      const refused = await updateExperiment(now, {
        primaryMetric: "revenue",
        variants: [
          { key: "red", name: "Red", weight: 1 },
          { key: "blue", name: "Blue", weight: 1 },
          { key: "red", name: "dup", weight: 1 },
        ],
      });
      await expectProblems(refused, ["variants.2.key"]);
      const reordered = await updateExperiment(now, {
        surface: "countdown",
        variants: [
          { key: "dynamic", name: "Canvas", weight: 1 },
          { key: "static", name: "Static", weight: 1 },
        ],
      });
      await expectProblems(reordered, ["surface", "variants"]);
    });
  });

  it("runs one experiment per surface: starting a second is 409 naming the first", async () => {
    await withRunningExperiment({}, async (first) => {
      const second = await createExperiment();
      const refused = await admin(`/experiments/${second.key}/start`, { method: "POST" });
      expect(refused.status).toBe(409);
      expect((await readError(refused)).message).toContain(first.key);
    });
  });

  it("saves nothing when Postgres is unreachable (503), so nothing goes unaudited", async () => {
    const draft = draftExperiment();
    const response = await adminWithEnv({ DATABASE_URL: "postgres://x:y@127.0.0.1:9/none" }, "/experiments", {
      method: "POST",
      body: draft,
    });
    expect(response.status).toBe(503);
    expect((await readError(response)).code).toBe("dependency_unavailable");
    expect(await env.SALES.get(experimentKey(draft.key))).toBeNull();
  });

  it("saves nothing when KV refuses the version: the audit row is rolled back (503)", async () => {
    const draft = draftExperiment();
    const refusingKv = new Proxy(env.SALES, {
      get: (target, name) =>
        name === "put" ? async () => Promise.reject(new Error("KV is down")) : Reflect.get(target, name).bind(target),
    });
    const response = await adminWithEnv({ SALES: refusingKv }, "/experiments", { method: "POST", body: draft });
    expect(response.status).toBe(503);
    expect(await experimentAuditRows(draft.key)).toEqual([]);
  });
});
