/**
 * The client's terminal screen: one input line at the bottom, edited with
 * node:readline, and lines printed above it without garbling what is being
 * typed (S15). Also the colours of the chat's kinds of lines.
 *
 * Only the client uses this module, and only when both standard input and
 * standard output are terminals.
 *
 * @module
 */

import process from "node:process";
import { createInterface, type Interface } from "node:readline";
import { displayWidth } from "./width.ts";
import { clearEntered, clearRowsUp, columnsOf, followRewrap } from "./input_rows.ts";
import { MaskedInput } from "./masked_input.ts";
import type { Style } from "./render.ts";

const SGR: Readonly<Record<Style, string>> = {
  own: "32", // green
  public: "0", // the terminal's own colour
  private: "1;35", // bold magenta
  system: "36", // cyan
  error: "1;31", // bold red
  time: "2", // dim
  notice: "1;33", // bold yellow
  history: "2", // dim
  mention: "1;7", // bold, reversed
};

/**
 * Wraps text in the colour of its kind of line.
 *
 * @param style The kind of line.
 * @param text The text.
 * @param colour Whether to colour at all (false when `NO_COLOR` is set or
 *   output is not a terminal).
 * @returns The text, wrapped in SGR escape codes when `colour` is true.
 *
 * @example
 * ```ts
 * import { paint } from "./screen.ts";
 * import assert from "node:assert/strict";
 * assert.deepEqual(paint("error", "ERRO 02", false), "ERRO 02");
 * assert.deepEqual(paint("own", "oi", true), "\x1b[32moi\x1b[0m");
 * ```
 */
export function paint(style: Style, text: string, colour: boolean): string {
  return colour ? `\x1b[${SGR[style]}m${text}\x1b[0m` : text;
}

/**
 * A terminal with an input line at the bottom. Lines printed with
 * {@linkcode Screen.print} appear above the input line, and the prompt with
 * the half-typed text is drawn again below them.
 *
 * Ctrl+C and Ctrl+D (on an empty line) call `onLeave`, saying which; {@linkcode Screen.close}
 * restores the terminal (raw mode off).
 */
export class Screen {
  readonly #rl: Interface;
  readonly #out = process.stdout;
  /** Whether the prompt and the input line are on the screen now. */
  #showing = false;
  #closed = false;
  #answer: ((line: string | undefined) => void) | undefined;
  #onLine: ((line: string) => void) | undefined;
  readonly #onLeave: (how: "interrupt" | "end") => void;
  /**
   * The width the input line is drawn at, and readline's `columns`: the terminal's width,
   * followed (`#follow`) before anything is drawn, so that readline never draws at a width
   * other than the one the line on the screen is wrapped at.
   */
  #columns: number;
  /** L8: how the input line is drawn while it holds the teacher's token. */
  readonly #mask: MaskedInput;

  /**
   * Takes over the terminal (raw mode, line editing).
   *
   * @param onLeave Called once when the user presses Ctrl+C (`interrupt`), or
   *   Ctrl+D on an empty line (`end`).
   * @param completer What Tab completes the input line to (C6): given the line
   *   up to the cursor, the completions and the word they complete.
   */
  constructor(
    onLeave: (how: "interrupt" | "end") => void,
    completer?: (line: string) => [string[], string],
  ) {
    this.#onLeave = onLeave;
    this.#columns = columnsOf(this.#out);
    this.#rl = createInterface({
      input: process.stdin,
      output: process.stdout,
      terminal: true,
      historySize: 100,
      ...(completer ? { completer } : {}),
    });
    // readline's own width is the terminal's as of its last resize event: ours instead.
    Object.defineProperty(this.#rl, "columns", { get: () => this.#columns, configurable: true });
    this.#mask = new MaskedInput(this.#rl);
    this.#rl.on("line", (line: string) => {
      this.#showing = false;
      const answer = this.#answer;
      this.#answer = undefined;
      if (answer) answer(line);
      else if (this.#onLine) this.#onLine(line);
      else this.eraseEntered(line); // nothing asked: the line is dropped
      // Until the next question, an empty input line keeps printed lines
      // apart from keys typed meanwhile.
      if (!this.#showing) this.prompt("");
    });
    // Before readline handles a key or redraws for a resize.
    process.stdin.prependListener("keypress", this.#follow);
    process.stdout.prependListener("resize", this.#follow);
    this.#rl.on("SIGINT", () => this.#leave("interrupt"));
    this.#rl.on("close", () => this.#leave("end"));
    this.prompt("");
  }

  /** Whether the screen was closed (by the user or by {@linkcode close}). */
  get closed(): boolean {
    return this.#closed;
  }

  #leave(how: "interrupt" | "end"): void {
    if (this.#closed) return;
    this.close();
    this.#onLeave(how);
  }

  /**
   * Asks a question on the input line.
   *
   * @param question The prompt, shown before the answer.
   * @returns The answer, or `undefined` when the user leaves (Ctrl+C, Ctrl+D)
   *   or the screen is closed.
   */
  ask(question: string): Promise<string | undefined> {
    if (this.#closed) return Promise.resolve(undefined);
    return new Promise((resolve) => {
      this.#answer = resolve;
      this.prompt(question);
    });
  }

  /**
   * Sets what to do with each line entered when no question is asked (until
   * then such lines are dropped).
   *
   * @param handler Called with each line entered; it calls {@linkcode prompt}
   *   to show the prompt again, or an empty input line is shown.
   */
  onLine(handler: (line: string) => void): void {
    this.#onLine = handler;
  }

  /**
   * Shows the prompt and the input line (and takes keys again).
   *
   * @param prompt A new prompt; the last one when not given.
   */
  prompt(prompt?: string): void {
    if (this.#closed) return;
    this.#follow();
    if (prompt !== undefined) this.#rl.setPrompt(prompt);
    this.#showing = true;
    this.#rl.prompt(true);
  }

  /**
   * Prints a line above the input line; the prompt and the half-typed text
   * are drawn again below it, the cursor where it was.
   *
   * @param text The line, without a line ending.
   */
  print(text: string): void {
    this.#follow();
    if (!this.#showing || this.#closed) {
      this.#out.write(`${text}\n`);
      return;
    }
    const rows = this.#clearInput();
    // readline redraws by first moving up as many rows as the cursor was
    // below the input's first row: as many blank rows follow the text, and
    // the redraw clears them and draws the input right below the text.
    this.#out.write(`${text}\n${"\n".repeat(rows)}`);
    this.#rl.prompt(true);
  }

  /**
   * Follows the terminal to its width now when it is not the width the input line was drawn
   * at: the terminal has re-wrapped the line as drawn, and it is drawn again at the new width.
   * Called before anything is drawn (a key, a line printed, a prompt) and on a resize event:
   * the terminal re-wraps when it is resized, and keys handled before the client's resize
   * event would otherwise be drawn at the old width over the re-wrapped line (readline, moving
   * up the rows it drew at the old width, cleared a row above the input line).
   */
  #follow = (): void => {
    const columns = columnsOf(this.#out);
    if (columns === this.#columns) return;
    const drawn = this.#columns;
    this.#columns = columns;
    if (!this.#showing || this.#closed) return;
    // Nothing was drawn since the last call: the line as it is now is the line re-wrapped.
    const offset = displayWidth(this.#rl.getPrompt() + this.#mask.beforeCursor());
    followRewrap(this.#out, offset, drawn, columns);
    this.#rl.prompt(true);
  };

  /**
   * Puts a line back into the input line, to be edited and sent again (a
   * line refused: nothing typed is lost), when nothing is typed there now
   * (a line half typed is not disturbed; the refused one is on the screen).
   *
   * @param text The line.
   */
  giveBack(text: string): void {
    if (this.#closed || text === "" || this.#rl.line !== "") return;
    this.#follow();
    // Into readline's buffer, drawn by the prompt (a write would echo it where the cursor is).
    const edited = this.#rl as unknown as { line: string; cursor: number };
    edited.line = text;
    edited.cursor = text.length;
    if (this.#showing) this.#rl.prompt(true);
  }

  /** Rings the terminal's bell (C6). */
  bell(): void {
    if (!this.#closed) this.#out.write("\x07");
  }

  /**
   * Removes a line just entered from the screen, so that it can be shown
   * again in the chat's own form.
   *
   * @param line The line as it was typed.
   */
  eraseEntered(line: string): void {
    if (this.#closed) return;
    this.#follow();
    clearEntered(this.#out, displayWidth(this.#rl.getPrompt() + this.#mask.shownEntered(line)));
  }

  /** Erases the prompt and input; returns the cursor's row within them. */
  #clearInput(): number {
    const { rows } = this.#rl.getCursorPos();
    clearRowsUp(this.#out, rows);
    return rows;
  }

  /**
   * Removes the input line and restores the terminal. Lines printed
   * afterwards go to the output as they are.
   */
  close(): void {
    if (this.#closed) return;
    this.#follow();
    this.#closed = true;
    process.stdin.off("keypress", this.#follow);
    process.stdout.off("resize", this.#follow);
    if (this.#showing) this.#clearInput();
    this.#showing = false;
    this.#rl.close();
    try {
      if (Deno.stdin.isTerminal()) Deno.stdin.setRaw(false);
    } catch {
      // not a terminal any more
    }
    const answer = this.#answer;
    this.#answer = undefined;
    answer?.(undefined);
  }
}
