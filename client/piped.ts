/**
 * The client with piped input and output (X2): each input line sent in
 * order, what the server sends printed as plain text, and an exit code a
 * script can test.
 *
 * @module
 */

import { ErrorCode, type Lang, Message, say, toAscii } from "../protocol.ts";
import { stdinLines } from "../common/cli.ts";
import { parseServerLine } from "../wire/server_lines.ts";
import type { ServerLink } from "./link.ts";
import { clientError, showServerLine, TEXTS } from "./render.ts";
import { type Action, ClientSession } from "./session.ts";

const encoder = new TextEncoder();

/**
 * Writes a line of text, whole, to a file such as standard output.
 *
 * @param file Where to write.
 * @param text The line, without its line ending.
 */
export function writeOut(file: { writeSync(p: Uint8Array): number }, text: string): void {
  const bytes = encoder.encode(`${text}\n`);
  let at = 0;
  while (at < bytes.length) at += file.writeSync(bytes.subarray(at));
}

/** Options of {@linkcode runPiped}. */
export interface PipedOptions {
  /** The nickname to send first (`--nick`). */
  nick?: string | undefined;
  /** The language of what is printed. */
  lang: Lang;
  /**
   * Whether a person types the input (standard input is a terminal, output
   * piped, as in `client.ts | tee log`): then the nickname is asked for on
   * standard error, and asked again when refused.
   */
  typed?: boolean;
}

/**
 * Runs the chat with piped input and output (X2): each input line is sent in
 * order (before the nickname is accepted, one at a time, each waiting for the
 * server's answer); what the server sends is printed as plain text, one line
 * each; at the end of input `{quit}` is sent and the client waits for the
 * server to close.
 *
 * @param link The connection.
 * @param options The nickname (sent first) and the language.
 * @returns The exit code: 0 after leaving cleanly; 1 on ERRO 03 or 11, a
 *   connection lost, a refused `--nick`, or a nickname refused and none accepted.
 */
export async function runPiped(link: ServerLink, options: PipedOptions): Promise<number> {
  const { lang } = options;
  const typed = options.typed === true;
  const session = new ClientSession({ nick: options.nick, interactive: typed });
  const print = (text: string) => writeOut(Deno.stdout, text);
  const apply = (actions: Action[]) => {
    for (const a of actions) {
      if (a.kind === "send") void link.send(a.line);
      else if (a.kind === "show") {
        const shown = showServerLine(a.line, lang, session.nick);
        if (shown) print(shown.text);
      } else if (a.kind === "close") link.close();
      else if (a.kind === "askNick") {
        const question = say(TEXTS.askNick, lang, say(Message.askNick, lang));
        Deno.stderr.writeSync(encoder.encode(question));
      } else if (a.kind === "tell") print(say(a.text, lang, ...(a.args ?? [])));
    }
  };

  void (async () => {
    try {
      for await (const line of stdinLines()) {
        apply(session.input(toAscii(line)));
        // Do not read far ahead of what the server takes.
        if (link.pendingBytes > 64 * 1024) await link.drained();
      }
    } catch {
      // standard input closed under us: treat as its end
    }
    apply(session.inputEnded());
  })();

  for await (const text of link.lines()) apply(session.serverLine(parseServerLine(text)));
  link.close();
  const end = session.closed();
  if (end.lost) print(clientError(ErrorCode.forcedClose, "connectionLost", lang));
  return end.code;
}
