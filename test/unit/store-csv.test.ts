import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { formatOpeningHours } from "../../src/stores/opening-hours-text.ts";
import { parseStoreCsv, STORE_CSV_COLUMNS, STORE_CSV_EXAMPLE, STORE_CSV_LIMITS } from "../../src/stores/store-csv.ts";
import { generateStaffToken, hashStaffSecret, parseStaffToken } from "../../src/stores/staff-token.ts";

const HEADER = STORE_CSV_COLUMNS.join(",");
const good = (id: string) => `${id},Store ${id},"1 Road, District",Shanghai,31.2304,121.4737,Asia/Shanghai,mon-fri 09:00-21:00,true`;
const problemsOf = (text: string) => {
  const parsed = parseStoreCsv(text);
  return parsed.ok ? [] : parsed.problems;
};

describe("the stores' CSV import (src/stores/store-csv.ts, issue 15)", () => {
  it("reads the README's example: quoted commas, the compact hours, the flag", () => {
    const parsed = parseStoreCsv(STORE_CSV_EXAMPLE);
    expect(parsed.ok).toBe(true);
    if (!parsed.ok) return;
    expect(parsed.value.map((s) => s.id)).toEqual(["sh-jingan", "hz-xihu"]);
    expect(parsed.value[0]).toMatchObject({
      address: "1618 Nanjing Road West, Jing'an",
      latitude: 31.2243,
      longitude: 121.4468,
      redeemOnlyWhenOpen: true,
      active: true,
      openingHours: { mon: ["10:00-22:00"], sat: ["09:30-22:30"] },
    });
    expect(parsed.value[1]?.openingHours.sun).toEqual(["10:00-22:00"]);
  });

  it("accepts a byte-order mark, CRLF line ends, columns in any order, blank lines and an empty time zone (Asia/Shanghai)", () => {
    const text = `\uFEFFname,id,address,city,latitude,longitude,time_zone,opening_hours,redeem_only_when_open\r\nA,a1,Road 1,Hangzhou,30.25,120.16,,daily 10:00-22:00,no\r\n\r\n`;
    const parsed = parseStoreCsv(text);
    expect(parsed).toMatchObject({ ok: true, value: [{ id: "a1", name: "A", timeZone: "Asia/Shanghai", redeemOnlyWhenOpen: false }] });
  });

  it("lists every problem of every row as `row N, column: message`, and imports nothing", () => {
    const text = [
      HEADER,
      good("ok-1"),
      `Bad Id,Name,Addr,Shanghai,31.2,121.4,Asia/Shanghai,,true`,
      `ok-2,"",Addr,Shanghai,91,121.4,Mars/Olympus,mon 09:00-08:00,maybe`,
      `ok-3,=cmd|'/C calc'!A0,@SUM(1),Shanghai,abc,,Asia/Shanghai,,`,
      good("ok-1"),
      `ok-4,Too,few,fields`,
    ].join("\n");
    expect(problemsOf(text)).toEqual([
      "row 3, id: lowercase letters, digits and dashes, 2–40",
      "row 4, name: must not be empty",
      "row 4, latitude: must be between −90 and 90",
      "row 4, time_zone: must be an IANA time zone, e.g. Asia/Shanghai",
      "row 4, opening_hours: mon 09:00-08:00: must open before it closes (use 24:00 for midnight)",
      'row 4, redeem_only_when_open: "maybe" is not true or false',
      "row 5, name: must not start with = + - @ or a tab (a spreadsheet formula)",
      "row 5, address: must not start with = + - @ or a tab (a spreadsheet formula)",
      'row 5, latitude: "abc" is not a decimal number of degrees, e.g. 31.2304',
      "row 5, longitude: must not be empty",
      'row 6, id: "ok-1" is also on row 2',
      'row 7: 4 fields, the header has 9 (a comma inside a value needs "quotes")',
    ]);
  });

  it("answers a wrong header, an unclosed quote and an empty file", () => {
    expect(problemsOf("id,name,addr\nx")).toEqual(
      expect.arrayContaining([
        `row 1, addr: not a column of the import (${HEADER})`,
        "row 1, address: missing column",
        "row 1, city: missing column",
      ]),
    );
    expect(problemsOf(`${HEADER}\n${good("q-1")}\nq-2,"Unclosed,Addr,Shanghai,31,121,Asia/Shanghai,,true\n`).join("\n")).toMatch(
      /^row 3: .*[Qq]uote/m,
    );
    expect(problemsOf(`${HEADER}\n`)).toEqual(["row 2: the file has no stores"]);
  });

  it("refuses a file over the row or byte limit whole, before reading its rows", () => {
    const many = [HEADER, ...Array.from({ length: STORE_CSV_LIMITS.maxRows + 1 }, (_, i) => good(`s-${i}`))].join("\n");
    expect(problemsOf(many)).toEqual([
      `the file has ${STORE_CSV_LIMITS.maxRows + 1} stores; at most ${STORE_CSV_LIMITS.maxRows} are imported at once`,
    ]);
    const huge = `${HEADER}\n${good("big")}${"x".repeat(STORE_CSV_LIMITS.maxBytes)}`;
    expect(problemsOf(huge)).toEqual([`the file is larger than ${STORE_CSV_LIMITS.maxBytes} bytes: import it in parts`]);
  });

  it("never throws on hostile text, and a file that passes only holds valid, distinct stores", () => {
    const cell = fc.oneof(
      fc.string(),
      fc.constantFrom('"', '""', "=1+1", "\r\n", ",", "\uFEFF", "mon-fri 09:00-21:00", "mon 10:00", "31.2"),
    );
    const row = fc.array(cell, { minLength: 0, maxLength: 11 }).map((cells) => cells.join(","));
    fc.assert(
      fc.property(fc.array(row, { maxLength: 6 }), fc.boolean(), (rows, withHeader) => {
        const parsed = parseStoreCsv([...(withHeader ? [HEADER] : []), ...rows].join("\n"));
        if (parsed.ok) expect(new Set(parsed.value.map((s) => s.id)).size).toBe(parsed.value.length);
        else expect(parsed.problems.length).toBeGreaterThan(0);
      }),
    );
  });

  it("round-trips a store's hours through the file's text form", () => {
    const parsed = parseStoreCsv(
      `${HEADER}\nr-1,R,Addr,Shanghai,31,121,Asia/Shanghai,"mon,wed 10:00-14:00, 17:00-22:00; sun 00:00-24:00",1`,
    );
    expect(parsed.ok && formatOpeningHours(parsed.value[0]!.openingHours)).toBe("mon,wed 10:00-14:00,17:00-22:00; sun 00:00-24:00");
  });
});

describe("store staff tokens (src/stores/staff-token.ts)", () => {
  it("are sst_<12 base-36>_<43 base64url>, parse back, and differ every time", () => {
    const a = generateStaffToken();
    const b = generateStaffToken();
    expect(a.token).toMatch(/^sst_[0-9a-z]{12}_[A-Za-z0-9_-]{43}$/);
    expect(parseStaffToken(a.token)).toEqual({ tokenId: a.tokenId, secret: a.secret });
    expect(a.token).not.toBe(b.token);
  });

  it("refuse what is not one: another prefix, a short id or secret, spaces, an API key", () => {
    for (const text of [
      "",
      "sst_",
      `sst_abc_${"x".repeat(43)}`,
      `fsk_${"a".repeat(16)}_${"x".repeat(43)}`,
      `sst_${"A".repeat(12)}_${"x".repeat(43)}`,
      `sst_${"a".repeat(12)}_${"x".repeat(20)}`,
      ` sst_${"a".repeat(12)}_${"x".repeat(43)}`,
    ]) {
      expect(parseStaffToken(text)).toBeNull();
    }
  });

  it("store the SHA-256 of the secret in hex (FIPS 180-2's 'abc' vector)", async () => {
    expect(await hashStaffSecret("abc")).toBe("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  });
});
