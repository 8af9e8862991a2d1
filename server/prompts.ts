/**
 * The server's start-up prompts (S8): where to listen, given by `--host` and
 * `--port` or, in a terminal, asked for until the answer is good; and the
 * errors a bad or cancelled answer raises.
 *
 * @module
 */

import { parseIPv4, parsePort } from "../common/address.ts";
import { ask, interactive, UsageError } from "../common/cli.ts";
import { DEFAULT_HOST, DEFAULT_PORT, ERROR_TEXTS, ErrorCode } from "../protocol.ts";

/** ERRO 05: the address is not IPv4, or not one of this host's. */
export class AddressError extends Error {
  /**
   * The error for an address that cannot be listened on.
   * @param address The address given or typed.
   */
  constructor(address: string) {
    const { pt, en } = ERROR_TEXTS[ErrorCode.badAddress];
    super(`ERRO 05: ${pt} / ${en}: "${address}"`);
    this.name = "AddressError";
  }
}

/** The user cancelled at a start-up prompt (Ctrl+C, Ctrl+D). */
export class Cancelled extends Error {
  /** The error for a prompt left with Ctrl+C or Ctrl+D. */
  constructor() {
    super("Cancelado / cancelled");
    this.name = "Cancelled";
  }
}

/** The address prompt, in Portuguese and English, on one row of 80 columns with its default. */
export const HOST_QUESTION = "Endereço IP / IP address (0.0.0.0 = toda a rede / every network)";

/** The port prompt. */
export const PORT_QUESTION = "Porta / port";

/**
 * The address and port to listen on: from `--host` and `--port` when given,
 * else asked in a terminal (blank = default), else the defaults.
 *
 * @param host `--host`'s value, if given.
 * @param port `--port`'s value, if given.
 * @throws {UsageError} When the port is bad.
 * @throws {AddressError} When `--host` is not an IPv4 address.
 * @throws {Cancelled} When the user leaves a prompt.
 */
export function listenAddress(
  host: string | undefined,
  port: string | undefined,
): { hostname: string; port: number } {
  const tty = interactive();
  return {
    hostname: host !== undefined
      ? checkHost(host)
      : tty
      ? askUntil(HOST_QUESTION, DEFAULT_HOST, checkHost)
      : DEFAULT_HOST,
    port: port !== undefined
      ? checkPort(port, "--port")
      : tty
      ? askUntil(PORT_QUESTION, String(DEFAULT_PORT), (text) => checkPort(text, "port"))
      : DEFAULT_PORT,
  };
}

/** ERRO 05 unless `text` is an IPv4 address (S8). */
function checkHost(text: string): string {
  const hostname = parseIPv4(text);
  if (hostname === undefined) throw new AddressError(text);
  return hostname;
}

/**
 * A port, or the sentence saying why not: naming `--port` when the flag gave
 * it, in both languages when it was typed at the prompt (issue 19 #6).
 */
function checkPort(text: string, given: "--port" | "port"): number {
  const port = parsePort(text);
  if (port !== undefined) return port;
  if (given === "--port") {
    throw new UsageError(`Cannot use --port "${text}": give a whole number from 0 to 65535`);
  }
  throw new UsageError(
    `Porta "${text}" inválida: use um número inteiro de 0 a 65535 / ` +
      `Cannot use port "${text}": give a whole number from 0 to 65535`,
  );
}

/**
 * Asks in the terminal until the answer is good; a mistake is said and asked
 * again, as the client does (S8).
 * @throws {Cancelled} On Ctrl+C or Ctrl+D.
 */
function askUntil<T>(question: string, fallback: string, check: (text: string) => T): T {
  for (;;) {
    const answer = ask(question, fallback);
    if (answer === undefined) throw new Cancelled();
    try {
      return check(answer);
    } catch (e) {
      if (!(e instanceof UsageError || e instanceof AddressError)) throw e;
      console.error(e.message);
    }
  }
}
