/**
 * The real client as a subprocess (`deno run --allow-net client.ts`) with
 * piped input and output, for the client's tests. Every wait is bounded.
 *
 * @module
 */

import { until, WAIT_MS } from "./wait.ts";

const CLIENT = new URL("../client.ts", import.meta.url).pathname;
const encoder = new TextEncoder();

/** How long to wait for a client subprocess to start and join (a busy machine is slow). */
export const START_MS = 3 * WAIT_MS;

/** What a finished client printed and how it exited. */
export interface Outcome {
  code: number;
  stdout: string;
  stderr: string;
}

/** The real client as a subprocess with piped standard input and output. */
export class ClientProcess implements AsyncDisposable {
  readonly #child: Deno.ChildProcess;
  readonly #writer: WritableStreamDefaultWriter<Uint8Array>;
  readonly #reading: Promise<unknown>;
  #inputClosed = false;
  stdout = "";
  stderr = "";

  /** @param args The client's flags. */
  constructor(args: string[]) {
    this.#child = new Deno.Command(Deno.execPath(), {
      args: ["run", "--allow-net", CLIENT, ...args],
      stdin: "piped",
      stdout: "piped",
      stderr: "piped",
    }).spawn();
    this.#writer = this.#child.stdin.getWriter();
    this.#reading = Promise.all([
      collect(this.#child.stdout, (s) => this.stdout += s),
      collect(this.#child.stderr, (s) => this.stderr += s),
    ]);
  }

  /** Writes to the client's standard input (ignored once it exited). */
  async write(text: string): Promise<void> {
    try {
      await this.#writer.write(encoder.encode(text));
    } catch {
      // the client exited
    }
  }

  /** Waits until the client printed `text` on standard output. */
  async waitFor(text: string): Promise<void> {
    await until(
      () => this.stdout.includes(text),
      () => `${JSON.stringify(text)} in ${JSON.stringify(this.stdout + this.stderr)}`,
      START_MS,
    );
  }

  /** Ends its input, waits for it to exit, and returns what it printed. */
  async finish(): Promise<Outcome> {
    if (!this.#inputClosed) {
      this.#inputClosed = true;
      try {
        await this.#writer.close();
      } catch {
        // the client exited before reading all of it
      }
    }
    const { code } = await this.#child.status;
    await this.#reading;
    return { code, stdout: this.stdout, stderr: this.stderr };
  }

  async [Symbol.asyncDispose](): Promise<void> {
    try {
      this.#child.kill();
    } catch {
      // exited already
    }
    await this.finish();
  }
}

/** Adds each piece of `stream`'s text as it comes. */
async function collect(stream: ReadableStream<Uint8Array>, add: (s: string) => void) {
  for await (const s of stream.pipeThrough(new TextDecoderStream())) add(s);
}

/** Runs the client with `input` on its standard input, to its exit. */
export async function runClient(args: string[], input = ""): Promise<Outcome> {
  await using client = new ClientProcess(args);
  await client.write(input);
  return await client.finish();
}

/** Waits until the server has `nick` online. */
export async function online(server: { nicks(): string[] }, nick: string): Promise<void> {
  await until(() => server.nicks().includes(nick), () => `${nick} online`, START_MS);
}

/** `text`'s lines, each without its trailing blanks. */
export function lines(text: string): string[] {
  return text.split("\n").map((l) => l.trimEnd());
}
