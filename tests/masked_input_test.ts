/**
 * L8: the client's input line masks the teacher's token with one fixed mask (client/masked_input.ts):
 * the rule, and this Deno's readline hooked (its drawing never writes the token, and the same
 * bytes for 3 and 19 keys), on streams of its own. In a real terminal: `terminal_mask_test.ts`.
 */
import assert from "node:assert/strict";
import { createInterface, type Interface } from "node:readline";
import { PassThrough } from "node:stream";
import { MaskedInput, shownInput } from "../client/masked_input.ts";
import { maskText, TOKEN_MASK, tokenFrom } from "../wire/typed_line.ts";

Deno.test("L8: shownInput masks the token with one mask, the cursor after it", () => {
  for (const token of ["a", "abc", "qjqjqjqj9qjqjqjqj9q", "x".repeat(900), "s3 cr}"]) {
    const line = `{admin ${token}`;
    for (let cursor = 7; cursor <= line.length; cursor++) {
      assert.deepEqual(shownInput(line, cursor), {
        text: `{admin ${TOKEN_MASK}`,
        cursor: 7 + TOKEN_MASK.length,
        masked: true,
      });
    }
    assert.equal(shownInput(line, 3).cursor, 3, "before the token, the cursor where it is");
  }
  // Any case, blanks before it; no token typed yet; not the command.
  assert.equal(shownInput("  {AdMiN x", 10).text, `  {AdMiN ${TOKEN_MASK}`);
  assert.deepEqual(shownInput("{admin ", 7), { text: "{admin ", cursor: 7, masked: false });
  for (const line of [":{admin x", "bob:{admin x", "{adminx", "{help}", "oi", ""]) {
    assert.deepEqual(shownInput(line, 0), { text: line, cursor: 0, masked: false });
  }
  // A line that held a token, its `{admin ` edited: masked after what is left of `{admin `.
  assert.equal(shownInput("{admi s3cr", 10, true).text, `{admi${TOKEN_MASK}`);
  assert.equal(shownInput("{admins3cr", 10, true).text, `{admin${TOKEN_MASK}`);
  assert.equal(shownInput(" s3cr", 5, true).text, ` ${TOKEN_MASK}`);
  assert.equal(shownInput("s3cr", 4, true).text, TOKEN_MASK);
  assert.equal(shownInput("{admi", 5, true).text, "{admi", "nothing left to hide");
});

Deno.test("L8: tokenFrom finds the token where maskText does (blanks before `{admin` too)", () => {
  for (let lead = 0; lead <= 18; lead++) {
    for (const rest of ["{admin x", "{ADMIN qjqj}", "{admin ", ":{admin x", "{admin  x"]) {
      const line = " ".repeat(lead) + rest;
      const masked = maskText(line);
      const at = [...line].findIndex((_, i) => masked[i] !== line[i]);
      assert.equal(tokenFrom(line), at, JSON.stringify(line));
    }
  }
});

/** A readline on streams of its own, 80 columns, and what it writes. */
function readline(): {
  rl: Interface;
  input: PassThrough;
  mask: MaskedInput;
  written: () => string;
  lines: string[];
} {
  const input = new PassThrough();
  const output = Object.assign(new PassThrough(), { columns: 80, isTTY: true });
  let written = "";
  output.on("data", (chunk: Uint8Array | string) => {
    written += typeof chunk === "string" ? chunk : new TextDecoder().decode(chunk);
  });
  const rl = createInterface({ input, output, terminal: true, completer: () => [["qjx"], ""] });
  const mask = new MaskedInput(rl);
  const lines: string[] = [];
  rl.on("line", (l) => lines.push(l));
  return {
    rl,
    input,
    mask,
    lines,
    written: () => {
      const w = written;
      written = "";
      return w;
    },
  };
}

/** Types text one key at a time, as a terminal's keys come. */
function type(rl: Interface, text: string): void {
  for (const c of text) rl.write(c);
}

Deno.test("L8: this Deno's readline is hooked: the same bytes drawn for 3 and 19 keys", async () => {
  const { rl, mask, written, lines } = readline();
  try {
    assert.ok(mask.installed, "readline's drawing methods were found");
    type(rl, "{admin ");
    written();
    const draws: string[] = [];
    for (const token of ["qjq", "qjqjqjqj9qjqjqjqj9q"]) {
      type(rl, token);
      // Each key draws the same line; the last key's drawing is compared.
      const keys = written().split("\x1b[1G").filter((s) => s !== "");
      draws.push(keys.at(-1)!);
      rl.write(null, { name: "left" });
      rl.write(null, { name: "backspace" });
      assert.equal(written().split("\x1b[1G").at(-1), draws.at(-1), "edited: drawn the same");
      type(rl, token.at(-2)!);
      rl.write(null, { name: "tab" }); // completes nothing: a list would show the token's letters
      assert.equal(rl.line, `{admin ${token}`);
      written();
      rl.write(null, { name: "end" });
      for (let i = 0; i < token.length; i++) rl.write(null, { name: "backspace" });
      written();
    }
    assert.equal(draws[0], draws[1]);
    assert.ok(draws[0]!.includes(`{admin ${TOKEN_MASK}`), JSON.stringify(draws[0]));
    assert.equal(mask.beforeCursor(), "{admin ");
    type(rl, "qjqjqjqj9}\r");
    assert.deepEqual(lines, ["{admin qjqjqjqj9}"], "Enter gives the real line");
    assert.ok(!/qj|jq|j9/.test(written()), "never the token");
    assert.equal(mask.shownEntered("{admin qjqjqjqj9}"), `{admin ${TOKEN_MASK}`);
    assert.deepEqual((rl as unknown as { history: string[] }).history, [], "kept out of history");
    type(rl, ":oi");
    assert.ok(written().endsWith("i"), "a line without a token is drawn by readline, key by key");
  } finally {
    rl.close();
    await new Promise((r) => setTimeout(r, 0));
  }
});

Deno.test("L8: once a token was typed, undo and the kill ring bring it back masked", async () => {
  // Each way back to a token whose `{admin` was edited, after the line was emptied (which ends
  // a line's masking): undo (Ctrl+_), redo (Ctrl+^), and the kill ring (Ctrl+Y, Alt+Y).
  const ways: [string, Record<string, unknown>[], string][] = [
    ["undo", [{ name: "home" }, { name: "delete" }, { ctrl: true, name: "k" }, {
      sequence: "\x1f",
    }], "admin qjqjq"],
    ["redo", [
      { name: "home" },
      { name: "delete" },
      { ctrl: true, name: "k" },
      { sequence: "\x1f" },
      { sequence: "\x1f" },
      { sequence: "\x1e" },
    ], "admin qjqjq"],
    ["yank", [{ ctrl: true, name: "w" }, { ctrl: true, name: "u" }, { ctrl: true, name: "y" }, {
      meta: true,
      name: "y",
    }], "qjqjq"],
  ];
  for (const [way, keys, line] of ways) {
    const { rl, written, lines } = readline();
    try {
      type(rl, "{admin qjqjq");
      for (const key of keys) rl.write(null, key);
      assert.equal(rl.line, line, way);
      assert.ok(!/qj|jq/.test(written()), `${way}: never the token`);
      type(rl, "\r");
      assert.deepEqual(lines, [line], `${way}: Enter gives the real line`);
      assert.deepEqual((rl as unknown as { history: string[] }).history, [], "not in history");
      // In the next line too: the undo list and the kill ring outlive a line.
      rl.write(null, { sequence: "\x1f" });
      rl.write(null, { ctrl: true, name: "y" });
      assert.ok(!/qj|jq/.test(written()), `${way}: never the token, a line later`);
    } finally {
      rl.close();
      await new Promise((r) => setTimeout(r, 0));
    }
  }
  // Before any token, undo and the kill ring draw as they always did.
  const { rl, written } = readline();
  try {
    type(rl, ":oi bob");
    rl.write(null, { ctrl: true, name: "w" });
    rl.write(null, { ctrl: true, name: "y" });
    rl.write(null, { name: "backspace" });
    rl.write(null, { sequence: "\x1f" });
    assert.equal(rl.line, ":oi bob");
    assert.ok(written().endsWith(":oi bob\x1b[10G"), "drawn as typed");
  } finally {
    rl.close();
    await new Promise((r) => setTimeout(r, 0));
  }
});

Deno.test("L8: with TERM=dumb (readline echoes each key as typed) the token is echoed as the mask, once", async () => {
  // readline reads TERM when it is made: an Emacs shell buffer, for one, is such a terminal.
  const term = Deno.env.get("TERM");
  Deno.env.set("TERM", "dumb");
  let made: ReturnType<typeof readline>;
  try {
    made = readline();
  } finally {
    if (term === undefined) Deno.env.delete("TERM");
    else Deno.env.set("TERM", term);
  }
  const { rl, input, written, lines } = made;
  /** Types text as a terminal's keys come: bytes on the input (readline's dumb path reads them). */
  const keys = async (text: string) => {
    for (const c of text) input.write(c);
    await new Promise((r) => setTimeout(r, 0));
  };
  try {
    written();
    await keys("{admin ");
    assert.equal(written(), "{admin ", "echoed as typed before the token");
    await keys("qjq");
    const short = written();
    await keys("jqjqjqj9qjqjqjqj9q");
    assert.equal(short, TOKEN_MASK, "the mask once, at the token's first key");
    assert.equal(written(), "", "nothing more for its other keys");
    await keys("}\r");
    assert.deepEqual(lines, ["{admin qjqjqjqjqj9qjqjqjqj9q}"], "Enter gives the real line");
    assert.ok(!/qj|jq|j9/.test(written()), "never the token");
    await keys(":oi");
    assert.equal(written(), ":oi", "a line without a token is echoed as typed");
  } finally {
    rl.close();
    await new Promise((r) => setTimeout(r, 0));
  }
});
