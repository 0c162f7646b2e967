import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { chatClientFrameSchema, messageBodySchema } from "../../src/advisers/chat-frames.ts";
import { CHAT_LIMITS } from "../../src/advisers/chat-limits.ts";

/** The chat's frames (issue 17): what a socket may send, and the one rule for a message's text. */
describe("chat frames", () => {
  it("takes a message of 1 to 2,000 characters after trimming, and nothing else", () => {
    expect(messageBodySchema.parse("  你好  ")).toBe("你好");
    expect(messageBodySchema.safeParse("   ").success).toBe(false);
    expect(messageBodySchema.safeParse("字".repeat(CHAT_LIMITS.maxMessageChars)).success).toBe(true);
    expect(messageBodySchema.safeParse("字".repeat(CHAT_LIMITS.maxMessageChars + 1)).success).toBe(false);
    fc.assert(
      fc.property(fc.string({ maxLength: 2_100 }), (text) => {
        const trimmed = text.trim();
        expect(messageBodySchema.safeParse(text).success).toBe(trimmed.length >= 1 && trimmed.length <= CHAT_LIMITS.maxMessageChars);
      }),
    );
  });

  it("knows a send (with a client key) and a ping; refuses anything else", () => {
    expect(chatClientFrameSchema.parse({ type: "send", body: "hi", clientKey: "key-0001" })).toEqual({
      type: "send",
      body: "hi",
      clientKey: "key-0001",
    });
    expect(chatClientFrameSchema.parse({ type: "ping" })).toEqual({ type: "ping" });
    for (const bad of [
      { type: "send", body: "hi" },
      { type: "send", body: "hi", clientKey: "short" },
      { type: "send", body: "hi", clientKey: "has space in it" },
      { type: "resolve" },
      null,
      "send",
    ]) {
      expect(chatClientFrameSchema.safeParse(bad).success, JSON.stringify(bad)).toBe(false);
    }
  });

  it("fits the longest message in UTF-8 within a socket frame", () => {
    const frame = JSON.stringify({ type: "send", body: "😀".repeat(CHAT_LIMITS.maxMessageChars / 2), clientKey: "k".repeat(128) });
    expect(new TextEncoder().encode(frame).byteLength).toBeLessThanOrEqual(CHAT_LIMITS.maxFrameBytes);
    const cjk = JSON.stringify({ type: "send", body: "字".repeat(CHAT_LIMITS.maxMessageChars), clientKey: "k".repeat(128) });
    expect(new TextEncoder().encode(cjk).byteLength).toBeLessThanOrEqual(CHAT_LIMITS.maxFrameBytes);
  });
});
