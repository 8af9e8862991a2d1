/**
 * A program of the repository (server.ts, client.ts, the kit) run as a real
 * subprocess for the tests, its output collected as it comes.
 *
 * @module
 */

const ROOT = new URL("../", import.meta.url).pathname;
const encoder = new TextEncoder();
/** How long a subprocess may take before the test fails. */
const WAIT_MS = 30_000;

/** A program of the repository as a subprocess with its output collected as it comes. */
export class Program implements AsyncDisposable {
  readonly child: Deno.ChildProcess;
  stdout = "";
  stderr = "";
  readonly #stdin: WritableStreamDefaultWriter<Uint8Array> | undefined;
  readonly #reading: Promise<void>[];
  #wake: (() => void) | undefined;
  #exited = false;

  readonly #stdoutOnly: boolean;

  /**
   * @param file The program, relative to the repository (`server.ts`).
   * @param perms Deno's permission flags.
   * @param args The program's own arguments.
   * @param stdin Whether the test types into it (else its input is empty).
   * @param options `env` for the program; `stdoutOnly`: {@linkcode waitFor} reads stdout only.
   */
  constructor(
    file: string,
    perms: string[],
    args: string[],
    stdin = false,
    options: { env?: Record<string, string>; stdoutOnly?: boolean } = {},
  ) {
    this.#stdoutOnly = options.stdoutOnly ?? false;
    this.child = new Deno.Command(Deno.execPath(), {
      args: ["run", ...perms, `${ROOT}${file}`, ...args],
      stdin: stdin ? "piped" : "null",
      stdout: "piped",
      stderr: "piped",
      ...(options.env ? { env: options.env } : {}),
    }).spawn();
    this.#stdin = stdin ? this.child.stdin.getWriter() : undefined;
    this.#reading = [
      this.#collect(this.child.stdout, (t) => this.stdout += t),
      this.#collect(this.child.stderr, (t) => this.stderr += t),
    ];
    this.child.status.then(() => {
      this.#exited = true;
      this.#wake?.();
    });
  }

  async #collect(stream: ReadableStream<Uint8Array>, add: (text: string) => void): Promise<void> {
    for await (const chunk of stream.pipeThrough(new TextDecoderStream())) {
      add(chunk);
      this.#wake?.();
    }
  }

  /** Types a line into the program's input. */
  async type(line: string): Promise<void> {
    await this.#stdin!.write(encoder.encode(`${line}\n`));
  }

  /** Ends the program's input. */
  async endInput(): Promise<void> {
    await this.#stdin!.close();
  }

  /** Waits until stdout and stderr together (or stdout alone) match `pattern`. */
  async waitFor(pattern: RegExp): Promise<RegExpExecArray> {
    let timer: ReturnType<typeof setTimeout> | undefined;
    try {
      return await new Promise((resolve, reject) => {
        timer = setTimeout(
          () => reject(new Error(`Timed out waiting for ${pattern}: ${this.stdout}${this.stderr}`)),
          WAIT_MS,
        );
        this.#wake = () => {
          const m = pattern.exec(this.#stdoutOnly ? this.stdout : this.stdout + this.stderr);
          if (m) resolve(m);
          else if (this.#exited) {
            reject(new Error(`Exited before ${pattern}: ${this.stdout}${this.stderr}`));
          }
        };
        this.#wake();
      });
    } finally {
      clearTimeout(timer);
      this.#wake = undefined;
    }
  }

  /** Waits for the end of the process and of its output. */
  async done(): Promise<Deno.CommandStatus> {
    const status = await this.child.status;
    await Promise.all(this.#reading);
    return status;
  }

  async [Symbol.asyncDispose](): Promise<void> {
    if (!this.#exited) {
      try {
        this.child.kill("SIGKILL");
      } catch {
        // already gone
      }
    }
    try {
      await this.#stdin?.close();
    } catch {
      // closed already
    }
    await this.done();
  }
}
