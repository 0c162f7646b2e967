import { describe, expect, it } from "vitest";
import { decodeFrame } from "../../web/client/store-staff/qr-decode.ts";
import { tidyCode } from "../../web/client/store-staff/typed-code.ts";
import { qrPicture, rgba } from "../support/qr-image.ts";

/** The till's codes (issue 15): typed short codes forgiven as Crockford intends, and QR codes read from pixels. */
describe("a typed coupon code (web/client/store-staff/typed-code.ts)", () => {
  it("groups a short code XXXX-XXXX-C whatever the case, dashes and spaces", () => {
    for (const typed of ["7kq2m9xd4", "7KQ2-M9XD-4", " 7kq2 m9xd 4 ", "7KQ2–M9XD–4"]) {
      expect(tidyCode(typed)).toEqual({ code: "7KQ2-M9XD-4", display: "7KQ2-M9XD-4", kind: "short_code" });
    }
  });

  it("reads O as 0 and I or L as 1, and takes a check symbol from Crockford's extra five (*~$=U)", () => {
    expect(tidyCode("oIl2-m9xd-*")?.code).toBe("0112-M9XD-*");
    expect(tidyCode("ABCD-EFGH-U")?.code).toBe("ABCD-EFGH-U");
  });

  it("passes a QR code's coupon id as it is", () => {
    expect(tidyCode("cpn_live-d11_8f3K2m9x")).toEqual({
      code: "cpn_live-d11_8f3K2m9x",
      display: "cpn_live-d11_8f3K2m9x",
      kind: "coupon_id",
    });
  });

  it("refuses what can be no code: too short, too long, U among the first eight, other symbols", () => {
    for (const typed of ["", "7KQ2-M9XD", "7KQ2-M9XD-44", "UKQ2-M9XD-4", "7KQ2-M9X#-4", "https://shop.test/"])
      expect(tidyCode(typed)).toBeNull();
  });
});

describe("the till's QR decoder (web/client/store-staff/qr-decode.ts, qr by Paul Miller)", () => {
  const couponId = "cpn_live-d11-500off_x7Gk29QpLm";

  it("reads a coupon id from a generated QR code, centred and small in a larger grey frame", () => {
    expect(decodeFrame(rgba(qrPicture(couponId)))).toBe(couponId);
    expect(decodeFrame(rgba(qrPicture(couponId, { scale: 3, width: 640, height: 480, left: 300, top: 120 })))).toBe(couponId);
  });

  it("finds nothing, without throwing, in a frame with no code or half a code", () => {
    const blank = { width: 320, height: 240, data: new Uint8ClampedArray(320 * 240 * 4).fill(200) };
    expect(decodeFrame(blank)).toBeNull();
    const half = qrPicture(couponId, { width: 200, height: 200, left: 100, top: 20 });
    expect(decodeFrame(rgba(half))).toBeNull();
  });
});
