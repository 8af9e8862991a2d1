/**
 * A run of public messages read together from the room's stream, delivered
 * at once (P4): each member is handed the run's lines as one piece of bytes,
 * rendered once for everyone, instead of one piece per message. A member
 * that sent some of them gets the run without its own (a sender is not sent
 * its own public message), rendered once per such sender.
 *
 * @example
 * ```ts
 * import { Run } from "./run.ts";
 * import assert from "node:assert/strict";
 * const run = new Run();
 * run.add("a/1", "ana", "oi");
 * run.add("a/2", "bob", "ola");
 * assert.equal(new TextDecoder().decode(run.forMember("a/3")!.bytes), "PUBLICA ana: oi\r\nPUBLICA bob: ola\r\n");
 * assert.equal(new TextDecoder().decode(run.forMember("a/1")!.bytes), "PUBLICA bob: ola\r\n");
 * ```
 *
 * @module
 */

import { Outgoing } from "../message.ts";

/** Public messages in the stream's order, with who sent each. */
export class Run {
  /** Each message, rendered once, and its sender's member id. */
  readonly items: { readonly out: Outgoing; readonly from: string }[] = [];
  readonly #senders = new Set<string>();
  #all: Outgoing | undefined;
  readonly #without = new Map<string, Outgoing | undefined>();

  /** How many messages the run holds. */
  get length(): number {
    return this.items.length;
  }

  /** Adds a public message sent by member `from` (its nickname `nick`). */
  add(from: string, nick: string, text: string): Outgoing {
    const out = new Outgoing({ kind: "public", from: nick, text });
    this.items.push({ out, from });
    this.#senders.add(from);
    return out;
  }

  /** What member `id` gets of the run: every message but its own; `undefined` for none. */
  forMember(id: string): Outgoing | undefined {
    if (!this.#senders.has(id)) return this.#all ??= joined(this.items.map((i) => i.out));
    if (this.#without.has(id)) return this.#without.get(id);
    const outs = this.items.filter((i) => i.from !== id).map((i) => i.out);
    const out = outs.length === 0 ? undefined : joined(outs);
    this.#without.set(id, out);
    return out;
  }
}

/** One message of several messages' lines, in order. */
function joined(outs: readonly Outgoing[]): Outgoing {
  if (outs.length === 1) return outs[0]!;
  let size = 0;
  for (const o of outs) size += o.bytes.length;
  const bytes = new Uint8Array(size);
  let at = 0;
  for (const o of outs) {
    bytes.set(o.bytes, at);
    at += o.bytes.length;
  }
  return new Outgoing(outs[0]!.message, bytes);
}
