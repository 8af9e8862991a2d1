/**
 * L8: the client's input line while it holds the teacher's token (`{admin TOKEN}`, by the
 * server's rule, `wire/typed_line.ts`): drawn as one fixed {@linkcode TOKEN_MASK} in place of
 * the token, its cursor after the mask wherever it is in the token, so that a projector shows
 * neither the token nor its length. The keys still edit the real line (readline keeps it); only
 * how it is drawn changes: readline's drawing is given the line as shown, and its cursor's place
 * in it. Lines without a token are drawn by readline as they always were.
 *
 * @module
 */

import type { Interface } from "node:readline";
import { TOKEN_MASK, tokenFrom } from "../wire/typed_line.ts";

/** How the input line is drawn. */
export interface ShownInput {
  /** The text drawn (the prompt not included). */
  readonly text: string;
  /** Where the cursor is drawn in it (a UTF-16 index, as readline's). */
  readonly cursor: number;
  /** Whether the text is masked (it is not the line). */
  readonly masked: boolean;
}

/** `{admin ` in lower case, and the blanks before it that the token's rule looks past. */
const ADMIN = "{admin ";
const MAX_LEAD = 16;

/**
 * How the input line is drawn: its token as one {@linkcode TOKEN_MASK}, the cursor after the
 * mask wherever it is in the token. A line that held a token since it was last empty (`held`)
 * whose `{admin ` was edited afterwards is still masked after what remains of `{admin `.
 *
 * @param line The line as typed.
 * @param cursor The cursor's place in it.
 * @param held Whether the line held a token since it was last empty.
 * @returns What to draw.
 *
 * @example
 * ```ts
 * import { shownInput } from "./masked_input.ts";
 * import assert from "node:assert/strict";
 * assert.deepEqual(shownInput("{admin abc", 10), {
 *   text: "{admin ********", cursor: 15, masked: true,
 * });
 * assert.deepEqual(shownInput("{admin qjqjqjqjqjqjqjqjqjq", 9), shownInput("{admin abc", 9));
 * assert.deepEqual(shownInput("{admi abc", 2, true), {
 *   text: "{admi********", cursor: 2, masked: true,
 * });
 * assert.deepEqual(shownInput(":oi", 3), { text: ":oi", cursor: 3, masked: false });
 * ```
 */
export function shownInput(line: string, cursor: number, held = false): ShownInput {
  let from = tokenFrom(line);
  if (from < 0 && held) from = adminLead(line);
  if (from < 0 || from >= line.length) return { text: line, cursor, masked: false };
  return {
    text: line.slice(0, from) + TOKEN_MASK,
    cursor: cursor < from ? cursor : from + TOKEN_MASK.length,
    masked: true,
  };
}

/** How much of the line reads as the start of `{admin ` (blanks, then its letters, any case). */
function adminLead(line: string): number {
  let i = 0;
  while (i < line.length && i < MAX_LEAD && line[i] === " ") i++;
  for (let j = 0; j < ADMIN.length; j++, i++) {
    if (line[i]?.toLowerCase() !== ADMIN[j]) break;
  }
  return i;
}

/** What of readline this module reaches: its line, its cursor, and methods by their names. */
type Inside = Interface & {
  line: string;
  cursor: number;
  [key: string | symbol]: unknown;
};

type Method = (this: Inside, ...args: unknown[]) => unknown;

/**
 * A readline's input line drawn with its token masked (L8). readline draws through a few
 * methods ({@linkcode HOOKED}), found by their names; each is replaced, on this readline only,
 * by one that, while the line is masked, edits the real line and has readline draw the line as
 * shown ({@linkcode shownInput}). Tab completes nothing while the line is masked (a list of
 * nicknames would show the token's first letters).
 */
export class MaskedInput {
  readonly #rl: Inside;
  /** Whether the line held a token since it was last empty. */
  #held = false;
  /** Whether a token was ever on the line (undo and the kill ring may bring it back). */
  #tokenSeen = false;
  /** Whether undo, redo or a yank is running (an empty line then does not end {@linkcode #held}). */
  #restoring = false;
  /** Whether readline is drawing the line as shown (its own geometry, not ours, then). */
  #drawing = false;
  /** The line last entered, and how it was drawn. */
  #entered = { line: "", shown: "" };
  /** Whether every method was reached (a readline without them draws the line as typed). */
  readonly installed: boolean;

  /** Takes over the drawing of `rl`'s input line. */
  constructor(rl: Interface) {
    this.#rl = rl as Inside;
    this.installed = this.#install();
    rl.on("history", (history: string[]) => {
      // Up does not bring the token back (it was entered just now: the state is still its).
      if (history.length > 0 && (this.#held || tokenFrom(history[0]!) >= 0)) history.shift();
    });
  }

  /** Whether the line as it is now is drawn masked. */
  get masked(): boolean {
    return this.#shown().masked;
  }

  /** The line as drawn, up to the cursor (the prompt not included). */
  beforeCursor(): string {
    const shown = this.#shown();
    return shown.text.slice(0, shown.cursor);
  }

  /** How the line just entered was drawn (to erase as many rows), given the line. */
  shownEntered(line: string): string {
    return this.#entered.line === line ? this.#entered.shown : shownInput(line, 0).text;
  }

  /** The line now as shown; notes whether it holds a token, and forgets one when it is empty. */
  #shown(): ShownInput {
    const { line, cursor } = this.#rl;
    if (line === "") this.#held &&= this.#restoring;
    else if (tokenFrom(line) >= 0) this.#held = this.#tokenSeen = true;
    return shownInput(line, cursor, this.#held);
  }

  /** Runs readline's `draw` on the line as shown, the real line kept. */
  #asShown<T>(draw: () => T): T {
    const rl = this.#rl;
    const { line, cursor } = rl;
    const shown = this.#shown();
    rl.line = shown.text;
    rl.cursor = shown.cursor;
    this.#drawing = true;
    try {
      return draw();
    } finally {
      rl.line = line;
      rl.cursor = cursor;
      this.#drawing = false;
    }
  }

  /**
   * Runs readline's undo, redo or yank: once a token was typed, what it brings back may be that
   * token, its `{admin` edited (the undo list and the kill ring outlive the line), so the line
   * is masked as one that held a token.
   */
  #restore(restore: () => unknown): unknown {
    if (!this.#tokenSeen) return restore();
    this.#held = this.#restoring = true;
    try {
      return restore();
    } finally {
      this.#restoring = false;
    }
  }

  /**
   * TERM=dumb (an Emacs shell buffer, for one): readline's dumb path (its own `_ttyWrite`) adds
   * each key to the line and echoes it through `_writeToOutput`, and never draws the line again.
   * The echo of a key that leaves the line masked is what the line as shown gained by it: the
   * mask once, at the token's first key, then nothing.
   */
  #maskEcho(): void {
    const rl = this.#rl;
    const echo = rl["_writeToOutput"];
    if (!Object.hasOwn(rl, "_ttyWrite") || typeof echo !== "function") return;
    const write = (text: string) => echo.call(rl, text);
    const masked = (text: string) => {
      const { line } = rl;
      if (text === "" || !line.endsWith(text)) return write(text); // not a key's echo
      const before = line.slice(0, line.length - text.length);
      const was = shownInput(before, before.length, this.#held).text;
      const now = this.#shown();
      if (!now.masked) return write(text);
      if (now.text.startsWith(was) && now.text.length > was.length) {
        write(now.text.slice(was.length));
      }
    };
    Object.defineProperty(rl, "_writeToOutput", {
      value: masked,
      configurable: true,
      writable: true,
    });
  }

  #install(): boolean {
    const rl = this.#rl;
    const found = new Map<string, Method>();
    for (const name of HOOKED) {
      const method = methodOf(rl, name);
      if (method === undefined) return false;
      found.set(name, method);
    }
    const refresh = found.get("_refreshLine")!;
    const insert = found.get("_insertString")!;
    const move = found.get("_moveCursor")!;
    const cursorPos = found.get("getCursorPos")!;
    const onLine = found.get("_onLine")!;
    const tab = found.get("_tabComplete")!;
    const redraw = () => this.#asShown(() => refresh.call(rl));
    replace(rl, "_refreshLine", () => this.#drawing ? refresh.call(rl) : redraw());
    replace(rl, "getCursorPos", () => {
      if (this.#drawing || !this.masked) return cursorPos.call(rl);
      return this.#asShown(() => cursorPos.call(rl));
    });
    replace(rl, "_insertString", (...args: unknown[]) => {
      const text = String(args[0]);
      const { line, cursor } = rl;
      const after = line.slice(0, cursor) + text + line.slice(cursor);
      const masked = this.masked ||
        shownInput(after, 0, this.#held || tokenFrom(after) >= 0).masked;
      if (!masked) return insert.call(rl, text);
      rl.line = after;
      rl.cursor = cursor + text.length;
      redraw();
    });
    replace(rl, "_moveCursor", (...args: unknown[]) => {
      const dx = Number(args[0]);
      if (!this.masked) return move.call(rl, dx);
      rl.cursor = Math.max(0, Math.min(rl.line.length, rl.cursor + dx));
      redraw();
    });
    replace(rl, "_tabComplete", (...args: unknown[]) => {
      if (!this.masked) return tab.call(rl, ...args);
    });
    replace(rl, "_onLine", (...args: unknown[]) => {
      const line = String(args[0]);
      this.#entered = { line, shown: shownInput(line, line.length, this.#held).text };
      this.#held = false;
      return onLine.call(rl, line);
    });
    this.#maskEcho();
    for (const name of RESTORERS) {
      const restore = methodOf(rl, name);
      if (restore !== undefined) {
        replace(rl, name, (...args: unknown[]) => this.#restore(() => restore.call(rl, ...args)));
      }
    }
    return true;
  }
}

/**
 * The methods through which readline edits and draws its line (node's readline, which Deno
 * implements): each is a method named by a symbol, its description this name, and a property
 * of this name too (`getCursorPos` only the property).
 */
const HOOKED = [
  "_refreshLine",
  "getCursorPos",
  "_insertString",
  "_moveCursor",
  "_tabComplete",
  "_onLine",
] as const;

/**
 * The methods through which readline brings back text typed before: undo (Ctrl+_), redo (Ctrl+^),
 * the kill ring (Ctrl+Y, Alt+Y); each a method named by a symbol, its description this name. A
 * readline without them has nothing to hook.
 */
const RESTORERS = ["kUndo", "kRedo", "kYank", "kYankPop"] as const;

/** The method `name` of readline: under the symbol so described, or else the property. */
function methodOf(rl: Inside, name: string): Method | undefined {
  const key = symbolOf(rl, name) ?? name;
  const method = rl[key];
  return typeof method === "function" ? method as Method : undefined;
}

/** The symbol described as `name` among the keys of readline's prototypes. */
function symbolOf(rl: Inside, name: string): symbol | undefined {
  for (let o = Object.getPrototypeOf(rl); o !== null; o = Object.getPrototypeOf(o)) {
    const key = Object.getOwnPropertySymbols(o).find((s) => s.description === name);
    if (key !== undefined) return key;
  }
  return undefined;
}

/** Puts `method` on this readline under `name`'s symbol and its property both. */
function replace(rl: Inside, name: string, method: (...args: unknown[]) => unknown): void {
  const key = symbolOf(rl, name);
  for (const k of key === undefined ? [name] : [key, name]) {
    Object.defineProperty(rl, k, { value: method, configurable: true, writable: true });
  }
}
