/**
 * L8 in a real terminal (tmux): while the teacher types `{admin TOKEN}` in the client's input
 * line, the line shows one fixed mask and its cursor at one place, whatever the token's length
 * (a teacher's terminal is often on the projector); the keys still edit the real line, and the
 * server gets the whole token. The trace and the server's echo: `token_test.ts`.
 */
import assert from "node:assert/strict";
import { startServer } from "./helpers.ts";
import { clientCommand, haveTmux, START_MS, Tmux } from "./tmux.ts";

const TMUX = await haveTmux();
if (!TMUX) console.log("terminal_mask_test.ts: skipped: tmux is not installed");

/** 19 keys; no text the client draws has `qj`, `jq` or `j9` side by side. */
const TOKEN = "qjqjqjqj9qjqjqjqj9qj".slice(0, 19);
/** What the input line shows while it holds a token, whatever its length. */
const MASKED = "prof> {admin ********";

/** Asserts no line, and no byte written to the terminal, shows any of the token. */
function assertHidden(text: string): void {
  assert.ok(!/qj|jq|j9|9q/.test(text), `the token shows:\n${text}`);
}

/**
 * Runs `steps` with a server whose token is {@linkcode TOKEN} and the client in a pane of
 * `columns` as `prof`, in English (after `env`, when given: `env TERM=dumb`), every byte it writes
 * to the terminal recorded.
 */
async function withTeacher(
  columns: number,
  steps: (tmux: Tmux) => Promise<void>,
  env = "",
): Promise<void> {
  await using srv = startServer({ adminToken: TOKEN });
  const raw = await Deno.makeTempFile();
  try {
    await using tmux = new Tmux();
    await tmux.start(columns, 30);
    await tmux.record(raw);
    const command = clientCommand(srv.port, "--nick prof --lang en");
    await tmux.type(`${env === "" ? "" : `${env} `}${command}; echo EXITED=$?`, true);
    await tmux.waitLine((l) => l === "prof>", "the chat prompt", START_MS);
    await steps(tmux);
  } finally {
    await Deno.remove(raw);
  }
}

/** The input line is the last line of the pane with text. */
function inputLine(pane: string[]): string {
  return pane.filter((l) => l !== "").at(-1) ?? "";
}

Deno.test({
  name: "L8: a 3-key and a 19-key token look the same in the input line, cursor and all (tmux)",
  ignore: !TMUX,
}, async () => {
  await withTeacher(100, async (tmux) => {
    await tmux.type(":oi", true);
    await tmux.waitLine((l) => l.endsWith("prof: oi"), "the message");
    // 3 keys of a token (not sent), then the 19 keys of the real one.
    await tmux.type(`{admin ${TOKEN.slice(0, 3)}`);
    const short = await tmux.waitPane((p) => inputLine(p) === MASKED, "the mask");
    // Read until it is there: the keys are drawn one after the other, each from the line's start.
    const shortCursor = await tmux.readCursor(([x]) => x === MASKED.length, "after the mask");
    await tmux.keys("C-u");
    await tmux.waitPane((p) => inputLine(p) === "prof>", "the line emptied");
    await tmux.type(`{admin ${TOKEN}`);
    const long = await tmux.waitPane((p) => inputLine(p) === MASKED, "the mask");
    assert.deepEqual(long, short, "the same pane for 3 and 19 keys");
    await tmux.readCursor(
      ([x, y]) => x === shortCursor[0] && y === shortCursor[1],
      `the cursor at the same place, ${shortCursor}`,
    );
    // Editing inside the token changes nothing drawn; the cursor goes to the line's start with
    // Home (the text before the token is drawn as typed) and back after the mask with End.
    await tmux.keys("BSpace", "BSpace");
    await tmux.type(TOKEN.slice(-2));
    await tmux.keys("Left", "Left", "Left", "Home");
    await tmux.readCursor(([x]) => x === "prof> ".length, "the cursor at the line's start");
    assert.deepEqual(await tmux.pane(), short, "Home draws the same line");
    await tmux.keys("Right", "Right", "Right");
    await tmux.readCursor(([x]) => x === "prof> {ad".length, "the cursor in `{admin`");
    await tmux.keys("End");
    await tmux.readCursor(([x]) => x === MASKED.length, "the cursor after the mask again");
    await tmux.type("}", true);
    await tmux.waitLine((l) => /you are now the teacher/.test(l), "the whole token: the teacher");
    // The line entered is erased (the chat shows no line of its own for a command).
    const pane = await tmux.waitPane((p) => inputLine(p) === "prof>", "the empty input line");
    assert.ok(!pane.some((l) => l.includes("{admin")), pane.join("\n"));
    await tmux.keys("Up");
    await tmux.waitLine((l) => l === "prof> :oi", "Up brings back the line before, not the token");
    await tmux.keys("C-u", "C-c");
    await tmux.waitLine((l) => l === "EXITED=0", "the exit code");
    assertHidden((await tmux.history()).join("\n"));
    assertHidden(new TextDecoder().decode(await tmux.recorded("EXITED=0")));
  });
});

Deno.test({
  name: "L8: a pasted token, a long one in a narrow terminal, and one whose `{admin` is edited " +
    "after it show only the mask (tmux)",
  ignore: !TMUX,
}, async () => {
  await withTeacher(40, async (tmux) => {
    // A wrong token of 80 keys at 40 columns: one row, as a short one.
    await tmux.type(`{admin ${TOKEN.repeat(5).slice(0, 80)}`);
    const pane = await tmux.waitPane((p) => inputLine(p) === MASKED, "the mask, on one row");
    assert.equal(pane.filter((l) => l.startsWith("prof>")).length, 1, pane.join("\n"));
    const row = pane.lastIndexOf(MASKED);
    await tmux.readCursor(([x, y]) => x === MASKED.length && y === row, "after the mask, its row");
    await tmux.type("}", true);
    await tmux.waitLine((l) => l.includes("Wrong teacher's token"), "the wrong token refused");
    // `{admin` edited after the token was typed: the token stays masked.
    await tmux.type(`{admin ${TOKEN.slice(0, 5)}`);
    await tmux.waitPane((p) => inputLine(p) === MASKED, "the mask");
    await tmux.keys("Home", "Right", "Right", "Right", "Right", "Right", "Right", "BSpace");
    await tmux.waitPane((p) => inputLine(p) === "prof> {admi********", "still the mask");
    await tmux.keys("C-u"); // what is left of the cursor goes: the blank after `{admi`
    await tmux.waitPane((p) => inputLine(p) === "prof>  ********", "and still the mask");
    await tmux.keys("C-k");
    await tmux.waitPane((p) => inputLine(p) === "prof>", "the line emptied");
    // A paste, its line's end in it: the real text goes.
    await tmux.run("set-buffer", "-b", "papo", `{admin ${TOKEN}}\n`);
    await tmux.run("paste-buffer", "-d", "-b", "papo", "-t", "papo");
    await tmux.waitLine((l) => /you are now the teacher/.test(l), "the pasted token: the teacher");
    // Ctrl+C with a token half typed leaves, the input line cleared.
    await tmux.type(`{admin ${TOKEN.slice(0, 3)}`);
    await tmux.waitPane((p) => inputLine(p) === MASKED, "the mask");
    await tmux.keys("C-c");
    await tmux.waitLine((l) => l === "EXITED=0", "the exit code");
    assertHidden((await tmux.history()).join("\n"));
    assertHidden(new TextDecoder().decode(await tmux.recorded("EXITED=0")));
  });
});

Deno.test({
  name: "L8: with TERM=dumb, where readline echoes each key as it comes, the token shows as the " +
    "mask (tmux)",
  ignore: !TMUX,
}, async () => {
  await withTeacher(100, async (tmux) => {
    await tmux.type(`{admin ${TOKEN}`);
    await tmux.waitLine((l) => l === MASKED, "the mask");
    await tmux.type("}", true);
    await tmux.waitLine((l) => /you are now the teacher/.test(l), "the whole token: the teacher");
    await tmux.keys("C-c");
    await tmux.waitLine((l) => l === "EXITED=0", "the exit code");
    assertHidden((await tmux.history()).join("\n"));
    assertHidden(new TextDecoder().decode(await tmux.recorded("EXITED=0")));
  }, "env TERM=dumb");
});
