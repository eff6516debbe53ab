/**
 * The one small interface between the bus wrappers (publisher, subscriber)
 * and whatever moves multipart messages between processes. Today it is
 * {@link ./zmq_ffi.ts} (real libzmq through Deno FFI); once Deno's uv_poll
 * compatibility delivers more than the first readiness callback
 * (denoland/deno#36317), an npm `zeromq` implementation can replace it
 * without touching the wrappers.
 *
 * Semantics are ZeroMQ PUB/SUB: multipart messages are delivered whole or not
 * at all; a publisher never blocks (messages for a subscriber whose queue is
 * at the high-water mark are dropped, which the subscriber's sequence-gap
 * detector reports); subscriptions are byte prefixes of the first frame;
 * connecting sides reconnect by themselves when the peer restarts.
 *
 * @example
 * ```ts
 * import type { Transport } from "./transport.ts";
 * async function pingOnce(t: Transport): Promise<void> {
 *   const pub = t.publisher({ hwm: 1000 });
 *   const ep = pub.bind("tcp://127.0.0.1:*");
 *   const sub = t.subscriber({ hwm: 1000 });
 *   sub.connect(ep);
 *   sub.subscribe(new TextEncoder().encode("ping"));
 *   pub.send([new TextEncoder().encode("ping"), new Uint8Array([1])]);
 *   const batch = await sub.receive(100);
 *   await sub.close();
 *   pub.close();
 * }
 * ```
 * @module
 */

/** Options common to both socket kinds. Every field has a sensible default. */
export interface SocketOptions {
  /** High-water mark (messages queued per peer before dropping). Default 100000. */
  hwm?: number;
  /** How long close() keeps trying to deliver queued messages, ms. Default 200. */
  lingerMs?: number;
  /** First reconnect delay after a peer went away, ms. Default 100. */
  reconnectIvlMs?: number;
  /** Reconnect back-off ceiling, ms. Default 2000. */
  reconnectIvlMaxMs?: number;
  /** ZMTP heartbeat interval to detect dead peers, ms (0 = off). Default 1000. */
  heartbeatIvlMs?: number;
}

/** The sending side of a PUB/SUB pair. */
export interface PubSocket {
  /**
   * Binds a local endpoint ("tcp://127.0.0.1:7001"; port "*" picks a free
   * one) and returns the endpoint actually bound.
   */
  bind(endpoint: string): string;
  /** Connects to a remote endpoint (a subscriber that binds). */
  connect(endpoint: string): void;
  /**
   * Queues one multipart message. Returns false when it could not be queued
   * (dropped); never blocks.
   */
  send(frames: readonly Uint8Array[]): boolean;
  /** Closes the socket; queued messages get up to `lingerMs` to leave. */
  close(): void;
}

/** The receiving side of a PUB/SUB pair. */
export interface SubSocket {
  /** Binds a local endpoint (publishers connect to it); returns it. */
  bind(endpoint: string): string;
  /** Connects to a publisher's endpoint; reconnects by itself. */
  connect(endpoint: string): void;
  /** Receives messages whose first frame starts with `prefix`. */
  subscribe(prefix: Uint8Array): void;
  /** Stops receiving messages for a prefix given to subscribe(). */
  unsubscribe(prefix: Uint8Array): void;
  /**
   * Waits (without spinning) until at least one message is there, then
   * returns up to `max` messages, each as its frames. Resolves to an empty
   * array once the socket is closed. At most one call may be pending.
   */
  receive(max: number): Promise<Uint8Array[][]>;
  /** Stops a pending receive() (it resolves to []) and closes the socket. */
  close(): Promise<void>;
}

/** A factory of sockets sharing one I/O context. */
export interface Transport {
  /** Implementation name, for logs and /stats ("zmq-ffi"). */
  readonly name: string;
  /** Library version, for logs ("4.3.4"). */
  readonly version: string;
  /** A new publisher socket. */
  publisher(options?: SocketOptions): PubSocket;
  /** A new subscriber socket. */
  subscriber(options?: SocketOptions): SubSocket;
  /** Closes every socket still open and releases the context. */
  close(): Promise<void>;
}
