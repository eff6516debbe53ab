/**
 * Sequence-gap detection on the subscriber side.
 *
 * Every message header carries (publisher_id, session_id, sequence); the
 * sequence counts from 1 per publisher, per session and per stream (topic
 * frame). For each (stream, publisher) the detector remembers the session
 * and the last sequence and classifies each message:
 *
 * - `ok`: next in order;
 * - `join`: first message seen from this publisher on this stream. Nothing
 *   is counted as lost (we cannot know what was sent before we subscribed),
 *   but `firstSequence` > 1 is reported so a late join is visible;
 * - `gap`: same session, sequence jumped: `missed` = the hole size;
 * - `restart`: a newer session id (the publisher restarted; its sequence
 *   began again at 1). Messages 1..first-1 of the new session that never
 *   arrived are counted as `missed` (typically the ones sent while the
 *   subscriber was reconnecting): a restart is reported, never hidden;
 * - `stale`: a message of an older session after a newer one was seen;
 * - `out_of_order`: same session, sequence <= last (duplicate publisher id?).
 *
 * @example
 * ```ts
 * import { GapDetector } from "./gaps.ts";
 * const g = new GapDetector();
 * g.check("s", "pub", 1n, 1n);
 * const ev = g.check("s", "pub", 1n, 5n);
 * console.log(ev.kind, ev.missed); // gap 3n
 * ```
 * @module
 */

/** Classification of one message. */
export type GapKind = "ok" | "join" | "gap" | "restart" | "stale" | "out_of_order";

/** Result of {@link GapDetector.check}. */
export interface GapEvent {
  kind: GapKind;
  /** Stream key (topic frame text). */
  stream: string;
  publisherId: string;
  sessionId: bigint;
  sequence: bigint;
  /** Messages known to be lost by this event (0n unless gap or restart). */
  missed: bigint;
  /** Previous session, for restart and stale. */
  previousSessionId?: bigint;
  /** Last sequence seen before this message (same or previous session). */
  previousSequence?: bigint;
}

interface StreamState {
  sessionId: bigint;
  last: bigint;
}

/** Per (stream, publisher) sequence tracking. */
export class GapDetector {
  #streams = new Map<string, Map<string, StreamState>>();
  #size = 0;

  /** Number of (stream, publisher) pairs tracked. */
  get size(): number {
    return this.#size;
  }

  /** Classifies one message; updates the state. */
  check(stream: string, publisherId: string, sessionId: bigint, sequence: bigint): GapEvent {
    let pubs = this.#streams.get(stream);
    if (!pubs) {
      pubs = new Map();
      this.#streams.set(stream, pubs);
    }
    const s = pubs.get(publisherId);
    if (!s) {
      pubs.set(publisherId, { sessionId, last: sequence });
      this.#size++;
      return { kind: "join", stream, publisherId, sessionId, sequence, missed: 0n };
    }
    if (sessionId === s.sessionId) {
      const prev = s.last;
      if (sequence === prev + 1n) {
        s.last = sequence;
        return { kind: "ok", stream, publisherId, sessionId, sequence, missed: 0n };
      }
      if (sequence > prev + 1n) {
        s.last = sequence;
        return {
          kind: "gap",
          stream,
          publisherId,
          sessionId,
          sequence,
          missed: sequence - prev - 1n,
          previousSequence: prev,
        };
      }
      return {
        kind: "out_of_order",
        stream,
        publisherId,
        sessionId,
        sequence,
        missed: 0n,
        previousSequence: prev,
      };
    }
    if (sessionId > s.sessionId) {
      const prevSession = s.sessionId;
      const prev = s.last;
      s.sessionId = sessionId;
      s.last = sequence;
      return {
        kind: "restart",
        stream,
        publisherId,
        sessionId,
        sequence,
        missed: sequence > 1n ? sequence - 1n : 0n,
        previousSessionId: prevSession,
        previousSequence: prev,
      };
    }
    return {
      kind: "stale",
      stream,
      publisherId,
      sessionId,
      sequence,
      missed: 0n,
      previousSessionId: s.sessionId,
      previousSequence: s.last,
    };
  }

  /** Forgets everything. */
  reset(): void {
    this.#streams.clear();
    this.#size = 0;
  }
}
