/**
 * The transcript of a lesson (C5): every public message, join, leave and
 * teacher's action appended to a file, one line each with an ISO-8601 local
 * timestamp, written as it happens. Private text never goes in.
 *
 * @module
 */

import { isoLocal } from "../common/time.ts";
import { renderMessage, type ServerMessage } from "./room/message.ts";
import { latin1 } from "../wire/ascii.ts";

/** The transcript cannot be written; the message says why and what to do. */
export class TranscriptError extends Error {
  /** @param message One sentence. */
  constructor(message: string) {
    super(message);
    this.name = "TranscriptError";
  }
}

const encoder = new TextEncoder();

/** An open transcript file. */
export class Transcript {
  readonly #file: Deno.FsFile;
  #closed = false;
  #broken = false;

  private constructor(file: Deno.FsFile) {
    this.#file = file;
  }

  /**
   * Opens (or creates) the file to append to, without ever prompting for a
   * permission: when writing there is not allowed, it says which flag to add.
   *
   * @param path The file.
   * @returns The transcript.
   * @throws {TranscriptError} When the file cannot be opened, with one sentence.
   */
  static async open(path: string): Promise<Transcript> {
    if (path.trim() === "") {
      throw new TranscriptError(
        "Cannot write a transcript to an empty path: give --transcript PATH",
      );
    }
    const state = Deno.permissions.querySync({ name: "write", path }).state;
    if (state !== "granted") {
      throw new TranscriptError(
        `Cannot write the transcript "${path}": run with --allow-write=${path} (deno run --allow-net --allow-write=${path} server.ts ...)`,
      );
    }
    try {
      return new Transcript(await Deno.open(path, { append: true, create: true }));
    } catch (e) {
      const why = e instanceof Error ? e.message.replace(/ \(os error \d+\).*$/s, "") : String(e);
      throw new TranscriptError(`Cannot open the transcript "${path}": ${why}`);
    }
  }

  /** Appends what the room sent to everyone, if it belongs in a transcript (no private text). */
  record(message: ServerMessage): void {
    if (message.kind === "private" || message.kind === "entry" || message.kind === "users") return;
    this.line(latin1(renderMessage(message)).trimEnd());
  }

  /** Appends a line (a teacher's action, the start and end of the lesson). */
  line(text: string): void {
    if (this.#closed || this.#broken) return;
    const bytes = encoder.encode(`${isoLocal()} ${text}\n`);
    let at = 0;
    try {
      while (at < bytes.length) at += this.#file.writeSync(bytes.subarray(at));
    } catch (e) {
      // A full disk or a removed file: said once on the console, the chat goes on.
      this.#broken = true;
      console.error(`The transcript stopped: ${e instanceof Error ? e.message : String(e)}`);
    }
  }

  /** Closes the file. */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#file.close();
  }
}
