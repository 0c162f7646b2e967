import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { checkSymbol, formatShortCode, newShortCode, parseShortCode, SYMBOLS } from "../../src/coupons/short-code.ts";

/** Store coupons' short codes (issue 15, src/coupons/short-code.ts): Crockford base32 with its mod-37 check symbol. */
const data = fc.array(fc.constantFrom(...SYMBOLS), { minLength: 8, maxLength: 8 }).map((symbols) => symbols.join(""));

describe("short codes", () => {
  it("computes Crockford's check symbol: the value mod 37, with *~$=U for 32–36", () => {
    expect(checkSymbol("00000000")).toBe("0");
    expect(checkSymbol("00000001")).toBe("1");
    // 32 → "10" in base32; 32 mod 37 = 32 → "*"
    expect(checkSymbol("00000010")).toBe("*");
    // 36 = 32 + 4 → "14"; 36 mod 37 → "U"
    expect(checkSymbol("00000014")).toBe("U");
    // 37 → "15" → 0
    expect(checkSymbol("00000015")).toBe("0");
  });

  it("round-trips: a fresh code parses back as itself, shown or typed in lower case with spaces", () => {
    for (let i = 0; i < 200; i += 1) {
      const code = newShortCode();
      expect(code).toMatch(/^[0-9A-HJKMNP-TV-Z]{8}[0-9A-HJKMNP-TV-Z*~$=U]$/);
      expect(formatShortCode(code)).toMatch(/^.{4}-.{4}-.$/);
      expect(parseShortCode(formatShortCode(code))).toEqual({ ok: true, value: code });
      expect(parseShortCode(` ${formatShortCode(code).toLowerCase().replace(/-/g, " ")} `)).toEqual({ ok: true, value: code });
    }
    fc.assert(
      fc.property(data, (symbols) => {
        const code = symbols + checkSymbol(symbols);
        expect(parseShortCode(formatShortCode(code))).toEqual({ ok: true, value: code });
      }),
    );
  });

  it("forgives Crockford's look-alikes: O as 0, I and L as 1", () => {
    const code = `0101${"1010"}`;
    const full = code + checkSymbol(code);
    expect(parseShortCode(`O1o1-IOLo-${full[8]}`)).toEqual({ ok: true, value: full });
  });

  it("catches every single-symbol substitution, in the data and in the check symbol", () => {
    fc.assert(
      fc.property(data, fc.nat(8), fc.constantFrom(...`${SYMBOLS}*~$=U`), (symbols, position, replacement) => {
        const code = symbols + checkSymbol(symbols);
        fc.pre(code[position] !== replacement && (position === 8 || SYMBOLS.includes(replacement)));
        const typo = code.slice(0, position) + replacement + code.slice(position + 1);
        expect(parseShortCode(typo)).toMatchObject({ ok: false, error: { code: "invalid_code" } });
      }),
      { numRuns: 2_000 },
    );
  });

  it("refuses the wrong length and symbols outside the alphabet", () => {
    for (const bad of ["", "ABCD-EFGH", "ABCD-EFGH-JK", "ABCD-EFGU-0", "AB#D-EFGH-0"]) {
      expect(parseShortCode(bad)).toMatchObject({ ok: false, error: { code: "invalid_code" } });
    }
  });
});
