/**
 * The input line across a resize when the terminal re-wraps it before the client hears of the
 * resize (S15, issue 10 #5): a user dragging the window's edge while typing, or a message
 * arriving meanwhile. The terminal (tmux) re-wraps at once; the client learns of the new width
 * from its SIGWINCH, which may come after keys and lines it has already drawn. Here the client
 * runs without a controlling terminal (`setsid`), so the kernel does not signal it at all, and
 * the test sends SIGWINCH itself when it chooses: the order is the test's, not the machine's.
 * A resize with nothing in between: `field_test.ts`.
 */
import assert from "node:assert/strict";
import { startServer } from "./helpers.ts";
import { join, type LineClient } from "./line_client.ts";
import { clientCommand, haveProgram, haveTmux, START_MS, Tmux } from "./tmux.ts";

// `setsid` is util-linux's (not on macOS).
const TMUX = await haveTmux() && await haveProgram("setsid", ["--version"]);
if (!TMUX) console.log("resize_test.ts: skipped: tmux or setsid (util-linux) is not installed");

/** What happens between the terminal's re-wrap and the client's SIGWINCH. */
interface Race {
  /** The test's name. */
  readonly name: string;
  /** The pane's width before and after the resize. */
  readonly from: number;
  readonly to: number;
  /** How many characters are typed before the resize (`:` and `a`s). */
  readonly typed: number;
  /** What is typed after the resize (keys drawn before the SIGWINCH). */
  readonly more: string;
  /** A message bob sends after the resize (printed before the SIGWINCH). */
  readonly message?: string;
  /** Whether Enter is pressed after the resize (the line sent, erased, shown in the chat's form). */
  readonly enter?: boolean;
}

const RACES: readonly Race[] = [
  {
    // The line's cursor crosses the end of a row of the old width: readline drew it again,
    // moving up the rows it had at the old width, one more than the re-wrapped line had.
    name: "keys typed after a widening re-wrap",
    from: 30,
    to: 80,
    typed: 50,
    more: "x".repeat(14),
  },
  {
    // The keys end the line at the end of a row of the new width (the terminal's cursor waits
    // there, one row above where the old width puts it).
    name: "keys typed after a narrowing re-wrap, up to a row's end",
    from: 80,
    to: 30,
    typed: 53,
    more: "xx",
  },
  {
    name: "a message printed after a widening re-wrap",
    from: 30,
    to: 80,
    typed: 50,
    more: "",
    message: "durante",
  },
  {
    name: "a message printed after a narrowing re-wrap",
    from: 80,
    to: 30,
    typed: 50,
    more: "",
    message: "durante",
  },
  {
    // The line entered is erased by its rows at the width now, not at the old one.
    name: "a line entered after a widening re-wrap",
    from: 30,
    to: 80,
    typed: 50,
    more: "",
    enter: true,
  },
];

/**
 * Starts the client in tmux (`columns` by 20) as ana, in a session of its own (`setsid`):
 * no SIGWINCH reaches it unless the test sends one.
 *
 * @returns The client's process id (its shell writes it down, then becomes the client).
 */
async function chatUnsignalled(tmux: Tmux, port: number, columns: number): Promise<number> {
  await tmux.start(columns, 20);
  const file = await Deno.makeTempFile({ prefix: "papo-resize-pid-" });
  try {
    const client = clientCommand(port, "--nick ana --lang pt");
    await tmux.type(`setsid -w sh -c 'echo $$ > ${file}; exec ${client}'`, true);
    await tmux.waitLine((l) => l === "ana>", "the chat prompt", START_MS);
    const pid = Number(await Deno.readTextFile(file));
    assert.ok(pid > 0, "the client's process id");
    return pid;
  } finally {
    await Deno.remove(file);
  }
}

/** Runs a race, then checks the input line and every message above it. */
async function race(race: Race, bob: LineClient, tmux: Tmux, client: number): Promise<void> {
  await bob.send(":antes");
  await tmux.waitLine((l) => l.endsWith("bob: antes"), "a message");
  const typed = ":" + "a".repeat(race.typed - 1);
  await tmux.type(typed);
  await tmux.waitPane((p) => p.join("").includes(`ana> ${typed}`), "the whole typed line");
  // Resized: tmux re-wraps the pane at once, and tells the client nothing.
  await tmux.run("resize-window", "-t", "papo", "-x", String(race.to));
  const sent = typed + race.more;
  if (race.more !== "") {
    await tmux.type(race.more);
    await tmux.waitPane((p) => p.join("").includes(`ana> ${sent}`), "the keys typed");
  }
  if (race.message !== undefined) {
    await bob.send(`:${race.message}`);
    await tmux.waitPane(
      (p) => p.some((l) => l.endsWith(`bob: ${race.message}`)) && p.join("").includes(sent),
      "the message printed and the input line drawn again",
    );
  }
  if (race.enter) {
    await tmux.keys("Enter");
    assert.equal(await bob.expect("PUBLICA"), `PUBLICA ana: ${sent.slice(1)}`);
    await tmux.waitPane(
      (p) => p.join("").includes(`ana: ${sent.slice(1)}`) && p.findLast((l) => l !== "") === "ana>",
      "the line sent, shown in the chat's form, and an empty input line",
    );
  }
  const input = race.enter ? "" : sent;
  const drawn = `ana> ${input}`.trimEnd();
  Deno.kill(client, "SIGWINCH");
  await bob.send(":depois");
  const pane = await tmux.waitPane(
    (p) => p.some((l) => l.endsWith("bob: depois")) && p.join("").endsWith(drawn),
    "the next message above the input line",
  );
  const history = await tmux.history();
  const text = `pane:\n${pane.join("\n")}\nhistory:\n${history.join("\n")}`;
  // One input line, on the last rows, at the new width; the message just above it.
  const prompt = (l: string) => l === "ana>" || l.startsWith("ana> ");
  const at = pane.findIndex(prompt);
  assert.equal(pane.filter(prompt).length, 1, `one input line, ${text}`);
  const rows = pane.slice(at);
  while (rows.at(-1) === "") rows.pop();
  assert.equal(rows.join(""), drawn, `the input line alone below, ${text}`);
  assert.ok(rows.every((l) => l.length <= race.to), `drawn at ${race.to} columns, ${text}`);
  assert.ok(pane[at - 1]?.endsWith("bob: depois"), `the message above it, ${text}`);
  // Every message kept: on the screen, or scrolled above it (tmux's history).
  for (const message of ["antes", race.message, "depois"]) {
    if (message === undefined) continue;
    assert.equal(history.filter((l) => l.endsWith(`bob: ${message}`)).length, 1, text);
  }
  if (race.enter) {
    assert.equal(history.join("").split(`ana: ${sent.slice(1)}`).length, 2, `sent once, ${text}`);
    assert.ok(!history.join("").includes(`ana> ${sent}`), `the line entered erased, ${text}`);
  } else {
    await tmux.keys("Enter");
    assert.equal(await bob.expect("PUBLICA"), `PUBLICA ana: ${sent.slice(1)}`);
  }
}

for (const r of RACES) {
  Deno.test({
    name: `client: ${r.name}, before the client hears of it, clears no row above (issue 10 #5)`,
    ignore: !TMUX,
  }, async () => {
    await using srv = startServer();
    await using bob = await join(srv.port, "bob");
    await using tmux = new Tmux();
    const client = await chatUnsignalled(tmux, srv.port, r.from);
    await race(r, bob, tmux, client);
    await tmux.keys("C-c");
  });
}
