/**
 * {@link Transport} on the real libzmq (Debian package `libzmq5`, soname
 * `libzmq.so.5`) through Deno FFI, speaking the ZMTP wire protocol.
 *
 * Why not npm `zeromq`: under Deno 2.9.6 its receive never returns once the
 * socket was idle (Deno's uv_poll compatibility stops after the first
 * callback, denoland/deno#36317) and a receive timeout crashes Deno; only
 * busy-polling works. Here a subscriber waits in `zmq_poll` declared
 * `nonblocking: true`, so the wait runs on a Deno blocking-pool thread and
 * the event loop stays free; no thread spins while idle. After the poll
 * returns, messages are drained with non-blocking `zmq_msg_recv` calls on the
 * main thread, and as long as messages keep arriving the subscriber drains
 * again without polling, so a busy subscriber pays no thread hop per message.
 *
 * The polling thread and the main thread never use a socket at the same time:
 * operations requested while a poll is pending (subscribe, connect, close)
 * are queued, the poll is woken through an inproc PAIR socket, and they run
 * on the main thread before the next poll (libzmq sockets may migrate between
 * threads with a full memory barrier, which the promise hand-off provides).
 *
 * A Worker doing blocking receives and posting batches was measured against
 * this design (see `services/common/README.md`): it had the worse latency
 * (p50 +90 us, p99 up to 3x at 20,000 msgs/s) for somewhat more flood
 * throughput, so it was not kept.
 *
 * The library is looked up at `$ZMQ_LIB_PATH`, then the Debian multiarch
 * paths, then the loader's search path. Needs `--allow-ffi`.
 *
 * @example
 * ```ts
 * import { openZmqTransport } from "./zmq_ffi.ts";
 * const t = openZmqTransport();
 * const pub = t.publisher();
 * const ep = pub.bind("tcp://127.0.0.1:*");
 * console.log(t.version, ep);
 * await t.close();
 * ```
 * @module
 */
import { allocBytes } from "../bytes.ts";
import type { PubSocket, SocketOptions, SubSocket, Transport } from "./transport.ts";

const ZMQ_PAIR = 0;
const ZMQ_PUB = 1;
const ZMQ_SUB = 2;
const ZMQ_DONTWAIT = 1;
const ZMQ_SNDMORE = 2;
const ZMQ_POLLIN = 1;
const ZMQ_SUBSCRIBE = 6;
const ZMQ_UNSUBSCRIBE = 7;
const ZMQ_LINGER = 17;
const ZMQ_RECONNECT_IVL = 18;
const ZMQ_RECONNECT_IVL_MAX = 21;
const ZMQ_SNDHWM = 23;
const ZMQ_RCVHWM = 24;
const ZMQ_LAST_ENDPOINT = 32;
const ZMQ_HEARTBEAT_IVL = 75;
const ZMQ_HEARTBEAT_TIMEOUT = 77;
const EAGAIN = 11;
const EINTR = 4;
/** sizeof(zmq_msg_t) is 64; zmq_pollitem_t is {void*, int, short, short} = 16 on 64-bit. */
const MSG_T_SIZE = 64;
const POLLITEM_SIZE = 16;

const SYMBOLS = {
  zmq_version: { parameters: ["buffer", "buffer", "buffer"], result: "void" },
  zmq_errno: { parameters: [], result: "i32" },
  zmq_strerror: { parameters: ["i32"], result: "pointer" },
  zmq_ctx_new: { parameters: [], result: "pointer" },
  zmq_ctx_term: { parameters: ["pointer"], result: "i32", nonblocking: true },
  zmq_socket: { parameters: ["pointer", "i32"], result: "pointer" },
  zmq_close: { parameters: ["pointer"], result: "i32" },
  zmq_bind: { parameters: ["pointer", "buffer"], result: "i32" },
  zmq_connect: { parameters: ["pointer", "buffer"], result: "i32" },
  zmq_setsockopt: { parameters: ["pointer", "i32", "buffer", "usize"], result: "i32" },
  zmq_getsockopt: { parameters: ["pointer", "i32", "buffer", "buffer"], result: "i32" },
  zmq_send: { parameters: ["pointer", "buffer", "usize", "i32"], result: "i32" },
  zmq_msg_init: { parameters: ["buffer"], result: "i32" },
  zmq_msg_close: { parameters: ["buffer"], result: "i32" },
  zmq_msg_recv: { parameters: ["buffer", "pointer", "i32"], result: "i32" },
  zmq_msg_data: { parameters: ["buffer"], result: "pointer" },
  zmq_msg_more: { parameters: ["buffer"], result: "i32" },
  zmq_poll: { parameters: ["buffer", "i32", "i64"], result: "i32", nonblocking: true },
} as const;

type ZmqLib = Deno.DynamicLibrary<typeof SYMBOLS>;

/** Where libzmq is looked for, in order (after `$ZMQ_LIB_PATH`). */
export const LIBZMQ_CANDIDATES: readonly string[] = [
  "/usr/lib/x86_64-linux-gnu/libzmq.so.5",
  "/usr/lib/aarch64-linux-gnu/libzmq.so.5",
  "/usr/local/lib/libzmq.so.5",
  "libzmq.so.5",
];

/**
 * A libzmq call failed: which call, on what endpoint or option, and the
 * errno with libzmq's text.
 *
 * @example
 * ```ts
 * import { openZmqTransport, ZmqError } from "./zmq_ffi.ts";
 * try {
 *   openZmqTransport().publisher().bind("tcp://no-such-host:1");
 * } catch (e) {
 *   if (e instanceof ZmqError) console.log(e.errno, e.message);
 * }
 * ```
 */
export class ZmqError extends Error {
  /** errno reported by zmq_errno(). */
  readonly errno: number;
  constructor(message: string, errno: number) {
    super(message);
    this.name = "ZmqError";
    this.errno = errno;
  }
}

let libCache: { lib: ZmqLib; path: string } | undefined;

/**
 * Opens libzmq (once per process) and returns it with the path it came from.
 * Throws an Error telling the user to run `deno task setup` when missing.
 *
 * @example
 * ```ts
 * import { loadLibzmq } from "./zmq_ffi.ts";
 * console.log(loadLibzmq().path);
 * ```
 */
export function loadLibzmq(): { lib: ZmqLib; path: string } {
  if (libCache) return libCache;
  const override = Deno.env.get("ZMQ_LIB_PATH");
  const candidates = override ? [override] : LIBZMQ_CANDIDATES;
  const failures: string[] = [];
  for (const path of candidates) {
    try {
      const lib = Deno.dlopen(path, SYMBOLS);
      libCache = { lib, path };
      return libCache;
    } catch (e) {
      if (e instanceof Deno.errors.NotCapable || e instanceof Deno.errors.PermissionDenied) {
        throw new Error(
          `Cannot load libzmq: FFI is not permitted (run deno with --allow-ffi or -A): ${
            (e as Error).message
          }`,
        );
      }
      failures.push(`${path}: ${(e as Error).message.split("\n")[0]}`);
    }
  }
  throw new Error(
    `Cannot load libzmq (libzmq.so.5)${override ? " from ZMQ_LIB_PATH" : ""}; tried ${
      failures.join("; ")
    }. Run \`deno task setup\` (installs the Debian package libzmq5) or set ZMQ_LIB_PATH to the library.`,
  );
}

const encoder = new TextEncoder();
function cstr(s: string): Uint8Array {
  return encoder.encode(s + "\0");
}

function intBuf(v: number): Uint8Array {
  return new Uint8Array(new Int32Array([v]).buffer);
}

interface Resolved {
  hwm: number;
  lingerMs: number;
  reconnectIvlMs: number;
  reconnectIvlMaxMs: number;
  heartbeatIvlMs: number;
}

function resolve(o: SocketOptions = {}): Resolved {
  return {
    hwm: o.hwm ?? 100_000,
    lingerMs: o.lingerMs ?? 200,
    reconnectIvlMs: o.reconnectIvlMs ?? 100,
    reconnectIvlMaxMs: o.reconnectIvlMaxMs ?? 2000,
    heartbeatIvlMs: o.heartbeatIvlMs ?? 1000,
  };
}

class Ctx {
  readonly lib: ZmqLib;
  readonly ctx: Deno.PointerObject;
  readonly sockets = new Set<{ closeNow(): void }>();
  readonly subs = new Set<FfiSubSocket>();
  wakeCounter = 0;

  constructor(lib: ZmqLib) {
    this.lib = lib;
    const ctx = lib.symbols.zmq_ctx_new();
    if (!ctx) throw this.error("zmq_ctx_new", "");
    this.ctx = ctx;
  }

  errText(errno: number): string {
    const p = this.lib.symbols.zmq_strerror(errno);
    return p ? Deno.UnsafePointerView.getCString(p) : `errno ${errno}`;
  }

  error(call: string, what: string): ZmqError {
    const errno = this.lib.symbols.zmq_errno();
    return new ZmqError(`${call}(${what}) failed: ${this.errText(errno)} (errno ${errno})`, errno);
  }

  socket(type: number, o: Resolved, label: string): Deno.PointerObject {
    const s = this.lib.symbols.zmq_socket(this.ctx, type);
    if (!s) throw this.error("zmq_socket", label);
    this.setInt(s, ZMQ_LINGER, o.lingerMs, "ZMQ_LINGER");
    if (type !== ZMQ_PAIR) {
      this.setInt(s, ZMQ_SNDHWM, o.hwm, "ZMQ_SNDHWM");
      this.setInt(s, ZMQ_RCVHWM, o.hwm, "ZMQ_RCVHWM");
      this.setInt(s, ZMQ_RECONNECT_IVL, o.reconnectIvlMs, "ZMQ_RECONNECT_IVL");
      this.setInt(s, ZMQ_RECONNECT_IVL_MAX, o.reconnectIvlMaxMs, "ZMQ_RECONNECT_IVL_MAX");
      if (o.heartbeatIvlMs > 0) {
        this.setInt(s, ZMQ_HEARTBEAT_IVL, o.heartbeatIvlMs, "ZMQ_HEARTBEAT_IVL");
        this.setInt(s, ZMQ_HEARTBEAT_TIMEOUT, o.heartbeatIvlMs * 3, "ZMQ_HEARTBEAT_TIMEOUT");
      }
    }
    return s;
  }

  setInt(s: Deno.PointerObject, opt: number, v: number, name: string): void {
    if (!Number.isInteger(v)) throw new RangeError(`${name} must be an integer, got ${v}`);
    if (this.lib.symbols.zmq_setsockopt(s, opt, intBuf(v), 4n) !== 0) {
      throw this.error("zmq_setsockopt", `${name}=${v}`);
    }
  }

  setBytes(s: Deno.PointerObject, opt: number, v: Uint8Array, name: string): void {
    if (this.lib.symbols.zmq_setsockopt(s, opt, v, BigInt(v.byteLength)) !== 0) {
      throw this.error("zmq_setsockopt", name);
    }
  }

  bind(s: Deno.PointerObject, endpoint: string): string {
    if (this.lib.symbols.zmq_bind(s, cstr(endpoint)) !== 0) throw this.error("zmq_bind", endpoint);
    const buf = new Uint8Array(512);
    const len = new BigUint64Array([BigInt(buf.length)]);
    if (this.lib.symbols.zmq_getsockopt(s, ZMQ_LAST_ENDPOINT, buf, new Uint8Array(len.buffer))) {
      return endpoint;
    }
    const n = Number(len[0]);
    return new TextDecoder().decode(buf.subarray(0, Math.max(0, n - 1)));
  }

  connect(s: Deno.PointerObject, endpoint: string): void {
    if (this.lib.symbols.zmq_connect(s, cstr(endpoint)) !== 0) {
      throw this.error("zmq_connect", endpoint);
    }
  }
}

class FfiPubSocket implements PubSocket {
  #ctx: Ctx;
  #s: Deno.PointerObject | null;
  #send: ZmqLib["symbols"]["zmq_send"];

  constructor(ctx: Ctx, o: Resolved) {
    this.#ctx = ctx;
    this.#s = ctx.socket(ZMQ_PUB, o, "PUB");
    this.#send = ctx.lib.symbols.zmq_send;
    ctx.sockets.add(this);
  }

  #sock(): Deno.PointerObject {
    if (!this.#s) throw new Error("PUB socket is closed");
    return this.#s;
  }

  bind(endpoint: string): string {
    return this.#ctx.bind(this.#sock(), endpoint);
  }

  connect(endpoint: string): void {
    this.#ctx.connect(this.#sock(), endpoint);
  }

  send(frames: readonly Uint8Array[]): boolean {
    const s = this.#sock();
    const last = frames.length - 1;
    for (let i = 0; i <= last; i++) {
      const f = frames[i];
      const flags = i < last ? ZMQ_SNDMORE | ZMQ_DONTWAIT : ZMQ_DONTWAIT;
      // usize as bigint keeps Deno's fast FFI call path (a number argument is ~4x slower).
      if (this.#send(s, f, BigInt(f.byteLength), flags) < 0) {
        const errno = this.#ctx.lib.symbols.zmq_errno();
        if (errno === EAGAIN && i === 0) return false;
        throw new ZmqError(
          `zmq_send(frame ${i} of ${frames.length}) failed: ${this.#ctx.errText(errno)}`,
          errno,
        );
      }
    }
    return true;
  }

  closeNow(): void {
    if (!this.#s) return;
    this.#ctx.lib.symbols.zmq_close(this.#s);
    this.#s = null;
    this.#ctx.sockets.delete(this);
  }

  close(): void {
    this.closeNow();
  }
}

type PendingOp = () => void;

class FfiSubSocket implements SubSocket {
  #ctx: Ctx;
  #lib: ZmqLib["symbols"];
  #s: Deno.PointerObject | null;
  #wakeRecv: Deno.PointerObject | null;
  #wakeSend: Deno.PointerObject | null;
  #msg = new Uint8Array(MSG_T_SIZE);
  #items = new Uint8Array(POLLITEM_SIZE * 2);
  #polling: Promise<number> | null = null;
  #ops: PendingOp[] = [];
  #closing = false;
  #receiving = false;
  #wakeByte = new Uint8Array([1]);

  constructor(ctx: Ctx, o: Resolved) {
    this.#ctx = ctx;
    this.#lib = ctx.lib.symbols;
    this.#s = ctx.socket(ZMQ_SUB, o, "SUB");
    const name = `inproc://alp-wake-${Deno.pid}-${ctx.wakeCounter++}`;
    this.#wakeRecv = ctx.socket(ZMQ_PAIR, { ...o, lingerMs: 0 }, "PAIR");
    ctx.bind(this.#wakeRecv, name);
    this.#wakeSend = ctx.socket(ZMQ_PAIR, { ...o, lingerMs: 0 }, "PAIR");
    ctx.connect(this.#wakeSend, name);
    if (this.#lib.zmq_msg_init(this.#msg) !== 0) throw ctx.error("zmq_msg_init", "");
    const dv = new DataView(this.#items.buffer);
    dv.setBigUint64(0, BigInt(Deno.UnsafePointer.value(this.#s)), true);
    dv.setInt16(12, ZMQ_POLLIN, true);
    dv.setBigUint64(POLLITEM_SIZE, BigInt(Deno.UnsafePointer.value(this.#wakeRecv)), true);
    dv.setInt16(POLLITEM_SIZE + 12, ZMQ_POLLIN, true);
    ctx.sockets.add(this);
    ctx.subs.add(this);
  }

  /** Runs op now, or after the pending poll returns (it is woken). */
  #run(op: PendingOp): void {
    if (!this.#s) throw new Error("SUB socket is closed");
    if (this.#polling === null) {
      op();
      return;
    }
    this.#ops.push(op);
    this.#wake();
  }

  #wake(): void {
    if (this.#wakeSend) this.#lib.zmq_send(this.#wakeSend, this.#wakeByte, 1n, ZMQ_DONTWAIT);
  }

  bind(endpoint: string): string {
    if (this.#polling !== null) {
      throw new Error("bind() on a SUB socket must come before its first receive()");
    }
    return this.#ctx.bind(this.#s!, endpoint);
  }

  connect(endpoint: string): void {
    this.#run(() => this.#ctx.connect(this.#s!, endpoint));
  }

  subscribe(prefix: Uint8Array): void {
    const copy = prefix.slice();
    this.#run(() => this.#ctx.setBytes(this.#s!, ZMQ_SUBSCRIBE, copy, "ZMQ_SUBSCRIBE"));
  }

  unsubscribe(prefix: Uint8Array): void {
    const copy = prefix.slice();
    this.#run(() => this.#ctx.setBytes(this.#s!, ZMQ_UNSUBSCRIBE, copy, "ZMQ_UNSUBSCRIBE"));
  }

  /** Non-blocking drain of up to max whole messages. */
  #drain(max: number, out: Uint8Array[][]): void {
    const s = this.#s!;
    const lib = this.#lib;
    const msg = this.#msg;
    while (out.length < max) {
      let size = lib.zmq_msg_recv(msg, s, ZMQ_DONTWAIT);
      if (size < 0) {
        const errno = lib.zmq_errno();
        if (errno === EAGAIN || errno === EINTR) return;
        throw new ZmqError(`zmq_msg_recv failed: ${this.#ctx.errText(errno)}`, errno);
      }
      const frames: Uint8Array[] = [];
      for (;;) {
        const frame = allocBytes(size);
        if (size > 0) Deno.UnsafePointerView.copyInto(lib.zmq_msg_data(msg)!, frame);
        frames.push(frame);
        if (!lib.zmq_msg_more(msg)) break;
        // Later frames of a multipart message are already queued (atomic delivery).
        size = lib.zmq_msg_recv(msg, s, ZMQ_DONTWAIT);
        if (size < 0) {
          const errno = lib.zmq_errno();
          throw new ZmqError(`zmq_msg_recv (more) failed: ${this.#ctx.errText(errno)}`, errno);
        }
      }
      out.push(frames);
    }
  }

  #drainWake(): void {
    const w = this.#wakeRecv!;
    while (this.#lib.zmq_msg_recv(this.#msg, w, ZMQ_DONTWAIT) >= 0) {
      // discard wake-up bytes
    }
  }

  async receive(max: number): Promise<Uint8Array[][]> {
    if (this.#receiving) throw new Error("SUB socket: receive() is already pending");
    if (max < 1) throw new RangeError(`receive(max): max must be >= 1, got ${max}`);
    this.#receiving = true;
    const out: Uint8Array[][] = [];
    try {
      while (!this.#closing && this.#s) {
        this.#drain(max, out);
        if (out.length > 0) return out;
        this.#polling = this.#lib.zmq_poll(this.#items, 2, -1n);
        let rc: number;
        try {
          rc = await this.#polling;
        } finally {
          this.#polling = null;
        }
        if (rc < 0) {
          const errno = this.#lib.zmq_errno();
          if (errno !== EINTR) {
            throw new ZmqError(`zmq_poll failed: ${this.#ctx.errText(errno)}`, errno);
          }
        }
        this.#drainWake();
        const ops = this.#ops.splice(0);
        for (const op of ops) op();
      }
      return out;
    } finally {
      this.#receiving = false;
    }
  }

  closeNow(): void {
    if (!this.#s) return;
    if (this.#polling !== null) {
      throw new Error("SUB socket: closeNow() while a poll is pending; use close()");
    }
    this.#lib.zmq_msg_close(this.#msg);
    this.#lib.zmq_close(this.#s);
    this.#lib.zmq_close(this.#wakeRecv!);
    this.#lib.zmq_close(this.#wakeSend!);
    this.#s = this.#wakeRecv = this.#wakeSend = null;
    this.#ctx.sockets.delete(this);
    this.#ctx.subs.delete(this);
  }

  async close(): Promise<void> {
    if (!this.#s) return;
    this.#closing = true;
    const pending = this.#polling;
    if (pending) {
      this.#wake();
      await pending.catch(() => 0);
      // let the receive() loop observe #closing before the sockets go
      await Promise.resolve();
    }
    this.closeNow();
  }
}

/** The libzmq FFI transport. Create with {@link openZmqTransport}. */
export class ZmqFfiTransport implements Transport {
  readonly name = "zmq-ffi";
  readonly version: string;
  /** Path libzmq was loaded from. */
  readonly libraryPath: string;
  #ctx: Ctx | null;

  constructor(lib: ZmqLib, path: string) {
    const v = new Int32Array(3);
    lib.symbols.zmq_version(
      new Uint8Array(v.buffer, 0, 4),
      new Uint8Array(v.buffer, 4, 4),
      new Uint8Array(v.buffer, 8, 4),
    );
    this.version = `${v[0]}.${v[1]}.${v[2]}`;
    this.libraryPath = path;
    this.#ctx = new Ctx(lib);
  }

  #live(): Ctx {
    if (!this.#ctx) throw new Error("zmq-ffi transport is closed");
    return this.#ctx;
  }

  publisher(options?: SocketOptions): PubSocket {
    const ctx = this.#live();
    return new FfiPubSocket(ctx, resolve(options));
  }

  subscriber(options?: SocketOptions): SubSocket {
    const ctx = this.#live();
    return new FfiSubSocket(ctx, resolve(options));
  }

  async close(): Promise<void> {
    const ctx = this.#ctx;
    if (!ctx) return;
    this.#ctx = null;
    await Promise.all([...ctx.subs].map((s) => s.close()));
    for (const s of [...ctx.sockets]) s.closeNow();
    // Waits (off the event loop) until lingering messages have left.
    await ctx.lib.symbols.zmq_ctx_term(ctx.ctx);
  }
}

/**
 * Opens a transport with its own libzmq context.
 *
 * @example
 * ```ts
 * import { openZmqTransport } from "./zmq_ffi.ts";
 * const t = openZmqTransport();
 * console.log(t.name, t.version);
 * await t.close();
 * ```
 */
export function openZmqTransport(): ZmqFfiTransport {
  const { lib, path } = loadLibzmq();
  return new ZmqFfiTransport(lib, path);
}
