import { describe, expect, it } from "vitest";
import { validateStoreInput } from "../../src/stores/store-input.ts";

const base = { id: "sh-1", name: "店", address: "路1号", city: "上海", latitude: 31.2, longitude: 121.4 };

describe("a store as the admin API takes it (src/stores/store-input.ts, issue 15)", () => {
  it("takes the hours as the week or as its text, and fills the defaults", () => {
    const asText = validateStoreInput({ ...base, openingHours: "mon-fri 09:00-21:00" });
    const asWeek = validateStoreInput({
      ...base,
      openingHours: { mon: ["09:00-21:00"], tue: ["09:00-21:00"], wed: ["09:00-21:00"], thu: ["09:00-21:00"], fri: ["09:00-21:00"] },
    });
    expect(asText).toEqual(asWeek);
    expect(asText).toMatchObject({
      ok: true,
      value: { timeZone: "Asia/Shanghai", redeemOnlyWhenOpen: false, active: true, openingHours: { sat: [] } },
    });
  });

  it("lists every problem at its path, those of the hours' text under openingHours, and refuses unknown fields", () => {
    const result = validateStoreInput({
      ...base,
      id: "Bad Id",
      latitude: 100,
      openingHours: "sun 10:00",
      extra: 1,
      timeZone: "Nowhere/City",
    });
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.problems).toEqual([
      expect.stringMatching(/^openingHours: sun 10:00: an interval/),
      "id: lowercase letters, digits and dashes, 2–40",
      "latitude: must be between −90 and 90",
      "timeZone: must be an IANA time zone, e.g. Asia/Shanghai",
      expect.stringMatching(/^body: Unrecognized key/),
    ]);
    expect(validateStoreInput([]).ok).toBe(false);
  });
});
