import net from "node:net";

/** Thrown when a port the local stack wants is taken: the message says which and by what. */
export class PortInUseError extends Error {
  constructor(port: number, purpose: string) {
    super(`port ${port} is already in use (${purpose}). Stop whatever holds it, or choose another port (see README, "Configuration").`);
    this.name = "PortInUseError";
  }
}

/** Resolves once `server` listens on `port`, or rejects with a `PortInUseError` that names `purpose`. */
export function listen(server: net.Server, port: number, host: string, purpose: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const onError = (error: NodeJS.ErrnoException) => {
      reject(error.code === "EADDRINUSE" ? new PortInUseError(port, purpose) : error);
    };
    server.once("error", onError);
    server.listen(port, host, () => {
      server.off("error", onError);
      const address = server.address();
      resolve(typeof address === "object" && address ? address.port : port);
    });
  });
}

/** Fails fast with a clear message if something already listens on `port`. */
export async function assertPortFree(port: number, host: string, purpose: string): Promise<void> {
  const probe = net.createServer();
  await listen(probe, port, host, purpose);
  await new Promise<void>((resolve) => probe.close(() => resolve()));
}

/** A port the OS says is free right now. */
export async function freePort(host = "127.0.0.1"): Promise<number> {
  const probe = net.createServer();
  const port = await listen(probe, 0, host, "free port probe");
  await new Promise<void>((resolve) => probe.close(() => resolve()));
  return port;
}
