import http from "node:http";
import net from "node:net";
import { WebSocketServer, type WebSocket } from "ws";
import { listen } from "./ports.ts";

export interface NeonWsProxy {
  /** `host:port`, the form `neonConfig.wsProxy` (and the Worker's NEON_WS_PROXY) expects. */
  address: string;
  close(): Promise<void>;
}

/**
 * Stands in for Neon's WebSocket endpoint on a developer's machine: the Neon driver opens
 * `ws://<proxy>/v2?address=<host>:<port>` and this pipes the raw Postgres protocol bytes
 * to that TCP address. Only the addresses in `allowedTargets` are reachable, so it is
 * never an open relay even on loopback.
 */
export async function startNeonWsProxy(options: { port: number; host?: string; allowedTargets: string[] }): Promise<NeonWsProxy> {
  const host = options.host ?? "127.0.0.1";
  const allowed = new Set(options.allowedTargets);
  const server = http.createServer((_, res) => {
    res.writeHead(426, { "content-type": "text/plain" }).end("WebSocket upgrade required\n");
  });
  // Listen before attaching the WebSocket server: it re-emits the HTTP server's errors,
  // and a taken port must surface as listen()'s clear message, not an unhandled event.
  const port = await listen(server, options.port, host, "Neon WebSocket proxy");
  const wss = new WebSocketServer({ server, path: "/v2" });
  wss.on("connection", (socket, request) => {
    const target = new URL(request.url ?? "/", "http://proxy").searchParams.get("address") ?? "";
    if (!allowed.has(target)) {
      socket.close(1008, `target ${target || "(none)"} is not allowed`);
      return;
    }
    pipe(socket, target);
  });
  return {
    address: `${host}:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        for (const client of wss.clients) client.terminate();
        wss.close();
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

function pipe(socket: WebSocket, target: string): void {
  const separator = target.lastIndexOf(":");
  const tcp = net.connect({ host: target.slice(0, separator), port: Number(target.slice(separator + 1)) });
  tcp.setNoDelay(true);
  // Bytes from the driver may arrive before the TCP connection is up; net.Socket buffers them.
  socket.on("message", (data: Buffer | ArrayBuffer | Buffer[]) => {
    const bytes = Array.isArray(data) ? Buffer.concat(data) : Buffer.from(data as ArrayBuffer);
    tcp.write(bytes);
    // A real Postgres hangs up after the client's Terminate message and the driver waits
    // for that; the embedded PGlite server does not, so the proxy hangs up for it.
    if (endsWithTerminate(bytes)) tcp.end();
  });
  tcp.on("data", (chunk) => socket.send(chunk));
  socket.on("close", () => tcp.end());
  socket.on("error", () => tcp.destroy());
  tcp.on("close", () => socket.close());
  tcp.on("error", () => socket.terminate());
}

/** Postgres' Terminate message: 'X' and a length of 4. Flushed last, so it ends the frame. */
const TERMINATE = Buffer.from([0x58, 0, 0, 0, 4]);

function endsWithTerminate(bytes: Buffer): boolean {
  return bytes.length >= TERMINATE.length && bytes.subarray(bytes.length - TERMINATE.length).equals(TERMINATE);
}
