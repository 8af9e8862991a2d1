/**
 * PROTOCOL.md stays true to the code: every line the server can send is
 * documented verbatim (S3), and every link in the docs resolves. The flag
 * tables: `flags_test.ts`.
 */
import assert from "node:assert/strict";
import {
  byeLine,
  type DetailName,
  entryUsersLine,
  ErrorCode,
  errorDataLine,
  errorLine,
  HELP_LINES,
  historyLine,
  HOW_TO_LINE,
  joinedLine,
  leftLine,
  manyLine,
  Message,
  NICK_PROMPT_LINE,
  nobodyOnlineLine,
  noticeLine,
  okLine,
  privateLine,
  publicLine,
  SENT_LINE,
  usersLines,
  welcomeLine,
} from "../protocol.ts";

const protocolDoc = await Deno.readTextFile(new URL("../PROTOCOL.md", import.meta.url));

/** The error lines the server sends, with the detail each is sent with (`{ data }` for data). */
const SENT_ERRORS: [ErrorCode, DetailName | { data: string } | undefined][] = [
  [ErrorCode.nickTaken, { data: "alice" }],
  [ErrorCode.noSuchUser, { data: "zed" }],
  [ErrorCode.forcedClose, "shutdown"],
  [ErrorCode.forcedClose, "queueFull"],
  [ErrorCode.forcedClose, "nickTimeout"],
  [ErrorCode.forcedClose, "roomUnavailable"],
  [ErrorCode.badNick, "nickRules"],
  [ErrorCode.badNick, "nickReserved"],
  [ErrorCode.badCommand, "emptyMessage"],
  [ErrorCode.badCommand, "unknownCommand"],
  [ErrorCode.lineTooLong, "lineLimit"],
  [ErrorCode.notAscii, "asciiOnly"],
  [ErrorCode.flood, "slowDown"],
  [ErrorCode.serverFull, undefined],
  [ErrorCode.serverFull, "tooManyFromAddress"],
  [ErrorCode.serverFull, "tooManyWaitingHere"],
  [ErrorCode.serverFull, "tooManyWaiting"],
  [ErrorCode.forcedClose, "kicked"],
  [ErrorCode.badCommand, "notYourself"],
  [ErrorCode.forcedClose, "tooManyTries"],
  [ErrorCode.badToken, undefined],
  [ErrorCode.teacherOnly, undefined],
  [ErrorCode.muted, "mutedHint"],
  [ErrorCode.banned, undefined],
  [ErrorCode.locked, undefined],
  [ErrorCode.forcedClose, "nickLost"],
  [ErrorCode.roomDown, "loginRefused"],
  [ErrorCode.roomDown, "notSent"],
  [ErrorCode.roomDown, "notDone"],
];

Deno.test("PROTOCOL.md shows every error line the server sends, verbatim", () => {
  for (const [code, detail] of SENT_ERRORS) {
    const line =
      (typeof detail === "object" ? errorDataLine(code, detail.data) : errorLine(code, detail))
        .trimEnd();
    assert(protocolDoc.includes(line), `PROTOCOL.md lacks: ${line}`);
  }
});

Deno.test("PROTOCOL.md shows an example of every other server line", () => {
  const lines = [
    NICK_PROMPT_LINE,
    welcomeLine("alice"),
    usersLines(["alice", "bob"]),
    joinedLine("bob"),
    leftLine("bob"),
    publicLine("alice", "oi, pessoal"),
    privateLine("alice", "oi, bob"),
    SENT_LINE,
    byeLine("alice"),
    HELP_LINES.split("\r\n")[2]!,
    entryUsersLine(["ana", "bia"], 812).replace("ana, bia", "ana, bia, ..."),
    leftLine("bob", true),
    HOW_TO_LINE,
    noticeLine("alive"),
    manyLine("joined", 37, 812, ["ana", "bia", "cid"]),
    manyLine("left", 2, 810, ["dan", "eva"]),
    noticeLine("say", "prova na sexta"),
    noticeLine("muted", "bob"),
    noticeLine("unmuted", "bob"),
    noticeLine("locked"),
    noticeLine("unlocked"),
    historyLine("14:05", "ana", "oi, pessoal"),
    errorLine(ErrorCode.badCommand, "usage", "{kick apelido}"),
    errorLine(ErrorCode.badCommand, "usage", "{admin senha}"),
    nobodyOnlineLine("{kick zed}"),
    okLine(Message.teacher),
    okLine(Message.kickDone, "bob"),
    okLine(Message.banDone, "bob", "192.168.0.23"),
    okLine(Message.unbanDone, "192.168.0.23 (bob)"),
    okLine(Message.unbanDone, "192.168.0.40 (zed, mute)"),
    okLine(Message.notBanned, "192.168.0.23"),
    okLine(Message.bans, "192.168.0.23 (bob)"),
    okLine(Message.noBans),
    okLine(Message.alreadyMuted, "bob"),
    okLine(Message.notMuted, "bob"),
    okLine(Message.alreadyLocked),
    okLine(Message.notLocked),
  ];
  for (const line of lines) {
    assert(protocolDoc.includes(line.trimEnd()), `PROTOCOL.md lacks: ${line.trimEnd()}`);
  }
});

/** The pages whose links must resolve: README, the documents beside it, and docs/. */
async function pages(): Promise<string[]> {
  const files = ["README.md", "PROTOCOL.md", "SECURITY.md", "ARCHITECTURE.md"];
  for await (const e of Deno.readDir(new URL("../docs/", import.meta.url))) {
    if (e.isFile && e.name.endsWith(".md")) files.push(`docs/${e.name}`);
  }
  return files.sort();
}

/**
 * GitHub's anchor of a heading: lower case, punctuation but `-` and `_`
 * dropped, spaces made `-`; a repeated heading gets `-1`, `-2`...
 */
function anchors(markdown: string): Set<string> {
  const seen = new Map<string, number>();
  const out = new Set<string>();
  let fenced = false;
  for (const line of markdown.split("\n")) {
    if (/^\s*(```|~~~)/.test(line)) fenced = !fenced;
    const m = fenced ? null : /^#{1,6}\s+(.*?)\s*#*\s*$/.exec(line);
    if (!m) continue;
    const text = m[1]!.replace(/`/g, "").replace(/\[([^\]]*)\]\([^)]*\)/g, "$1");
    const slug = text.toLowerCase().replace(/[^\p{L}\p{N}\s_-]/gu, "").replace(/\s/g, "-");
    const n = seen.get(slug) ?? 0;
    seen.set(slug, n + 1);
    out.add(n === 0 ? slug : `${slug}-${n}`);
  }
  return out;
}

/** Every inline link target of `markdown` outside code, as written. */
function links(markdown: string): string[] {
  const prose = markdown.replace(/^\s*(```|~~~)[\s\S]*?^\s*\1/gm, "").replace(/`[^`\n]*`/g, "");
  return [...prose.matchAll(/\]\(([^)\s]+)(?:\s+"[^"]*")?\)/g)].map((m) => m[1]!);
}

Deno.test("anchors() and links() read headings and links as GitHub does", () => {
  assert.deepEqual(
    [...anchors("# Grading students' servers\n## 3. Let it `through`\n## A\n## A\n```\n# no\n```")],
    ["grading-students-servers", "3-let-it-through", "a", "a-1"],
  );
  assert.deepEqual(links("[a](b.md#c) `[x](y)` [d](https://e) ![i](p.png)\n```\n[z](q)\n```"), [
    "b.md#c",
    "https://e",
    "p.png",
  ]);
});

Deno.test("every relative link and #anchor in the docs resolves", async () => {
  const root = new URL("../", import.meta.url);
  const broken: string[] = [];
  for (const page of await pages()) {
    const text = await Deno.readTextFile(new URL(page, root));
    for (const target of links(text)) {
      if (/^[a-z]+:/i.test(target)) continue; // https:, mailto:
      const [path, anchor] = target.split("#") as [string, string | undefined];
      const file = path === "" ? new URL(page, root) : new URL(path, new URL(page, root));
      let linked: string;
      try {
        const info = await Deno.stat(file);
        if (!info.isFile || anchor === undefined) continue;
        linked = await Deno.readTextFile(file);
      } catch (e) {
        if (!(e instanceof Deno.errors.NotFound)) throw e;
        broken.push(`${page}: ${target} (no such file)`);
        continue;
      }
      if (file.pathname.endsWith(".md") && !anchors(linked).has(anchor)) {
        broken.push(`${page}: ${target} (no such heading)`);
      }
    }
  }
  assert.deepEqual(broken, []);
});

Deno.test("docs: each `deno task X  # = ...` and `deno task X` named is deno.json's task (issue 19.7)", async () => {
  const config = JSON.parse(await Deno.readTextFile(new URL("../deno.json", import.meta.url)));
  const tasks: Record<string, string> = config.tasks;
  for (const page of ["README.md", "docs/teacher.md", "docs/professor.pt.md"]) {
    const text = await Deno.readTextFile(new URL(`../${page}`, import.meta.url));
    for (const m of text.matchAll(/^deno task ([\w:]+) +# = (.*)$/gm)) {
      assert.equal(m[2]!.trim(), tasks[m[1]!], `${page}: deno task ${m[1]}`);
    }
    for (const m of text.matchAll(/deno task ([a-z][\w:]*)/g)) {
      assert.ok(m[1]! in tasks, `${page} names deno task ${m[1]}, which deno.json lacks`);
    }
  }
  assert.match(
    tasks["server:transcript"] ?? "",
    /--allow-write=aula\.log .*--transcript aula\.log/,
  );
});
