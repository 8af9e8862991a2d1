/**
 * What a conformance check is and what it reports, and the context each
 * check runs in: its deadline, fresh random nicknames, the connections it
 * opened (all closed at the end), and how a failure shows what was seen.
 *
 * @module
 */

import { type Endpoint, UnreachableError } from "./connect.ts";
import { Probe } from "./probe.ts";

/** How strictly a server is checked: the assignment only, or PROTOCOL.md to the letter. */
export type Level = "seed" | "papo";

/** A text in both languages of the kit's reports. */
export interface Text {
  /** Portuguese (pt-BR). */
  readonly pt: string;
  /** English. */
  readonly en: string;
}

/** One check: one requirement of CONTRACT.md, tried on fresh connections. */
export interface Check {
  /** The requirement id, with a suffix when one requirement has several checks: `S12.sent`. */
  readonly id: string;
  /** What it checks, in a few words. */
  readonly title: Text;
  /**
   * Runs the check; returns when it held.
   * @throws {CheckFailure} When the server did not do what is expected.
   * @throws {CheckSkip} When the check cannot tell, with the reason.
   */
  run(ctx: Context): Promise<void>;
}

/** The verdict of one check. */
export type Status = "ok" | "fail" | "skip";

/** What one check found on one server. */
export interface Result {
  /** The check's id. */
  readonly id: string;
  /** The check's title. */
  readonly title: Text;
  /** ok, fail or skip. */
  readonly status: Status;
  /** On fail: what was expected. */
  readonly expected?: string;
  /** On fail: what was expected, in Portuguese, when the check says it (issue 19.5). */
  readonly expectedPt?: string;
  /** On fail: the last lines each connection received (`nick < line`), a few at most. */
  readonly seen?: readonly string[];
  /** On skip: why the check could not tell. */
  readonly reason?: string;
  /** On ok: something worth knowing, such as the prompt the server sent. */
  readonly note?: string;
  /** How long the check took, in milliseconds. */
  readonly ms: number;
}

/** The server did not do what a check expects. */
export class CheckFailure extends Error {
  /** What was expected, in one sentence. */
  readonly expected: string;
  /** What was expected, in Portuguese, when the check says it (issue 19.5). */
  readonly expectedPt: string | undefined;
  /** What the connections received (see {@linkcode Result.seen}). */
  readonly seen: readonly string[];

  /**
   * @param expected What was expected: in English, or in both languages.
   * @param seen What was seen.
   */
  constructor(expected: string | Text, seen: readonly string[]) {
    const en = typeof expected === "string" ? expected : expected.en;
    super(`Expected ${en}`);
    this.name = "CheckFailure";
    this.expected = en;
    this.expectedPt = typeof expected === "string" ? undefined : expected.pt;
    this.seen = seen;
  }
}

/** A check cannot tell whether the server meets the requirement; the message says why. */
export class CheckSkip extends Error {
  /** @param reason Why, in one sentence. */
  constructor(reason: string) {
    super(reason);
    this.name = "CheckSkip";
  }
}

/** How long checks wait. */
export interface Timing {
  /** Milliseconds a whole check may take. @default {5000} */
  readonly timeoutMs: number;
  /** Milliseconds to wait for one expected answer. @default {2000} */
  readonly waitMs: number;
  /** Milliseconds of silence that end a server's answer (seed level). @default {200} */
  readonly quietMs: number;
}

/** The timing of a run from the command line. */
export const DEFAULT_TIMING: Timing = { timeoutMs: 5000, waitMs: 2000, quietMs: 200 };

/** What a failure shows of a connection the server never answered while it prompted others. */
const UNSERVED = "(nothing at all, not even the prompt the others got: does the server serve one " +
  "client at a time? it must accept new clients while others are connected, e.g. a thread each)";

/** The most lines of one connection shown in a failure. */
export const SEEN_LINES = 4;

/** What one connection received since a position: a view for a failure report. */
export interface View {
  /** The connection. */
  readonly probe: Probe;
  /** The position it was looked at from. @default {0} */
  readonly from?: number;
}

/** The context of one check on one server: deadline, nicknames, connections. */
export class Context {
  /** The server under test. */
  readonly endpoint: Endpoint;
  /** How long to wait. */
  readonly timing: Timing;
  /** `performance.now()` at which the check must end. */
  readonly deadline: number;
  /** Notes for the report when the check passes. */
  readonly notes: string[] = [];
  readonly #probes: Probe[] = [];

  /**
   * @param endpoint The server under test.
   * @param timing How long to wait.
   */
  constructor(endpoint: Endpoint, timing: Timing) {
    this.endpoint = endpoint;
    this.timing = timing;
    this.deadline = performance.now() + timing.timeoutMs;
  }

  /** How long to wait for an answer that may not come at all (a prompt, a notice). */
  get replyMs(): number {
    return Math.min(this.timing.waitMs, this.timing.quietMs * 3);
  }

  /** A fresh nickname: 8 lower-case letters, starting with `n`. */
  nick(): string {
    return "n" + letters(7);
  }

  /** A fresh word to recognise a message by: 10 lower-case letters, starting with `t`. */
  token(): string {
    return "t" + letters(9);
  }

  /**
   * Opens a connection to the server, closed when the check ends.
   *
   * @param label The probe's name in reports (its nickname).
   * @param resettable Whether the probe may vanish with a TCP reset (issue 19.5).
   * @returns The probe.
   * @throws {CheckFailure} When the server cannot be reached.
   */
  async connect(label: string, resettable = false): Promise<Probe> {
    try {
      const probe = await Probe.open(this.endpoint, { deadline: this.deadline, label, resettable });
      this.#probes.push(probe);
      return probe;
    } catch (e) {
      if (e instanceof UnreachableError) {
        // The server was reached when the run began (run.ts): refused now, it is gone.
        const gone = e.message === "connection refused"
          ? ": the server no longer accepts connections (did it stop? its terminal may say why)"
          : "";
        throw new CheckFailure(`a new connection to be accepted (for ${label})`, [
          `${e.message}${gone}`,
        ]);
      }
      throw e;
    }
  }

  /**
   * A failure to throw, showing what each connection received.
   *
   * @param expected What was expected.
   * @param views The connections to show, each from a position or from the start.
   * @returns The failure.
   */
  fail(expected: string | Text, ...views: (Probe | View)[]): CheckFailure {
    const late = performance.now() >= this.deadline;
    const flooded = views.some((v) => (v instanceof Probe ? v : v.probe).flooded);
    const s = this.timing.timeoutMs / 1000;
    const say = (text: string, lang: "pt" | "en"): string => {
      const why = !flooded
        ? text
        : lang === "pt"
        ? `${text} (o servidor mandou mais de 256 KiB sem parar)`
        : `${text} (the server sent more than 256 KiB without stopping)`;
      if (!late) return why;
      return lang === "pt"
        ? `${why}, dentro dos ${s} s da verificação`
        : `${why}, within the check's ${s} s`;
    };
    // A server that prompts others but never answered this connection is not serving it.
    const prompts = this.#probes.some((p) => p.greeted);
    const seen = seenLines(views.map((v) => v instanceof Probe ? { probe: v } : v), prompts);
    if (typeof expected === "string") return new CheckFailure(say(expected, "en"), seen);
    return new CheckFailure({ en: say(expected.en, "en"), pt: say(expected.pt, "pt") }, seen);
  }

  /**
   * Closes every connection the check opened: politely (end of input, then
   * waiting a little for the server to close) so that no reset is caused.
   */
  async cleanup(): Promise<void> {
    await Promise.all(this.#probes.map((p) => p.leave(Math.max(50, this.timing.quietMs * 2))));
  }
}

/**
 * The last lines each connection received, as `label < line`, with control
 * characters shown as `\xNN`.
 *
 * @param views The connections, each from a position.
 * @param prompts Whether the server prompted other connections of the check
 *   (then one it never sent a byte is said to be unserved).
 * @returns A few lines per connection.
 *
 * @example
 * ```ts ignore
 * seenLines([{ probe: bob, from: 0 }]); // ["bob < Usuarios online: ana, bob"]
 * ```
 */
export function seenLines(views: readonly View[], prompts = false): string[] {
  const out: string[] = [];
  for (const { probe, from } of views) {
    const lines = probe.lines(from ?? 0, true).filter((l) => l.trim() !== "");
    if (lines.length === 0 && prompts && probe.unserved) out.push(`${probe.label} < ${UNSERVED}`);
    else if (lines.length === 0) out.push(`${probe.label} < (nothing)`);
    for (const line of lines.slice(-SEEN_LINES)) out.push(`${probe.label} < ${visible(line)}`);
    if (probe.ended) out.push(`${probe.label}: (the server closed the connection)`);
  }
  return out;
}

/**
 * Shows a line with control characters as `\xNN` and cut at 120 characters.
 *
 * @param line A line received.
 * @returns What a report shows.
 *
 * @example
 * ```ts
 * import { visible } from "./check.ts";
 * import { strictEqual } from "node:assert/strict";
 * strictEqual(visible("a\x1b[31mb"), "a\\x1b[31mb");
 * ```
 */
export function visible(line: string): string {
  const shown = line.replace(
    // deno-lint-ignore no-control-regex
    /[\x00-\x1f\x7f]/g,
    (c) => `\\x${c.charCodeAt(0).toString(16).padStart(2, "0")}`,
  );
  return shown.length > 120 ? `${shown.slice(0, 117)}...` : shown;
}

function letters(n: number): string {
  const bytes = crypto.getRandomValues(new Uint8Array(n));
  return Array.from(bytes, (b) => String.fromCharCode(97 + (b % 26))).join("");
}
