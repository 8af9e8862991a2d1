/**
 * Who the client knows is online, kept current from the server's lines (the
 * user list, join and leave notices), and Tab completion of nicknames and
 * commands from it (C6).
 *
 * @module
 */

import { COMMANDS, type CommandSpec } from "../protocol.ts";
import type { ServerLine } from "../wire/server_lines.ts";

/** Commands the client itself understands, beside the server's. */
export const CLIENT_COMMANDS: readonly string[] = ["{reply "];

/** What Tab may complete a `{` to: every command, `{name}` or `{name ` when it takes more. */
const COMMAND_FORMS: readonly string[] = [
  ...(COMMANDS as readonly CommandSpec[]).filter((c) => c.syntax === "brace").map((c) =>
    (c.arg ?? "none") === "none" ? `{${c.name}}` : `{${c.name} `
  ),
  ...CLIENT_COMMANDS,
];

/** The names online as the client knows them. */
export class Roster {
  #names = new Map<string, string>();
  /** A user list arriving in several `USUARIOS` lines (X1): the names so far, and how many. */
  #listing: { names: Map<string, string>; total: number } | undefined;

  /** The names known, in the order they came. */
  get names(): string[] {
    return [...this.#names.values()];
  }

  /** Whether a user list's lines are still coming: the last `USUARIOS` line read was not its last. */
  get listing(): boolean {
    return this.#listing !== undefined;
  }

  /** Forgets every name: the connection ended, nobody is known to be online. */
  clear(): void {
    this.#names.clear();
    this.#listing = undefined;
  }

  /**
   * Learns from a line of the server.
   *
   * @returns Whether the line is one that may change who is online (a page draws its list again).
   */
  update(line: ServerLine): boolean {
    switch (line.kind) {
      case "welcome":
      case "joined":
        if (line.nick !== "") this.#names.set(line.nick.toLowerCase(), line.nick);
        return true;
      case "left":
        this.#names.delete(line.nick.toLowerCase());
        return true;
      case "joinedMany":
        for (const nick of line.names) this.#names.set(nick.toLowerCase(), nick);
        return true;
      case "leftMany":
        for (const nick of line.names) this.#names.delete(nick.toLowerCase());
        return true;
      case "users":
        this.#listed(line.text);
        return true;
    }
    return false;
  }

  /**
   * A user list is the room's whole list (S10, X1): once its lines have named
   * everyone it counts, it replaces what was known, so a departure missed
   * (a summary's names beyond the first) is forgotten then. A list cut short
   * (`e mais 10`) only adds its names.
   */
  #listed(text: string): void {
    const list = listedNames(text);
    if (list.total === undefined) {
      for (const nick of list.names) this.#names.set(nick.toLowerCase(), nick);
      return;
    }
    const listing = this.#listing ?? { names: new Map<string, string>(), total: list.total };
    for (const nick of list.names) listing.names.set(nick.toLowerCase(), nick);
    this.#listing = listing;
    if (listing.names.size < listing.total) return;
    this.#names = listing.names;
    this.#listing = undefined;
  }

  /**
   * Completes the word before the cursor: a `{command`, a nickname at the
   * start of the line as `nick:` (a private message), or a nickname in a
   * message's text.
   *
   * @param line The input line up to the cursor.
   * @returns What it may become (several when it is ambiguous), and the word completed.
   *
   * @example
   * ```ts
   * import { Roster } from "./roster.ts";
   * import { parseServerLine } from "../wire/server_lines.ts";
   * import assert from "node:assert/strict";
   * const roster = new Roster();
   * roster.update(parseServerLine("USUARIOS 2 online: Beatriz, bob"));
   * assert.deepEqual(roster.complete("bea"), [["Beatriz:"], "bea"]);
   * assert.deepEqual(roster.complete(":oi b"), [["Beatriz", "bob"], "b"]);
   * assert.deepEqual(roster.complete("{us"), [["{users}"], "{us"]);
   * ```
   */
  complete(line: string): [string[], string] {
    const start = Math.max(line.lastIndexOf(" "), line.lastIndexOf(":")) + 1;
    const word = line.slice(start);
    if (start === 0 && word.startsWith("{")) {
      return [COMMAND_FORMS.filter((c) => c.startsWith(word.toLowerCase())), word];
    }
    if (word === "") return [[], word];
    const prefix = word.toLowerCase();
    const names = this.names.filter((n) => n.toLowerCase().startsWith(prefix));
    const atStart = start === 0;
    const inBraces = line.startsWith("{");
    return [names.map((n) => atStart && !inBraces ? `${n}:` : n), word];
  }
}

/**
 * The names in a `USUARIOS` line: `3 online: a, b, c`; the last may be
 * followed by the count of the others (`c e mais 10; ...`), and a name has
 * no spaces, so each item's first word is a name. `total` is how many are
 * online, when the line lists them all (one line of several, or the only one).
 */
function listedNames(text: string): { names: string[]; total?: number } {
  const at = text.indexOf(": ");
  if (at < 0) return { names: [] };
  const items = text.slice(at + 2).split(", ");
  const names = items.map((item) => item.split(" ")[0]!).filter((n) => /^[A-Za-z0-9_-]+$/.test(n));
  const total = Number(/^(\d+) /.exec(text)?.[1]);
  const cut = items.some((item) => item.includes(" "));
  return Number.isInteger(total) && !cut ? { names, total } : { names };
}
