/**
 * Real terminals for tests: a tmux server of its own per test, its pane read
 * back as text, and what a program wrote to it kept as raw bytes (S15, C6);
 * papo's client and server started in one.
 *
 * @module
 */

import { readUntil, WAIT_MS } from "./wait.ts";

const CLIENT = new URL("../client.ts", import.meta.url).pathname;
const SERVER = new URL("../server.ts", import.meta.url).pathname;

/** How long a program started in a pane may take to show its prompt. */
export const START_MS = 3 * WAIT_MS;

/**
 * The shell command that runs papo's client against a local server, for a
 * test to type into a pane.
 *
 * @param port The server's port on 127.0.0.1.
 * @param args The client's other flags (`--nick ana --lang pt`), and what the shell adds.
 * @returns The command line.
 */
export function clientCommand(port: number, args: string): string {
  return `${Deno.execPath()} run --allow-net ${CLIENT} --host 127.0.0.1 --port ${port} ${args}`;
}

function lines(text: string): string[] {
  return text.split("\n").map((l) => l.trimEnd());
}

/** A tmux server of its own (a unique -L socket), killed at the end. */
export class Tmux implements AsyncDisposable {
  /** The tmux server's socket name (`-L`), unique to this test. */
  readonly socket = `papo-test-${Deno.pid}-${crypto.randomUUID().slice(0, 8)}`;
  #socketPath = "";
  #recording: string | undefined;

  /** Starts the server with one session, `papo`, of a fixed size running `sh`. */
  async start(columns: number, rows: number): Promise<void> {
    await this.run("new-session", "-d", "-s", "papo", "-x", `${columns}`, "-y", `${rows}`, "sh");
    this.#socketPath = (await this.run("display-message", "-p", "#{socket_path}")).trim();
  }

  /** Runs a tmux command on this server and returns its output. */
  async run(...args: string[]): Promise<string> {
    const out = await new Deno.Command("tmux", {
      args: ["-u", "-f", "/dev/null", "-L", this.socket, ...args],
      env: { LC_ALL: "C.UTF-8" },
      stdin: "null",
    }).output();
    if (!out.success) {
      throw new Error(`tmux ${args.join(" ")} failed: ${new TextDecoder().decode(out.stderr)}`);
    }
    return new TextDecoder().decode(out.stdout);
  }

  /** The visible lines of the pane, trailing spaces removed. */
  async pane(): Promise<string[]> {
    return lines(await this.run("capture-pane", "-p", "-t", "papo"));
  }

  /** Where the pane's cursor is: its column and row, from 0 (L8: a token's length must not move it). */
  async cursor(): Promise<[number, number]> {
    const [x, y] =
      (await this.run("display-message", "-p", "-t", "papo", "#{cursor_x},#{cursor_y}"))
        .trim().split(",").map(Number);
    return [x!, y!];
  }

  /** Waits until the cursor's place (column, row) satisfies `ok`, and returns it. */
  readCursor(
    ok: (at: [number, number]) => boolean,
    what: string,
    ms = WAIT_MS,
  ): Promise<[number, number]> {
    return readUntil(() => this.cursor(), ok, (at) => `${what}: the cursor at ${at}`, ms);
  }

  /** Every line the pane holds, its history above the screen too, trailing spaces removed. */
  async history(): Promise<string[]> {
    return lines(await this.run("capture-pane", "-p", "-S", "-", "-t", "papo"));
  }

  /** Waits until a visible line satisfies `ok`, and returns the pane. */
  waitLine(ok: (line: string) => boolean, what: string, ms = WAIT_MS): Promise<string[]> {
    return this.waitPane((pane) => pane.some(ok), what, ms);
  }

  /**
   * Waits until the visible lines as a whole satisfy `ok`, and returns them:
   * for a state drawn in several writes (a line printed, then the input line
   * drawn again below it), which a capture between the writes sees half done.
   */
  waitPane(ok: (pane: string[]) => boolean, what: string, ms = WAIT_MS): Promise<string[]> {
    return readUntil(
      () => this.pane(),
      ok,
      (pane) => `${what} in the pane:\n${(pane ?? []).join("\n")}`,
      ms,
    );
  }

  /** Keeps every byte the pane's program writes, in `path` (for a bell, BEL). */
  async record(path: string): Promise<void> {
    this.#recording = path;
    await this.run("pipe-pane", "-o", "-t", "papo", `cat >> '${path}'`);
  }

  /**
   * Waits until the bytes recorded (see `record`) hold `text`, and returns
   * them: tmux's pipe reaches the file a moment after the pane shows the same
   * bytes, so a test reads the record after waiting for what it must hold.
   */
  recorded(text: string, ms = WAIT_MS): Promise<Uint8Array> {
    const path = this.#recording;
    if (path === undefined) throw new Error("recorded() before record()");
    return readUntil(
      () => Deno.readFile(path),
      (bytes) => new TextDecoder().decode(bytes).includes(text),
      () => `${JSON.stringify(text)} in the recorded bytes`,
      ms,
    );
  }

  /** How many bytes the pane's program has written since `record` (what reached the file). */
  async recordedLength(): Promise<number> {
    const path = this.#recording;
    if (path === undefined) throw new Error("recordedLength() before record()");
    return (await Deno.stat(path)).size;
  }

  /**
   * Resizes the window and waits until its program has written something
   * since (its redraw for the new width): a test that resizes again only then
   * gives the program each width in turn, not two at once (see `record`).
   */
  async resize(columns: number): Promise<void> {
    const before = await this.recordedLength();
    await this.run("resize-window", "-t", "papo", "-x", String(columns));
    await readUntil(
      () => this.recordedLength(),
      (size) => size > before,
      () => `the program's redraw after resizing to ${columns} columns`,
      WAIT_MS,
    );
  }

  /** Types text (literally), then presses Enter when `enter`. */
  async type(text: string, enter = false): Promise<void> {
    if (text !== "") await this.run("send-keys", "-t", "papo", "-l", text);
    if (enter) await this.run("send-keys", "-t", "papo", "Enter");
  }

  /** Presses keys by their tmux names (`Tab`, `C-c`, `Enter`). */
  async keys(...names: string[]): Promise<void> {
    await this.run("send-keys", "-t", "papo", ...names);
  }

  /** Kills the server and removes its socket file (tmux 3.3 leaves it behind). */
  async [Symbol.asyncDispose](): Promise<void> {
    try {
      await this.run("kill-server");
    } catch {
      // no server left
    }
    if (this.#socketPath.endsWith(this.socket)) {
      await new Deno.Command("rm", { args: ["-f", this.#socketPath], stdin: "null" }).output();
    }
  }
}

/**
 * Starts the client in a pane of 100 by 30, coloured, as `nick` in
 * Portuguese, and waits for its chat prompt; `EXITED=code` follows its end.
 *
 * @param tmux A tmux server not started yet.
 * @param port The server's port on 127.0.0.1.
 * @param nick The nickname.
 * @param extra The client's other flags.
 */
export async function clientInTmux(
  tmux: Tmux,
  port: number,
  nick: string,
  extra = "",
): Promise<void> {
  await tmux.start(100, 30);
  await tmux.type(
    `env -u NO_COLOR ${clientCommand(port, `--nick ${nick} --lang pt ${extra}`)}; echo EXITED=$?`,
    true,
  );
  await tmux.waitLine((l) => l === `${nick}>`, "the chat prompt", START_MS);
}

/**
 * Starts server.ts in a pane of 120 by 30 on a free port of 127.0.0.1, its
 * console on the terminal, and waits for the console's hint; `EXITED=code`
 * follows its end.
 *
 * @param tmux A tmux server not started yet.
 * @returns The server's port.
 */
export async function serverInTmux(tmux: Tmux): Promise<number> {
  await tmux.start(120, 30);
  await tmux.type(
    `${Deno.execPath()} run --allow-net ${SERVER} --host 127.0.0.1 --port 0; echo EXITED=$?`,
    true,
  );
  const pane = await tmux.waitLine(
    (l) => /listening on 127\.0\.0\.1:\d+/.test(l),
    "the banner",
    START_MS,
  );
  await tmux.waitLine((l) => l.includes("console: type teacher's commands"), "the console's hint");
  return Number(/listening on 127\.0\.0\.1:(\d+)/.exec(pane.join("\n"))![1]);
}

/** Whether tmux runs here (tests that need it are skipped, saying so, without). */
export function haveTmux(): Promise<boolean> {
  return haveProgram("tmux", ["-V"]);
}

/** Whether `program` runs here and exits well with `args`. */
export async function haveProgram(program: string, args: readonly string[]): Promise<boolean> {
  try {
    return (await new Deno.Command(program, { args: [...args], stdout: "null", stderr: "null" })
      .output())
      .success;
  } catch {
    return false;
  }
}
