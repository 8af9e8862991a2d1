/**
 * The check after every run that a server still answers a new client: papo's
 * protocol (`{users}`, `{quit}`) for papo and the ceiling server, IRC
 * (`LUSERS`, `QUIT`) for ngIRCd.
 *
 * @module
 */

import type { Protocol } from "./wire.ts";
import { LineSplitter } from "../wire/line_splitter.ts";

/** What {@linkcode probe} found. */
export interface ProbeResult {
  /** Whether the server registered the client and answered `{users}` and `{quit}`. */
  readonly ok: boolean;
  /** The users online after the probe registered, itself included (from `USUARIOS n online`). */
  readonly online: number;
  /** How long it took, in milliseconds. */
  readonly ms: number;
  /** What went wrong, when something did. */
  readonly error?: string;
}

/**
 * Checks that a server answers a new client, in its protocol.
 *
 * @param protocol What the server speaks.
 * @param host The server's address.
 * @param port The server's port.
 * @param nick A nickname no one uses.
 * @returns What happened; `online` counts the users online, the probe included.
 */
export function probeServer(
  protocol: Protocol,
  host: string,
  port: number,
  nick: string,
): Promise<ProbeResult> {
  return protocol === "irc" ? probeIrc(host, port, nick) : probe(host, port, nick);
}

/**
 * Checks that a server answers a new client: it registers `nick`, asks for
 * `{users}`, leaves with `{quit}` and waits for the server to close.
 *
 * @param host The server's address.
 * @param port The server's port.
 * @param nick A nickname no one uses.
 * @param timeoutMs How long it may take in all.
 * @returns What happened.
 */
export function probe(
  host: string,
  port: number,
  nick: string,
  timeoutMs = 15_000,
): Promise<ProbeResult> {
  return talk(host, port, timeoutMs, async ({ next, write, step }) => {
    await next("APELIDO");
    step("the welcome");
    await write(`${nick}\n`);
    const first = await next("BEMVINDO", "ERRO");
    if (first.startsWith("ERRO")) throw new Error(`nickname refused: ${first}`);
    const users = await next("USUARIOS");
    const online = Number(/^USUARIOS (\d+)/.exec(users)?.[1] ?? 0);
    step("the reply to {users}");
    await write("{users}\n");
    await next("USUARIOS");
    step("the goodbye");
    await write("{quit}\n");
    await next("TCHAU");
    return online;
  });
}

/**
 * Checks that an IRC server answers a new client: it registers `nick`
 * (`NICK`, `USER`, up to `001`), asks for `LUSERS`, leaves with `QUIT` and
 * waits for the server's `ERROR` and the end of the connection.
 *
 * @param host The server's address.
 * @param port The server's port.
 * @param nick A nickname no one uses.
 * @param timeoutMs How long it may take in all.
 * @returns What happened; `online` is from `251 :There are N users`.
 */
export function probeIrc(
  host: string,
  port: number,
  nick: string,
  timeoutMs = 15_000,
): Promise<ProbeResult> {
  return talk(host, port, timeoutMs, async ({ next, write, step }) => {
    step("the welcome (001)");
    await write(`NICK ${nick}\r\nUSER ${nick} 0 * :${nick}\r\n`);
    const first = await next("001", "4xx", "5xx", "ERROR");
    if (ircCommand(first) !== "001") throw new Error(`registration refused: ${first}`);
    step("the reply to LUSERS (251)");
    await write("LUSERS\r\n");
    const users = await next("251");
    const online = Number(/There are (\d+) users/.exec(users)?.[1] ?? 0);
    step("the goodbye (ERROR)");
    await write("QUIT\r\n");
    await next("ERROR");
    return online;
  }, true);
}

/** What a probe's script can do. */
interface Talk {
  /**
   * The next line that starts with one of `marks` (papo), or whose command is
   * one of them (IRC; `4xx` stands for any number from 400).
   */
  next(...marks: string[]): Promise<string>;
  write(text: string): Promise<void>;
  /** Names what the probe waits for next, for the error message. */
  step(what: string): void;
}

/**
 * Connects, runs a probe's script, then reads until the server closes the
 * connection.
 */
async function talk(
  host: string,
  port: number,
  timeoutMs: number,
  script: (t: Talk) => Promise<number>,
  irc = false,
): Promise<ProbeResult> {
  const t0 = performance.now();
  let conn: Deno.TcpConn;
  try {
    conn = await Deno.connect({ hostname: host, port });
  } catch (e) {
    return { ok: false, online: 0, ms: 0, error: `cannot connect: ${String(e)}` };
  }
  let step = "the nickname prompt";
  const timer = setTimeout(() => {
    try {
      conn.close();
    } catch {
      // closed meanwhile
    }
  }, timeoutMs);
  const lines = readLines(conn);
  const write = async (text: string) => {
    const bytes = new TextEncoder().encode(text);
    let at = 0;
    while (at < bytes.length) at += await conn.write(bytes.subarray(at));
  };
  const next = async (...marks: string[]): Promise<string> => {
    while (true) {
      const r = await lines.next();
      if (r.done) throw new Error(`connection ended waiting for ${step}`);
      const line = r.value;
      if (irc && line.startsWith("PING")) await write(`PONG${line.slice(4)}\r\n`);
      else if (marks.some((m) => irc ? ircIs(line, m) : line.startsWith(m))) return line;
    }
  };
  let online = 0;
  try {
    online = await script({ next, write, step: (what) => step = what });
    step = "the server to close the connection";
    while (!(await lines.next()).done) {
      // lines sent after TCHAU are none of our business
    }
    return { ok: true, online, ms: performance.now() - t0 };
  } catch (e) {
    const ms = performance.now() - t0;
    const why = ms >= timeoutMs - 50
      ? `no answer within ${timeoutMs / 1000} s waiting for ${step}`
      : (e instanceof Error ? e.message : String(e));
    return { ok: false, online, ms, error: why };
  } finally {
    clearTimeout(timer);
    try {
      conn.close();
    } catch {
      // already closed
    }
    await lines.return(undefined);
  }
}

/** The command of an IRC line (after its `:prefix`, if any). */
function ircCommand(line: string): string {
  const words = line.split(" ");
  return (line.startsWith(":") ? words[1] : words[0]) ?? "";
}

function ircIs(line: string, mark: string): boolean {
  const cmd = ircCommand(line);
  if (mark.endsWith("xx")) return /^[0-9]{3}$/.test(cmd) && cmd[0] === mark[0];
  return cmd === mark;
}

async function* readLines(conn: Deno.TcpConn): AsyncGenerator<string> {
  const buf = new Uint8Array(65536);
  const lines = new LineSplitter("lf");
  while (true) {
    let n: number | null;
    try {
      n = await conn.read(buf);
    } catch {
      n = null;
    }
    if (n === null) return;
    yield* lines.push(buf.subarray(0, n));
  }
}
