/**
 * The rows of the input line on a terminal (S15): a prompt and its text
 * wrap over as many rows as their width takes, and the cursor moves that
 * clear them, or follow the terminal when it re-wraps them at a new width,
 * count those rows. No state: the screen (`screen.ts`) says where it stands.
 *
 * @module
 */

import { clearScreenDown, cursorTo, moveCursor } from "node:readline";
import type { WriteStream } from "node:tty";

/**
 * The terminal's width now, asked of the terminal itself: `out.columns` is
 * the width as of the last `resize` event, and the terminal re-wraps at once
 * when it is resized, before the client handles that event (keys may come
 * first).
 *
 * @param out The terminal (its `columns`, when the terminal cannot be asked).
 * @returns Its columns; 80 when it does not say.
 */
export function columnsOf(out: WriteStream): number {
  let columns = out.columns;
  try {
    columns = Deno.consoleSize().columns;
  } catch {
    // not a terminal (or no longer one): the last width known
  }
  return Math.max(1, columns || 80);
}

/**
 * Clears the screen from the first column of the row `rows` above the
 * cursor's, down to the end.
 *
 * @param out The terminal.
 * @param rows How many rows up the clearing starts.
 */
export function clearRowsUp(out: WriteStream, rows: number): void {
  moveCursor(out, 0, -rows);
  cursorTo(out, 0);
  clearScreenDown(out);
}

/**
 * Clears a line just entered (its prompt and text), the cursor on the row
 * below it.
 *
 * @param out The terminal.
 * @param width The display width of the prompt and the line as typed.
 */
export function clearEntered(out: WriteStream, width: number): void {
  // The cursor ended on row floor(width / columns) of the line (a line that
  // fills its last row exactly puts the cursor on the next), and Enter
  // moved one row further down.
  clearRowsUp(out, Math.floor(width / columnsOf(out)) + 1);
}

/**
 * Before readline redraws for a new width (it moves up as many rows as its
 * last drawing took at the old width), puts the cursor where that lands on
 * the input's first row: the terminal has re-wrapped the input.
 *
 * @param out The terminal.
 * @param offset The display width of the prompt and the line up to the cursor.
 * @param drawnColumns The width the input was drawn at.
 * @param columns The width now.
 */
export function followRewrap(
  out: WriteStream,
  offset: number,
  drawnColumns: number,
  columns: number,
): void {
  const drawn = Math.floor(offset / drawnColumns);
  const now = Math.floor(offset / columns);
  if (now > drawn) moveCursor(out, 0, -(now - drawn));
  else if (drawn > now) out.write("\n".repeat(drawn - now));
}
