/**
 * client/chat_line.ts: what a line typed in the chat becomes (C6, X2). Pure,
 * no network.
 */
import assert from "node:assert/strict";
import { CHAT_LINE_TEXTS, ChatLines, TYPED_LINE_MAX } from "../client/chat_line.ts";
import { MAX_LINE_BYTES } from "../protocol.ts";

Deno.test("ChatLines.typed() turns each kind of typed line into what is sent or told", async (t) => {
  await t.step("{reply} before any private message is told, not sent", () => {
    assert.deepEqual(new ChatLines(true).typed("{reply oi}"), {
      kind: "tell",
      text: CHAT_LINE_TEXTS.noReply,
    });
  });
  await t.step("{reply TEXT} answers the last private message's sender", () => {
    const lines = new ChatLines(false);
    lines.privateFrom("ana");
    lines.privateFrom("bia");
    const out = lines.typed("{reply tudo bem?}");
    assert.equal(out.kind, "send");
    assert.equal(out.kind === "send" && out.line, "bia:tudo bem?");
  });
  await t.step("a plain line at a terminal goes to everyone, told how only the first time", () => {
    const lines = new ChatLines(true);
    const first = lines.typed("oi pessoal");
    assert.equal(first.kind === "send" && first.line, ":oi pessoal");
    assert.equal(first.kind === "send" && first.tell, CHAT_LINE_TEXTS.sentAsPublic);
    const second = lines.typed("tudo bem");
    assert.equal(second.kind === "send" && second.line, ":tudo bem");
    assert.equal(second.kind === "send" && second.tell, undefined);
  });
  await t.step("a plain piped line goes as it is (the server answers it)", () => {
    const out = new ChatLines(false).typed("oi pessoal");
    assert.equal(out.kind === "send" && out.line, "oi pessoal");
  });
  await t.step("{quit} is the user leaving", () => {
    assert.deepEqual(new ChatLines(true).typed("{quit}"), { kind: "quit" });
  });
});

Deno.test("ChatLines.typed(): a line the chat makes too long is told, not sent (L1, field test)", async (t) => {
  const tooLong = { kind: "tell", text: CHAT_LINE_TEXTS.tooLong, error: true };
  await t.step("the field's limit leaves room for the ':' of a plain line", () => {
    assert.equal(TYPED_LINE_MAX, MAX_LINE_BYTES - 1);
    const out = new ChatLines(true).typed("x".repeat(TYPED_LINE_MAX));
    assert.equal(out.kind === "send" && out.line.length, MAX_LINE_BYTES);
  });
  await t.step("a plain line of the protocol's limit becomes one byte too long", () => {
    assert.deepEqual(new ChatLines(true).typed("x".repeat(MAX_LINE_BYTES)), tooLong);
    assert.match(CHAT_LINE_TEXTS.tooLong.pt, /1024 bytes/);
  });
  await t.step("{reply} that names a long nickname past the limit", () => {
    const lines = new ChatLines(true);
    lines.privateFrom("a-long-nickname1");
    const typed = `{reply ${"x".repeat(TYPED_LINE_MAX - 8)}}`;
    assert.equal(typed.length, TYPED_LINE_MAX);
    assert.deepEqual(lines.typed(typed), tooLong);
  });
  await t.step("a line sent as typed: the limit itself goes, one more is told", () => {
    const lines = new ChatLines(false);
    const out = lines.typed(`:${"x".repeat(MAX_LINE_BYTES - 1)}`);
    assert.equal(out.kind, "send");
    assert.deepEqual(lines.typed(`:${"x".repeat(MAX_LINE_BYTES)}`), tooLong);
  });
});
