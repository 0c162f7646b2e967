import { env } from "cloudflare:workers";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import type { OutboundMessage } from "../../src/channels/channel.ts";
import { WecomError } from "../../src/channels/wecom.ts";
import { externalChannels } from "../../src/channels/external-channels.ts";
import { WecomStandIn } from "../support/wecom-stand-in.ts";

/**
 * The WeCom (企业微信) channel as the Worker builds it (src/channels/external-channels.ts, issue
 * 17), with its real KV (token cache, sent keys, userids) and WeCom's API answered by a local
 * stand-in at WECOM_API_BASE (test/support/wecom-stand-in.ts): gettoken once and cached,
 * refreshed on an expired token, each message once by its idempotency key, refusals thrown.
 */

let wecom: WecomStandIn;
const realFetch = globalThis.fetch;

beforeEach(() => {
  wecom = new WecomStandIn();
  vi.spyOn(globalThis, "fetch").mockImplementation(async (input, init) => {
    const request = new Request(input, init);
    return wecom.serves(new URL(request.url)) ? wecom.handle(request) : realFetch(input, init);
  });
});

afterEach(() => {
  vi.restoreAllMocks();
});

/** The channel configured against this test's stand-in (a corp of its own: the token cache is per corp). */
function channel(overrides: Partial<Env> = {}) {
  const channels = externalChannels({
    ...env,
    WECOM_CORP_ID: wecom.corpId,
    WECOM_AGENT_ID: String(wecom.agentId),
    WECOM_CORP_SECRET: wecom.corpSecret,
    WECOM_API_BASE: wecom.origin,
    ...overrides,
  });
  expect(channels.map((c) => c.name)).toEqual(["wecom"]);
  return channels[0]!;
}

const message = (overrides: Partial<OutboundMessage> = {}): OutboundMessage => ({
  idempotencyKey: `enr_${crypto.randomUUID()}:1`,
  shopperId: `shp_${crypto.randomUUID().replaceAll("-", "").slice(0, 20)}`,
  locale: "zh-CN",
  title: "感谢您的购买",
  body: "您的订单已发货，使用感受如何？回复即可联系您的专属顾问。",
  ...overrides,
});

describe("the WeCom channel (externalChannels)", () => {
  it("is off unless the corp, the agent and the secret are all configured", () => {
    expect(externalChannels(env)).toEqual([]);
    const partial = { WECOM_CORP_ID: "ww1", WECOM_AGENT_ID: "1000002", WECOM_CORP_SECRET: "" };
    expect(externalChannels({ ...env, ...partial })).toEqual([]);
    expect(externalChannels({ ...env, ...partial, WECOM_CORP_SECRET: "s", WECOM_AGENT_ID: "not-a-number" })).toEqual([]);
  });

  it("asks gettoken once, caches the token in KV, and sends text messages with the app's agentid to the shopper", async () => {
    const wecomChannel = channel();
    const first = message();
    const second = message({ locale: "en", title: "Thanks", body: "How do you like it?" });
    await wecomChannel.send(first);
    await wecomChannel.send(second);
    expect(wecom.tokensIssued).toBe(1);
    expect(wecom.messages).toEqual([
      expect.objectContaining({
        touser: first.shopperId,
        msgtype: "text",
        agentid: wecom.agentId,
        text: { content: `${first.title}\n${first.body}` },
      }),
      expect.objectContaining({ touser: second.shopperId, msgtype: "text", text: { content: "Thanks\nHow do you like it?" } }),
    ]);
    expect(wecom.messages[0]?.enable_duplicate_check).toBe(1);
    // Another isolate (a new channel, the same KV) finds the token cached.
    await channel().send(message());
    expect(wecom.tokensIssued).toBe(1);
  });

  it("sends a message that links to the shop as a textcard opening it, when the shop's origin is configured", async () => {
    await channel({ WECOM_SHOP_ORIGIN: "https://shop.example/" }).send(message({ link: "/sale/earbuds-pro?from=wecom" }));
    expect(wecom.messages[0]).toMatchObject({
      msgtype: "textcard",
      textcard: { title: "感谢您的购买", url: "https://shop.example/sale/earbuds-pro?from=wecom", btntxt: "查看" },
    });
  });

  it("sends each idempotency key once: a retry after success and concurrent sends of one key send one message", async () => {
    const wecomChannel = channel();
    const once = message();
    await Promise.all(Array.from({ length: 5 }, () => wecomChannel.send(once)));
    await wecomChannel.send(once);
    await channel().send(once);
    expect(wecom.messages).toHaveLength(1);
  });

  it("shares one gettoken among concurrent sends with no token cached", async () => {
    const wecomChannel = channel();
    await Promise.all(Array.from({ length: 8 }, () => wecomChannel.send(message())));
    expect(wecom.tokensIssued).toBe(1);
    expect(wecom.messages).toHaveLength(8);
  });

  it("drops an expired token (42001), asks for a new one and sends once", async () => {
    const wecomChannel = channel();
    await wecomChannel.send(message());
    wecom.expireTokens();
    await wecomChannel.send(message());
    expect(wecom.tokensIssued).toBe(2);
    expect(wecom.messages).toHaveLength(2);
    expect(wecom.calls.filter((c) => c.path === "/cgi-bin/message/send")).toHaveLength(3);
  });

  it("throws WeCom's refusal (errcode ≠ 0) so the step is retried, and the retry sends it", async () => {
    const wecomChannel = channel();
    const refused = message();
    wecom.sendErrors.push(45009);
    const error = await wecomChannel.send(refused).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(WecomError);
    expect(error).toMatchObject({ errcode: 45009 });
    expect(wecom.messages).toHaveLength(0);
    await wecomChannel.send(refused);
    expect(wecom.messages).toHaveLength(1);
  });

  it("throws for a shopper who is not a member the app may message, and when WeCom cannot be reached; never tells the secret or token", async () => {
    // A wrong secret (before any token is cached): gettoken's errcode.
    const wrongSecret = await channel({ WECOM_CORP_SECRET: "wrong" })
      .send(message())
      .then(
        () => new Error("sent"),
        (e: unknown) => e as Error,
      );
    expect(wrongSecret).toMatchObject({ errcode: 40001 });
    expect(wrongSecret.message).not.toContain("wrong");
    wecom.members.add("someone-else");
    const notMember = await channel()
      .send(message())
      .catch((e: unknown) => e);
    expect(notMember).toMatchObject({ errcode: 81013 });
    wecom.down = true;
    const unreachable = await channel()
      .send(message())
      .then(
        () => new Error("sent"),
        (e: unknown) => e as Error,
      );
    expect(unreachable).toMatchObject({ errcode: -3 });
    for (const error of [notMember, unreachable] as Error[]) {
      expect(error.message).not.toContain(wecom.corpSecret);
      expect(error.message).not.toContain("WT_");
    }
  });

  it("reaches a shopper under the WeCom userid linked to them in KV, else under their shop id", async () => {
    const linked = message();
    await env.SALES.put(`wecom:userid:${linked.shopperId}`, "zhangsan");
    wecom.members.add("zhangsan");
    await channel().send(linked);
    expect(wecom.messages.map((m) => m.touser)).toEqual(["zhangsan"]);
  });
});
