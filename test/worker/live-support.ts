import { exports } from "cloudflare:workers";
import { expect } from "vitest";
import type { ServerMessage } from "../../src/live/messages.ts";

/** Opens the live feed as a browser would (from `address`, when given) and collects what it pushes. */
export async function connect(sku: string, address?: string) {
  const headers: Record<string, string> = { Upgrade: "websocket" };
  if (address) headers["CF-Connecting-IP"] = address;
  const response = await exports.default.fetch(`https://shop.test/api/skus/${sku}/live`, { headers });
  expect(response.status).toBe(101);
  const socket = response.webSocket!;
  const received: ServerMessage[] = [];
  let snapshotsSeen = 0;
  let closed: { code: number; reason: string } | null = null;
  const waiters: Array<() => void> = [];
  const wake = () => {
    for (const resolve of waiters.splice(0)) resolve();
  };
  socket.addEventListener("message", (event) => {
    const message: ServerMessage = JSON.parse(event.data as string);
    if (message.type === "snapshot") snapshotsSeen += 1;
    received.push(message);
    wake();
  });
  socket.addEventListener("close", (event) => {
    closed = { code: event.code, reason: event.reason };
    wake();
  });
  socket.accept();
  /** Waits until `ready` returns a value, or fails after `timeoutMs`. */
  const until = async <T>(ready: () => T | undefined, describe: () => string, timeoutMs = 5_000): Promise<T> => {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const value = ready();
      if (value !== undefined) return value;
      if (Date.now() > deadline) throw new Error(describe());
      await new Promise<void>((resolve) => {
        waiters.push(resolve);
        setTimeout(resolve, 100);
      });
    }
  };
  const next = (match: (m: ServerMessage) => boolean, timeoutMs = 5_000): Promise<ServerMessage> =>
    until(
      () => {
        const found = received.find(match);
        if (found) received.splice(received.indexOf(found), 1);
        return found;
      },
      () => `no matching message; got ${JSON.stringify(received)}`,
      timeoutMs,
    );
  const closedWith = (timeoutMs = 5_000) =>
    until(
      () => closed ?? undefined,
      () => "the socket was not closed",
      timeoutMs,
    );
  return { socket, next, closedWith, received, snapshotsSeen: () => snapshotsSeen };
}
