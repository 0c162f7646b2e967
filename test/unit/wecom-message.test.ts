import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { clipBytes, messageBody, sendUrl, tokenUrl, WECOM_API_BASE, WECOM_LIMITS, wecomSettings } from "../../src/channels/wecom.ts";

/** The pure parts of the WeCom channel (src/channels/wecom.ts, issue 17): settings, URLs, message bodies within WeCom's byte limits. */

const bytes = (text: string) => new TextEncoder().encode(text).length;

describe("WeCom requests", () => {
  it("is off unless corp, agent and secret are set; the API base defaults to WeCom's own", () => {
    expect(wecomSettings({})).toBeNull();
    expect(wecomSettings({ WECOM_CORP_ID: "ww1", WECOM_AGENT_ID: "1000002" })).toBeNull();
    expect(wecomSettings({ WECOM_CORP_ID: "ww1", WECOM_AGENT_ID: "0", WECOM_CORP_SECRET: "s" })).toBeNull();
    expect(wecomSettings({ WECOM_CORP_ID: "ww1", WECOM_AGENT_ID: "1000002", WECOM_CORP_SECRET: "s", WECOM_API_BASE: "" })).toEqual({
      corpId: "ww1",
      agentId: 1_000_002,
      corpSecret: "s",
      apiBase: WECOM_API_BASE,
      shopOrigin: "",
    });
  });

  it("builds gettoken and message/send URLs as WeCom documents them, with or without a trailing slash on the base", () => {
    expect(tokenUrl({ corpId: "ww1", corpSecret: "a b&c", apiBase: "https://stand-in.test/" })).toBe(
      "https://stand-in.test/cgi-bin/gettoken?corpid=ww1&corpsecret=a+b%26c",
    );
    expect(sendUrl(WECOM_API_BASE, "TOKEN")).toBe("https://qyapi.weixin.qq.com/cgi-bin/message/send?access_token=TOKEN");
  });

  it("sends text, or a textcard when the message links to the shop and its origin is known", () => {
    const message = { idempotencyKey: "k", shopperId: "shp_1", locale: "en" as const, title: "Hi", body: "Body", link: "/inbox" };
    expect(messageBody(message, "u1", { agentId: 7, shopOrigin: "" })).toEqual({
      touser: "u1",
      agentid: 7,
      msgtype: "text",
      text: { content: "Hi\nBody" },
      enable_duplicate_check: 1,
      duplicate_check_interval: 1_800,
    });
    expect(messageBody(message, "u1", { agentId: 7, shopOrigin: "https://shop.example" })).toMatchObject({
      msgtype: "textcard",
      textcard: { title: "Hi", description: "Body", url: "https://shop.example/inbox", btntxt: "Open" },
    });
  });

  it("clips to WeCom's byte limits on a character boundary: never over, the start kept, short text untouched", () => {
    fc.assert(
      fc.property(fc.string({ unit: "binary", maxLength: 400 }), fc.integer({ min: 4, max: 600 }), (text, max) => {
        const clipped = clipBytes(text, max);
        expect(bytes(clipped)).toBeLessThanOrEqual(max);
        if (bytes(text) <= max) expect(clipped).toBe(text);
        else expect(text.startsWith(clipped.slice(0, -1))).toBe(true);
      }),
    );
    const long = "好".repeat(1_000);
    const body = messageBody({ idempotencyKey: "k", shopperId: "s", locale: "zh-CN", title: long, body: long, link: "/x" }, "u", {
      agentId: 1,
      shopOrigin: "https://shop.example",
    });
    expect(body.msgtype === "textcard" && bytes(body.textcard.title)).toBeLessThanOrEqual(WECOM_LIMITS.title);
  });
});
