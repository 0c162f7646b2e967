import { describe, expect, it } from "vitest";
import {
  accessTokenUrl,
  jsapiTicketUrl,
  readAccessTokenAnswer,
  readTicketAnswer,
  signatureBase,
  usableUntil,
  wechatConfig,
  wechatNonce,
  wechatSignature,
} from "../../src/share/wechat-signature.ts";

/** WeChat's documented example (JS-SDK 说明文档, 附录1 JS-SDK使用权限签名算法). */
const EXAMPLE = {
  jsapiTicket: "sM4AOVdWfPE4DxkXGEs8VMCPGGVi4C3VM0P37wVUCFvkVAy_90u5h9nbSlYy3-Sl-HhTdfl2fzFy1AOcHKP7qg",
  nonceStr: "Wm3WZYTPz0wzccnW",
  timestamp: 1414587457,
  url: "http://mp.weixin.qq.com?params=value",
};

describe("the WeChat JS-SDK signature (src/share/wechat-signature.ts)", () => {
  it("signs WeChat's documented example exactly as documented", async () => {
    expect(signatureBase(EXAMPLE)).toBe(
      "jsapi_ticket=sM4AOVdWfPE4DxkXGEs8VMCPGGVi4C3VM0P37wVUCFvkVAy_90u5h9nbSlYy3-Sl-HhTdfl2fzFy1AOcHKP7qg&noncestr=Wm3WZYTPz0wzccnW&timestamp=1414587457&url=http://mp.weixin.qq.com?params=value",
    );
    expect(await wechatSignature(EXAMPLE)).toBe("0f9de62fce790f9a083d5c99e95740ceb90c27ed");
  });

  it("signs the page URL without its # fragment", async () => {
    expect(await wechatSignature({ ...EXAMPLE, url: `${EXAMPLE.url}#/share?x=1` })).toBe("0f9de62fce790f9a083d5c99e95740ceb90c27ed");
  });

  it("builds wx.config for a page: the timestamp in seconds, the nonce and the signature", async () => {
    const config = await wechatConfig({
      appId: "wx1234567890abcdef",
      ticket: EXAMPLE.jsapiTicket,
      url: EXAMPLE.url,
      now: 1414587457_999,
      nonce: EXAMPLE.nonceStr,
    });
    expect(config).toEqual({
      appId: "wx1234567890abcdef",
      timestamp: 1414587457,
      nonceStr: "Wm3WZYTPz0wzccnW",
      signature: "0f9de62fce790f9a083d5c99e95740ceb90c27ed",
    });
    await expect(wechatConfig({ appId: "wx1", ticket: "t", url: "https://x", now: 0, nonce: "a&url=evil" })).rejects.toThrow(RangeError);
  });

  it("makes nonces WeChat accepts, different each time", () => {
    const a = wechatNonce();
    expect(a).toMatch(/^[0-9a-z]{16}$/);
    expect(wechatNonce()).not.toBe(a);
  });
});

describe("getting a jsapi_ticket: the URLs and the answers", () => {
  it("asks for an access_token and then a ticket at WeChat's documented URLs, with values escaped", () => {
    expect(accessTokenUrl("wx1234567890abcdef", "s3cr&t")).toBe(
      "https://api.weixin.qq.com/cgi-bin/token?grant_type=client_credential&appid=wx1234567890abcdef&secret=s3cr%26t",
    );
    expect(jsapiTicketUrl("ACCESS_TOKEN")).toBe("https://api.weixin.qq.com/cgi-bin/ticket/getticket?access_token=ACCESS_TOKEN&type=jsapi");
  });

  it("asks another API base when given one (WECHAT_API_BASE: a stand-in in tests), with or without a trailing slash", () => {
    expect(accessTokenUrl("wx1", "s", "http://127.0.0.1:9/")).toBe(
      "http://127.0.0.1:9/cgi-bin/token?grant_type=client_credential&appid=wx1&secret=s",
    );
    expect(jsapiTicketUrl("T", "https://wechat.stand-in.test")).toBe(
      "https://wechat.stand-in.test/cgi-bin/ticket/getticket?access_token=T&type=jsapi",
    );
  });

  it("reads an access_token answer, WeChat's error, and something else as malformed", () => {
    expect(readAccessTokenAnswer({ access_token: "ACCESS_TOKEN", expires_in: 7200 })).toEqual({
      ok: true,
      value: { accessToken: "ACCESS_TOKEN", expiresIn: 7200 },
    });
    expect(readAccessTokenAnswer({ errcode: 40013, errmsg: "invalid appid" })).toEqual({
      ok: false,
      errcode: 40013,
      errmsg: "invalid appid",
    });
    expect(readAccessTokenAnswer({ access_token: "", expires_in: 7200 })).toMatchObject({ ok: false, errcode: -2 });
    expect(readAccessTokenAnswer("<html>")).toMatchObject({ ok: false, errcode: -2 });
    expect(readAccessTokenAnswer(null)).toMatchObject({ ok: false });
  });

  it("reads a ticket answer, which carries errcode 0 when it succeeds", () => {
    const answer = {
      errcode: 0,
      errmsg: "ok",
      ticket: "bxLdikRXVbTPdHSM05e5u5sUoXNKd8-41ZO3MhKoyN5OfkWITDGgnr2fwJ0m9E8NYzWKVZvdVtaUgWvsdshFKA",
      expires_in: 7200,
    };
    expect(readTicketAnswer(answer)).toEqual({ ok: true, value: { ticket: answer.ticket, expiresIn: 7200 } });
    expect(readTicketAnswer({ errcode: 40001, errmsg: "invalid credential" })).toEqual({
      ok: false,
      errcode: 40001,
      errmsg: "invalid credential",
    });
    expect(readTicketAnswer({ errcode: 0, errmsg: "ok" })).toMatchObject({ ok: false, errcode: -2 });
  });

  it("keeps a ticket until five minutes before it expires", () => {
    expect(usableUntil(1_000_000, 7200)).toBe(1_000_000 + 7200_000 - 300_000);
    expect(usableUntil(1_000_000, 60)).toBe(1_000_000);
  });
});
