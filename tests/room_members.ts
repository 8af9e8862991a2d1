/**
 * The Room contract's parts (`room_contract.ts`): the engines it runs
 * against, {@linkcode Recorder}s that keep what they are delivered and wait
 * for it (bounded), how one enters a room, and the {@linkcode barrier} up to
 * which "nobody else got anything" is read.
 *
 * @module
 */
import assert from "node:assert/strict";
import type { Timers } from "../common/time.ts";
import { HOW_TO_LINE, type Role } from "../protocol.ts";
import type { Outgoing } from "../server/room/message.ts";
import type { Member, RemovalReason, Room } from "../server/room/room.ts";
import { WAIT_MS } from "./wait.ts";
import { splitLines } from "../wire/line_splitter.ts";

const decoder = new TextDecoder();
/** The line after the user list that says how to talk (issue 10). */
export const HOW_TO = HOW_TO_LINE.trimEnd();

let ids = 0;

/** A member that records every message it is delivered, and can wait for more. */
export class Recorder implements Member {
  readonly id = `r${++ids}`;
  readonly nick: string;
  readonly ip: string;
  role: Role = "anyone";
  /** Each removal the room asked for, with its reason. */
  readonly removals: RemovalReason[] = [];
  /** Each delivery's bytes, as given. */
  readonly sends: Uint8Array[] = [];
  /** What `deliver` answers: `false` plays a member being dropped. */
  accepting = true;
  #muted = false;
  #next = 0;
  readonly #waiters = new Set<() => void>();

  /**
   * @param nick The nickname.
   * @param ip The address it connects from.
   */
  constructor(nick: string, ip = "10.0.0.1") {
    this.nick = nick;
    this.ip = ip;
  }

  /** Whether the teacher muted it; set by the room. */
  get muted(): boolean {
    return this.#muted;
  }

  set muted(on: boolean) {
    this.#muted = on;
    this.#wake();
  }

  remove(reason: RemovalReason = "kicked"): void {
    this.removals.push(reason);
    this.#wake();
  }

  deliver(message: Outgoing): boolean {
    if (!this.accepting) return false;
    this.sends.push(message.bytes);
    this.#wake();
    return true;
  }

  /** Every line received, without CRLF. */
  get lines(): string[] {
    const text = this.sends.map((b) => decoder.decode(b)).join("");
    assert.ok(text === "" || text.endsWith("\r\n"), `an unfinished line: ${JSON.stringify(text)}`);
    return splitLines(text).lines;
  }

  /** Forgets what was received. */
  clear(): void {
    this.sends.length = 0;
    this.#next = 0;
  }

  /**
   * Waits until `ok()` holds, checking on every delivery and change.
   * @throws {Error} When it does not within {@linkcode WAIT_MS}.
   */
  async waitFor(ok: () => boolean, what: string): Promise<void> {
    if (ok()) return;
    let timer: ReturnType<typeof setTimeout> | undefined;
    let check = () => {};
    try {
      await new Promise<void>((resolve, reject) => {
        timer = setTimeout(
          () => reject(new Error(`${this.nick}: timed out waiting for ${what}: ${this.lines}`)),
          WAIT_MS,
        );
        check = () => ok() && resolve();
        this.#waiters.add(check);
      });
    } finally {
      clearTimeout(timer);
      this.#waiters.delete(check);
    }
  }

  /** Skips lines until one starts with `prefix`, waiting for it, and returns it. */
  async expect(prefix: string): Promise<string> {
    const at = await this.#find((l) => l.startsWith(prefix), `a line starting "${prefix}"`);
    this.#next = at + 1;
    return this.lines[at]!;
  }

  /** Waits for the line `line`, and returns (and takes) the lines before it. */
  async before(line: string): Promise<string[]> {
    const at = await this.#find((l) => l === line, JSON.stringify(line));
    const out = this.lines.slice(this.#next, at);
    this.#next = at + 1;
    return out;
  }

  async #find(ok: (line: string) => boolean, what: string): Promise<number> {
    let at = -1;
    await this.waitFor(() => {
      at = this.lines.findIndex((l, i) => i >= this.#next && ok(l));
      return at >= 0;
    }, what);
    return at;
  }

  /** The lines not yet taken by {@linkcode expect} (taking them). */
  rest(): string[] {
    const lines = this.lines;
    const out = lines.slice(this.#next);
    this.#next = lines.length;
    return out;
  }

  #wake(): void {
    for (const w of this.#waiters) w();
  }
}

/**
 * A member who joined through `room`, its entry lines taken.
 * @param room The handle (node) it joins through.
 * @param role `teacher` to join as the teacher, recorded with `promote` (C2).
 */
export async function enter(
  room: Room,
  nick: string,
  ip?: string,
  role: Role = "anyone",
): Promise<Recorder> {
  const m = new Recorder(nick, ip);
  m.role = role;
  assert.equal(await room.join(m), true, `${nick} could not join`);
  if (role === "teacher") await room.promote(m);
  await m.expect("AJUDA");
  m.rest();
  return m;
}

let barriers = 0;

/**
 * Sends a notice to everyone through `room` and waits until each of
 * `members` has it: what each got before it is returned (and taken), so a
 * test can say that nobody got anything else.
 */
export async function barrier(room: Room, members: Recorder[]): Promise<string[][]> {
  const mark = `barreira ${++barriers}`;
  await room.notice("say", mark);
  return await Promise.all(members.map((m) => m.before(`AVISO professor: ${mark}`)));
}

/** A room opened for one test, through two handles (one per node), closed by `await using`. */
export interface OpenRoom extends AsyncDisposable {
  /** Two handles on one room: the same room twice, or two nodes. */
  readonly rooms: readonly [Room, Room];
}

/** An engine the contract runs against. */
export interface RoomEngine {
  /** Its name, which starts each test's name. */
  readonly name: string;
  /** Why its tests are skipped here (redis-server not installed), or `undefined`. */
  readonly skip?: string;
  /**
   * Opens a new, empty room, where a kick keeps an address out 5 minutes (C3).
   * @param history How many public messages a latecomer is shown (C4).
   * @param timers The clock of kicks (C3), whose time the test moves. @default the engine's own
   */
  open(history: number, timers?: Timers): Promise<OpenRoom>;
}

/** Registers one of the contract's tests for an engine (its name is prefixed, skipped with it). */
export type ContractTest = (name: string, fn: (t: Deno.TestContext) => Promise<void>) => void;
