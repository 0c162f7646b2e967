import { describe, expect, it } from "vitest";
import {
  customAudienceFilename,
  customAudienceHeader,
  customAudienceLines,
  hashIdentifier,
  normaliseIdentifier,
} from "../../src/audiences/custom-audience.ts";

/** The custom-audience file (issue 18): normalised, SHA-256-hashed shopper ids under EXTERN_ID. */
describe("the custom-audience export", () => {
  it("normalises (trim, lower case) and hashes with SHA-256 as lower-case hex: a worked example", async () => {
    expect(normaliseIdentifier("  SHP_ABC \t")).toBe("shp_abc");
    // printf 'shp_abc' | sha256sum
    const expected = "f85905c7910b06aa8d1c43542e3afb49dcba680a7627f69ed4caabc4bd638895";
    expect(await hashIdentifier("shp_abc")).toBe(expected);
    expect(await hashIdentifier(" SHP_ABC ")).toBe(expected);
  });

  it("writes the header and one CRLF line per shopper, in order", async () => {
    expect(customAudienceHeader()).toBe("EXTERN_ID\r\n");
    const lines = await customAudienceLines(["shp_abc", "shp_b"]);
    const rows = lines.split("\r\n");
    expect(rows).toHaveLength(3);
    expect(rows[0]).toBe("f85905c7910b06aa8d1c43542e3afb49dcba680a7627f69ed4caabc4bd638895");
    expect(rows[1]).toMatch(/^[0-9a-f]{64}$/);
    expect(rows[2]).toBe("");
    expect(lines).not.toContain("shp_");
  });

  it("names the file by audience and percent", () => {
    expect(customAudienceFilename("aud_1", 2.5)).toBe("lookalike-aud_1-2_5pct.csv");
    expect(customAudienceFilename("aud_1", 1)).toBe("lookalike-aud_1-1pct.csv");
  });
});
