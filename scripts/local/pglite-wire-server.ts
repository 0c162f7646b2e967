// The Postgres wire protocol in front of one PGlite, for the embedded Postgres of the local stack.
//
// PGlite is a single backend session, yet the Worker's pool and the scripts open many connections.
// A connection's protocol state lives in that one session: the unnamed prepared statement and
// portal between Parse and Sync, and an open transaction until COMMIT or ROLLBACK. So a
// connection takes the session ("session lock") when one of its units starts and keeps it until
// the backend answers ReadyForQuery idle ('I'); other connections' units wait, first come first
// served. A unit is what must reach the backend without anything in between: a connection's
// messages up to and including Sync, a simple Query, or up to a Flush (the client then waits for
// results without having synced, so it keeps the session until it does).
//
// @electric-sql/pglite-socket, which this replaces, scheduled single messages across connections
// and kept a connection's turn only while a transaction was open, so extended-query batches of
// different connections interleaved (electric-sql/pglite#1046).

import net from "node:net";
import type { PGlite } from "@electric-sql/pglite";
import { listen } from "./ports.ts";

/** What the server needs of PGlite; narrow, so that tests can stand in a faulty one. */
export type WireBackend = Pick<PGlite, "execProtocolRawStream" | "runExclusive" | "isInTransaction">;

export interface PgliteWireServerOptions {
  db: WireBackend;
  /** 0 picks a free port; the server reports the real one. */
  port: number;
  /** Defaults to 127.0.0.1. */
  host?: string;
  /** Clients beyond this get Postgres' "too many clients" error. Defaults to 64. */
  maxConnections?: number;
}

export interface PgliteWireServer {
  host: string;
  port: number;
  /** Stops listening, drops every client (rolling back what they left open) and waits for that. */
  close(): Promise<void>;
}

const SSL_REQUEST = 80877103;
const GSSENC_REQUEST = 80877104;
const CANCEL_REQUEST = 80877102;
// Postgres' own bounds: MAX_STARTUP_PACKET_LENGTH and PQ_LARGE_MESSAGE_LIMIT.
const MAX_STARTUP_PACKET = 10_000;
const MAX_MESSAGE = 0x3fff_ffff;

const QUERY = 0x51; // 'Q'
const SYNC = 0x53; // 'S'
const FLUSH = 0x48; // 'H'
const TERMINATE = 0x58; // 'X'
const READY_FOR_QUERY = 0x5a; // 'Z'
const IDLE = 0x49; // 'I'
const IN_TRANSACTION = 0x54; // 'T'

type UnitKind = "startup" | "sync" | "flush";
interface Unit {
  kind: UnitKind;
  bytes: Uint8Array;
}

// Run when a client leaves the session behind. The first ROLLBACK aborts an open transaction,
// implicit ones included (a Sync first would commit an unsynced implicit one); if an error left
// the backend skipping messages until Sync, it is skipped, so Sync and ROLLBACK again.
const ROLLBACK_UNIT = Buffer.concat([query("ROLLBACK"), message(SYNC, Buffer.alloc(0)), query("ROLLBACK")]);

export async function startPgliteWireServer(options: PgliteWireServerOptions): Promise<PgliteWireServer> {
  const host = options.host ?? "127.0.0.1";
  const maxConnections = options.maxConnections ?? 64;
  const session = new Session(options.db);
  const connections = new Set<Connection>();
  let admitted = 0;

  // Half-open: a client that sends its last messages and then FIN still gets the answers.
  const server = net.createServer({ allowHalfOpen: true, noDelay: true }, (socket) => {
    const refused = admitted >= maxConnections;
    if (!refused) admitted++;
    // The place is free once the client has stopped talking, which it sees before it can
    // reconnect; the cleanup after it may still be running.
    const connection = new Connection(socket, session, refused, () => {
      if (!refused) admitted--;
    });
    connections.add(connection);
    void connection.settled.then(() => connections.delete(connection));
  });
  const port = await listen(server, options.port, host, "embedded Postgres");

  let closing: Promise<void> | undefined;
  return {
    host,
    port,
    close: () =>
      (closing ??= (async () => {
        const stopped = new Promise<void>((resolve) => server.close(() => resolve()));
        const all = [...connections];
        for (const connection of all) connection.socket.destroy();
        await Promise.all(all.map((connection) => connection.settled));
        await stopped;
      })()),
  };
}

/** The one backend session and who holds it. */
class Session {
  #db: WireBackend;
  #owner: Connection | null = null;
  #waiting: Array<{ connection: Connection; grant: (granted: boolean) => void }> = [];

  constructor(db: WireBackend) {
    this.#db = db;
  }

  /** Runs one unit of `connection` on the backend, after whoever holds the session. Never throws. */
  async run(connection: Connection, unit: Unit): Promise<void> {
    if (!(await this.#acquire(connection))) return;
    let idle = false;
    try {
      // Dropped while the session was being handed to it: run nothing; leave() cleans up.
      if (connection.dropped) return;
      const relay = new ReplyRelay((bytes) => connection.send(bytes));
      try {
        await this.#db.runExclusive(() => this.#db.execProtocolRawStream(unit.bytes, { onRawData: (data) => relay.push(data) }));
      } catch (error) {
        relay.abandon();
        throw error;
      }
      const status = relay.finish(unit.kind !== "flush", this.#db.isInTransaction() ? IN_TRANSACTION : IDLE);
      idle = unit.kind !== "flush" && status === IDLE;
    } catch (error) {
      // Neither the backend's nor the client's protocol state is known now: end the client;
      // leave() then rolls back whatever it had open, and the others carry on.
      connection.fail(error);
    } finally {
      if (idle) this.#release(connection);
    }
  }

  /** `connection` is gone: take it out of the queue, and if it held the session, clean up after it. Never throws. */
  async leave(connection: Connection): Promise<void> {
    this.withdraw(connection);
    if (this.#owner !== connection) return;
    try {
      await this.#db.runExclusive(() => this.#db.execProtocolRawStream(ROLLBACK_UNIT, { onRawData: () => undefined }));
    } catch {
      // Nothing better to do than to let the next client try its luck.
    } finally {
      this.#release(connection);
    }
  }

  /** Takes `connection` out of the queue: what it waited to run will not run. */
  withdraw(connection: Connection): void {
    this.#waiting = this.#waiting.filter((waiter) => {
      if (waiter.connection !== connection) return true;
      waiter.grant(false);
      return false;
    });
  }

  #acquire(connection: Connection): Promise<boolean> {
    if (this.#owner === connection) return Promise.resolve(true);
    // Free means nobody waits either: release() hands over to the first waiter at once.
    if (this.#owner === null) {
      this.#owner = connection;
      return Promise.resolve(true);
    }
    return new Promise((grant) => this.#waiting.push({ connection, grant }));
  }

  #release(connection: Connection): void {
    if (this.#owner !== connection) return;
    this.#owner = null;
    const next = this.#waiting.shift();
    if (next) {
      // Handed over here, not when the waiter resumes, so nobody can slip in between.
      this.#owner = next.connection;
      next.grant(true);
    }
  }
}

/**
 * Passes the backend's replies to one unit on to the client, holding back ReadyForQuery: the
 * client gets exactly one per Sync or Query, at the end, whatever PGlite emits (it has sent an
 * extra one after an errored extended-protocol message, electric-sql/pglite#958), and none after a
 * Flush. The last one seen tells the transaction status.
 */
class ReplyRelay {
  #write: (bytes: Buffer) => void;
  #partial: Buffer | null = null;
  #status: number | null = null;
  #open = true;

  constructor(write: (bytes: Buffer) => void) {
    this.#write = write;
  }

  // Called from inside PGlite's WebAssembly: must not throw.
  push(data: Uint8Array): void {
    if (!this.#open || data.length === 0) return;
    try {
      // A copy: `data` is a view of PGlite's memory, reused once this returns.
      let bytes = Buffer.from(data);
      if (this.#partial) {
        bytes = Buffer.concat([this.#partial, bytes]);
        this.#partial = null;
      }
      const pass: Buffer[] = [];
      let offset = 0;
      let runStart = 0;
      while (bytes.length - offset >= 5) {
        const length = bytes.readInt32BE(offset + 1);
        if (length < 4) {
          offset = bytes.length; // not Postgres' framing after all: pass it on untouched
          break;
        }
        const end = offset + 1 + length;
        if (end > bytes.length) break;
        if (bytes[offset] === READY_FOR_QUERY && length === 5) {
          if (offset > runStart) pass.push(bytes.subarray(runStart, offset));
          this.#status = bytes[offset + 5]!;
          runStart = end;
        }
        offset = end;
      }
      if (offset > runStart) pass.push(bytes.subarray(runStart, offset));
      if (offset < bytes.length) this.#partial = bytes.subarray(offset);
      if (pass.length > 0) this.#write(pass.length === 1 ? pass[0]! : Buffer.concat(pass));
    } catch {
      this.#open = false;
    }
  }

  /** Ends the unit; sends the one ReadyForQuery if `ready`. Returns the transaction status. */
  finish(ready: boolean, fallbackStatus: number): number {
    this.#open = false;
    if (this.#partial) this.#write(this.#partial);
    this.#partial = null;
    // PGlite always ends a Sync or Query with one; should it not, the client must not wait forever.
    const status = this.#status ?? fallbackStatus;
    if (ready) this.#write(Buffer.from([READY_FOR_QUERY, 0, 0, 0, 5, status]));
    return status;
  }

  abandon(): void {
    this.#open = false;
  }
}

/** One client: frames its bytes into units and feeds them, in order, to the session. */
class Connection {
  readonly socket: net.Socket;
  /** Settles once the client is gone and has left the session. */
  readonly settled: Promise<void>;
  #session: Session;
  #refused: boolean;
  #input = new ByteQueue();
  #phase: "startup" | "messages" | "done" = "startup";
  #parts: Buffer[] = [];
  #units: Array<Unit | "end"> = [];
  #pumping = false;
  #closed = false;
  #dropped = false;
  #settle!: () => void;
  #onStopped: () => void;

  constructor(socket: net.Socket, session: Session, refused: boolean, onStopped: () => void) {
    this.socket = socket;
    this.#session = session;
    this.#refused = refused;
    this.#onStopped = onStopped;
    this.settled = new Promise((resolve) => (this.#settle = resolve));
    socket.on("data", (chunk: Buffer) => this.#receive(chunk));
    // The client sent FIN: answer what it sent before, then hang up.
    socket.on("end", () => this.#stopReading(true));
    // Always followed by 'close'; without a listener it would crash the process.
    socket.on("error", () => undefined);
    socket.on("close", () => {
      this.#closed = true;
      this.#stopReading(false);
    });
  }

  /** Its pending units were thrown away: it is gone or broke the protocol. */
  get dropped(): boolean {
    return this.#dropped;
  }

  send(bytes: Buffer): void {
    if (!this.#closed && this.socket.writable) this.socket.write(bytes);
  }

  /** An internal failure while running this client's unit: report it the way Postgres does, and end the client. */
  fail(error: unknown): void {
    const detail = error instanceof Error ? error.message : String(error);
    this.#fatal("XX000", `embedded Postgres failed: ${detail}`);
  }

  #receive(chunk: Buffer): void {
    if (this.#phase === "done") return;
    this.#input.push(chunk);
    try {
      this.#frame();
    } catch (error) {
      if (error instanceof ProtocolViolation) this.#fatal("08P01", error.message);
      else this.fail(error);
    }
    void this.#pump();
  }

  #frame(): void {
    const input = this.#input;
    while (this.#phase !== "done") {
      if (this.#phase === "startup") {
        if (input.length < 8) return;
        const head = input.peek(8);
        const length = head.readInt32BE(0);
        const code = head.readInt32BE(4);
        if (length < 8 || length > MAX_STARTUP_PACKET) throw new ProtocolViolation("invalid length of startup packet");
        if (input.length < length) return;
        const packet = input.take(length);
        if (code === SSL_REQUEST || code === GSSENC_REQUEST) {
          this.send(Buffer.from("N")); // no encryption on loopback; the client goes on in plain text
          continue;
        }
        if (code === CANCEL_REQUEST) {
          // A unit runs to its end inside PGlite without a break: there is nothing to cancel.
          this.#stopReading(false);
          this.socket.end();
          return;
        }
        if (code >>> 16 !== 3) throw new ProtocolViolation(`unsupported frontend protocol ${code >>> 16}.${code & 0xffff}`);
        if (this.#refused) {
          this.#fatal("53300", "sorry, too many clients already");
          return;
        }
        this.#phase = "messages";
        this.#units.push({ kind: "startup", bytes: packet });
        continue;
      }
      if (input.length < 5) return;
      const head = input.peek(5);
      const type = head[0]!;
      const length = head.readInt32BE(1);
      if (length < 4 || length > MAX_MESSAGE) throw new ProtocolViolation(`invalid message length ${length}`);
      if (input.length < 1 + length) return;
      const message = input.take(1 + length);
      if (type === TERMINATE) {
        this.#stopReading(true);
        return;
      }
      this.#parts.push(message);
      const kind: UnitKind | null = type === SYNC || type === QUERY ? "sync" : type === FLUSH ? "flush" : null;
      if (kind) {
        this.#units.push({ kind, bytes: Buffer.concat(this.#parts) });
        this.#parts = [];
      }
    }
  }

  /**
   * No more input. `answerFirst`: the units already complete still run (Terminate, FIN); else
   * they are dropped (the client is gone, or broke the protocol). A unit cut short never runs.
   */
  #stopReading(answerFirst: boolean): void {
    const wasReading = this.#phase !== "done";
    this.#phase = "done";
    if (wasReading) this.#onStopped();
    this.#input.clear();
    this.#parts = [];
    if (answerFirst) {
      if (wasReading) this.#units.push("end");
    } else {
      this.#dropped = true;
      this.#units = [];
      this.#session.withdraw(this);
    }
    void this.#pump();
  }

  #fatal(code: string, text: string): void {
    this.send(errorResponse("FATAL", code, text));
    this.#stopReading(false);
    this.socket.end();
  }

  async #pump(): Promise<void> {
    if (this.#pumping) return;
    this.#pumping = true;
    try {
      try {
        while (!this.#dropped) {
          const unit = this.#units.shift();
          if (unit === undefined || unit === "end") break;
          await this.#session.run(this, unit);
        }
      } catch (error) {
        this.fail(error); // a bug of ours; the client goes, the session must not stay taken
      }
      if (this.#phase === "done" && this.#units.length === 0) {
        await this.#session.leave(this);
        if (!this.#closed) this.socket.end();
        if (this.#closed) this.#settle();
      }
    } finally {
      this.#pumping = false;
    }
  }
}

class ProtocolViolation extends Error {}

/** Bytes received and not yet framed; joins chunks only as far as a header or message needs. */
class ByteQueue {
  #chunks: Buffer[] = [];
  #length = 0;

  get length(): number {
    return this.#length;
  }

  push(chunk: Buffer): void {
    if (chunk.length === 0) return;
    this.#chunks.push(chunk);
    this.#length += chunk.length;
  }

  peek(n: number): Buffer {
    this.#gather(n);
    return this.#chunks[0]!.subarray(0, n);
  }

  take(n: number): Buffer {
    this.#gather(n);
    const head = this.#chunks[0]!;
    if (head.length === n) this.#chunks.shift();
    else this.#chunks[0] = head.subarray(n);
    this.#length -= n;
    return head.subarray(0, n);
  }

  clear(): void {
    this.#chunks = [];
    this.#length = 0;
  }

  #gather(n: number): void {
    if (this.#chunks[0]!.length >= n) return;
    let size = 0;
    let count = 0;
    while (size < n) size += this.#chunks[count++]!.length;
    this.#chunks.splice(0, count, Buffer.concat(this.#chunks.slice(0, count), size));
  }
}

function message(type: number, body: Buffer): Buffer {
  const header = Buffer.alloc(5);
  header[0] = type;
  header.writeInt32BE(4 + body.length, 1);
  return Buffer.concat([header, body]);
}

function query(sql: string): Buffer {
  return message(QUERY, Buffer.from(`${sql}\0`));
}

function errorResponse(severity: string, code: string, text: string): Buffer {
  return message(0x45 /* 'E' */, Buffer.from(`S${severity}\0V${severity}\0C${code}\0M${text}\0\0`));
}
