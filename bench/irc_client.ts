/**
 * A generator's client that speaks IRC (RFC 2812), to ngIRCd: `NICK` and
 * `USER` to register, `JOIN` one channel, `PRIVMSG` to a nickname or to the
 * channel, `PONG` for every `PING`. A line's command is told by its first
 * bytes after the prefix, and the names of a `353` (NAMES) reply are counted
 * on the bytes, so no string is made per line.
 *
 * @module
 */

import { Client, latin1 } from "./gen_client.ts";
import { state } from "./run.ts";

const SP = 0x20, COLON = 0x3a, CR = 0x0d;
const E = 0x45, I = 0x49, J = 0x4a, O = 0x4f, P = 0x50, R = 0x52;
const ZERO = 0x30, NINE = 0x39;

/** A client of an IRC server: registered at `001`, in the channel at its `366`. */
export class IrcClient extends Client {
  protected readonly eol = "\r\n";
  /** The channel it joins once registered, or "" for none. */
  readonly channel: string;
  /** Members named in the `353` replies to its `JOIN` (itself included). */
  #names = 0;

  constructor(nick: string, readBytes: number, channel: string) {
    super(nick, readBytes);
    this.channel = channel;
  }

  privateHead(nick: string): string {
    return `PRIVMSG ${nick} :`;
  }

  publicHead(): string {
    return `PRIVMSG ${this.channel} :`;
  }

  protected override greet(): void {
    this.send(`NICK ${this.nick}\r\nUSER ${this.nick} 0 * :${this.nick}\r\n`);
  }

  protected line(b: Uint8Array, s: number, e: number): void {
    const end = e > s && b[e - 1] === CR ? e - 1 : e;
    let i = s;
    if (b[i] === COLON) {
      // ":prefix COMMAND ...": skip the prefix.
      i = b.indexOf(SP, i);
      if (i < 0 || i >= end) return;
      i++;
    }
    const c0 = b[i]!;
    const c1 = b[i + 1];
    const r = state.run;
    if (c0 === P && c1 === R) {
      // PRIVMSG, to this client or to the channel
      if (r !== undefined && !r.reported && r.kind !== "join") this.delivered(r, b, s, e);
    } else if (c0 === J && c1 === O) {
      // JOIN; those before this client's 366 are its own.
      this.joinSeen();
    } else if (c0 >= ZERO && c0 <= NINE) {
      this.#numeric(b, i, end);
    } else if (c0 === P && c1 === I) {
      // "PING :token"
      this.send(`PONG${latin1(b, i + 4, end)}\r\n`);
    } else if (c0 === E && c1 === R && b[i + 2] === R && b[i + 3] === O) {
      // "ERROR :reason", before the server closes the connection
      this.erroSeen(latin1(b, i, Math.min(end, i + 80)));
    }
  }

  #numeric(b: Uint8Array, i: number, end: number): void {
    const n = (b[i]! - ZERO) * 100 + (b[i + 1]! - ZERO) * 10 + (b[i + 2]! - ZERO);
    if (n === 1) {
      // RPL_WELCOME: registered.
      if (this.channel === "") this.registeredNow();
      else this.send(`JOIN ${this.channel}\r\n`);
    } else if (n === 353) {
      // RPL_NAMREPLY "353 me = #chan :@a b c": count the names after " :".
      let at = i + 4;
      while (at < end && !(b[at] === COLON && b[at - 1] === SP)) at++;
      let inName = false;
      for (let j = at + 1; j < end; j++) {
        if (b[j] === SP) inName = false;
        else if (!inName) {
          inName = true;
          this.#names++;
        }
      }
    } else if (n === 366) {
      // RPL_ENDOFNAMES: in the channel, the #names-th member.
      const r = state.run;
      const order = state.join;
      if (this.joinsLeft === -1 && r !== undefined && r.kind === "join" && order?.countJoins) {
        this.joinsLeft = Math.max(0, order.total - (this.#names - order.base));
        r.expected += this.joinsLeft;
      }
      this.registeredNow();
    } else if (n >= 400 && n < 600) {
      // An error reply: its number and text, without the nicknames between.
      let at = i + 4;
      while (at < end && !(b[at] === COLON && b[at - 1] === SP)) at++;
      this.erroSeen(`${n} ${latin1(b, at + 1, Math.min(end, at + 81))}`);
    }
  }
}
