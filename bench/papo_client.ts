/**
 * A generator's client that speaks papo's wire protocol (PROTOCOL.md), to
 * papo's server and the ceiling server. A line's kind is told by its first
 * two bytes, so no string is made per line.
 *
 * @module
 */

import { Client, latin1 } from "./gen_client.ts";
import { state } from "./run.ts";

// First bytes of the lines the server sends.
const A = 0x41, B = 0x42, E = 0x45, K = 0x4b, N = 0x4e, O = 0x4f, P = 0x50, R = 0x52, U = 0x55;

/** A client of papo's protocol: nickname at the prompt, `nick:text`, `:text`. */
export class PapoClient extends Client {
  protected readonly eol = "\n";

  privateHead(nick: string): string {
    return `${nick}:`;
  }

  publicHead(): string {
    return ":";
  }

  protected line(b: Uint8Array, s: number, e: number): void {
    const r = state.run;
    const c0 = b[s];
    const c1 = b[s + 1];
    if (c0 === P) {
      // PUBLICA, PRIVADA
      if (r === undefined || r.reported) return;
      if ((c1 === U && r.kind === "broadcast") || (c1 === R && r.kind === "private")) {
        this.delivered(r, b, s, e);
      }
    } else if (c0 === O && c1 === K) {
      if (r === undefined || r.reported || !this.window.acked) return;
      r.received++;
      if (this.window.okPaces) this.arrived(r);
    } else if (c0 === E && c1 === N) {
      // ENTROU; those before this client's USUARIOS line came before it joined. A large
      // room's summary, "ENTROU 37 pessoas entraram ...", tells of 37 at once (P1).
      this.joinSeen(summaryCount(b, s + 7, e));
    } else if (c0 === A && c1 === P) {
      // APELIDO: the nickname prompt.
      if (!this.registered) this.send(this.nick + "\n");
    } else if (c0 === B) {
      // BEMVINDO
      this.registeredNow();
    } else if (c0 === U) {
      // "USUARIOS k online: ...": this client is the k-th one online.
      const order = state.join;
      if (this.joinsLeft === -1 && r !== undefined && r.kind === "join" && order?.countJoins) {
        let k = 0;
        for (let i = s + 9; i < e; i++) {
          const d = b[i]! - 48;
          if (d < 0 || d > 9) break;
          k = k * 10 + d;
        }
        this.joinsLeft = Math.max(0, order.total - (k - order.base));
        r.expected += this.joinsLeft;
        r.unknown--;
      }
    } else if (c0 === E && c1 === R) {
      // ERRO
      this.erroSeen(latin1(b, s, Math.min(e, s + 80)).replace(/\r$/, ""));
    }
  }
}

const SUMMARY = new TextEncoder().encode(" pessoas ");

/** The count of a summary line (`37 pessoas ...` from `at`), or 1 for one person's line. */
function summaryCount(b: Uint8Array, at: number, end: number): number {
  let n = 0;
  let i = at;
  for (; i < end; i++) {
    const d = b[i]! - 48;
    if (d < 0 || d > 9) break;
    n = n * 10 + d;
  }
  if (i === at || i + SUMMARY.length > end) return 1;
  for (let j = 0; j < SUMMARY.length; j++) if (b[i + j] !== SUMMARY[j]) return 1;
  return n;
}
