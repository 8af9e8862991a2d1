/**
 * A bench sender's messages in a private or broadcast run
 * (`gen_client.ts`): the window that lets them go (W in flight), and the
 * lines let go but not yet written, stamped with the time of the write that
 * carries them.
 *
 * @module
 */

/** What a sender has let go, and what its window still allows. */
export class SendWindow {
  /** What each message line starts with, before its sequence number and timestamp. */
  head = "";
  /** papo private senders: an `OK` reply is expected per message. */
  acked = false;
  /** papo private senders in the reply shape: each `OK` reply opens the window by one. */
  okPaces = false;
  /** Messages let go so far in this run. */
  sent = 0;
  /** Messages let go and not yet delivered (or acknowledged). */
  inFlight = 0;
  /** The first message let go and not yet written. */
  #unsent = 0;

  /** Starts a run: nothing let go, nothing in flight. */
  reset(): void {
    this.sent = 0;
    this.inFlight = 0;
    this.#unsent = 0;
  }

  /**
   * Lets go as many messages as the window allows.
   *
   * @param messages The run's messages per sender.
   * @param window The run's messages in flight per sender.
   * @returns Whether any was let go (then a write is due).
   */
  open(messages: number, window: number): boolean {
    if (this.sent >= messages || this.inFlight >= window) return false;
    const n = Math.min(messages - this.sent, window - this.inFlight);
    this.sent += n;
    this.inFlight += n;
    return true;
  }

  /**
   * The lines let go and not yet written, each ending in the sequence number
   * and `nowUs`, the time of the write that carries them: the time a message
   * waited in the generator for its turn to end is the generator's, not the
   * server's.
   *
   * @param nowUs Microseconds since the coordinator's epoch.
   * @param eol The end of each line.
   * @returns The lines, or "" when none waits.
   */
  take(nowUs: number, eol: string): string {
    if (this.#unsent >= this.sent) return "";
    const tail = ` ${nowUs}${eol}`;
    let text = "";
    for (let seq = this.#unsent; seq < this.sent; seq++) text += `${this.head}${seq}${tail}`;
    this.#unsent = this.sent;
    return text;
  }
}
