/**
 * The teacher's console on a terminal (C2, issue 19.2): one input line at
 * the bottom, as the client has (`client/screen.ts`); every line the server
 * prints (log, trace, answers) goes above it, and a half-typed command is
 * drawn again below, intact. Ctrl+C stops the server as before; Ctrl+D on
 * an empty line ends the console only.
 *
 * @module
 */

import { Screen } from "../client/screen.ts";
import { setOutput } from "./log.ts";

/** The console's prompt. */
export const CONSOLE_PROMPT = "console> ";

/** The console's input, read on its own screen. */
export interface ConsoleInput {
  /** The lines typed, until Ctrl+D (or the screen is closed). */
  readonly lines: AsyncIterable<string>;
  /** Gives the terminal back (raw mode off); lines print as they are again. */
  close(): void;
}

/**
 * Takes over the terminal for the console: the server's lines go above its
 * input line until {@linkcode ConsoleInput.close} (or the process ends).
 *
 * @param interrupt What Ctrl+C does: stops the server.
 * @returns The lines typed, and how to give the terminal back.
 */
export function consoleScreen(interrupt: () => void): ConsoleInput {
  const typed: string[] = [];
  let ended = false;
  let wake: (() => void) | undefined;
  const screen = new Screen((how) => {
    setOutput();
    // Ctrl+C stops the server: the console's input has not ended, and says nothing of it.
    if (how === "interrupt") return interrupt();
    ended = true;
    wake?.();
  });
  screen.prompt(CONSOLE_PROMPT);
  screen.onLine((line) => {
    typed.push(line);
    wake?.();
    screen.prompt(CONSOLE_PROMPT);
  });
  setOutput((line) => screen.print(line));
  const close = () => {
    setOutput();
    screen.close();
  };
  // The terminal is given back however the process ends.
  globalThis.addEventListener("unload", close);
  async function* lines(): AsyncGenerator<string> {
    while (true) {
      if (typed.length > 0) {
        yield typed.shift()!;
        continue;
      }
      if (ended) return;
      await new Promise<void>((resolve) => wake = resolve);
      wake = undefined;
    }
  }
  return { lines: lines(), close };
}
