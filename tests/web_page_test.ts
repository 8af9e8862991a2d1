/**
 * The chat page's answers to its own user (W2; field test of the web door), in a real headless
 * chromium beside nc users over TCP: the field leaves room for the `:` the page adds, so a full
 * field goes to everyone; a line the server refuses (a muted user's, a private one to nobody) is
 * not left shown as sent: it is marked refused with the server's sentence beside it and its text
 * comes back into the field; the Online list follows the room (a quit, a kick) and empties when
 * the connection ends; a teacher on the page sees a kick once. Without chromium each test says
 * it is skipped.
 */
import assert from "node:assert/strict";
import type { Page } from "puppeteer-core";
import { MAX_LINE_BYTES } from "../protocol.ts";
import { join, type LineClient } from "./line_client.ts";
import { browserTest, launch, pictureTyped, textOf, typeLine } from "./browser.ts";
import { startWebServer, type WebTestServer } from "./web_helpers.ts";
import { WAIT_MS } from "./wait.ts";

const TOKEN = "giz-azul-longo";

/** A server with both doors, the teacher's token `TOKEN`, and its page open in chromium. */
async function onPage(fn: (page: Page, s: WebTestServer) => Promise<void>): Promise<void> {
  await using s = startWebServer({ adminToken: TOKEN });
  const browser = await launch();
  try {
    const page = await browser.newPage();
    await page.goto(`http://127.0.0.1:${s.webPort}/`);
    await fn(page, s);
  } finally {
    await browser.close();
  }
}

/** An nc user made the teacher. */
async function teacher(port: number): Promise<LineClient> {
  const prof = await join(port, "prof");
  await prof.send(`{admin ${TOKEN}}`);
  await prof.expect("OK");
  return prof;
}

/** An nc user `ana` in the room, then the page's user joined as `name`, seen by her. */
async function anaSees(page: Page, s: WebTestServer, name = "bia"): Promise<LineClient> {
  const ana = await join(s.tcp.port, "ana");
  await typeLine(page, name);
  await ana.expect(`ENTROU ${name}`);
  return ana;
}

/** Waits until `fn`, run in the page, returns true. */
async function until(page: Page, fn: string, what: string): Promise<void> {
  const deadline = Date.now() + WAIT_MS;
  while (!(await page.evaluate(fn))) {
    if (Date.now() > deadline) {
      throw new Error(`${what}: page shows\n${await page.evaluate("document.body.innerText")}`);
    }
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** The field's text now. */
async function field(page: Page): Promise<string> {
  return String(await page.evaluate(`document.getElementById("line").value`));
}

/** Puts text in the field as a script would (past its limit too). */
async function setField(page: Page, text: string): Promise<void> {
  await page.evaluate(`document.getElementById("line").value = ${JSON.stringify(text)}`);
}

/** The names the Online list shows. */
function onlineList(page: Page): Promise<string[]> {
  return page.$$eval("#users li", (lis) => lis.map((li) => li.textContent ?? ""));
}

/** Waits until the Online list shows exactly `names`, in any order. */
async function onlineIs(page: Page, names: string[]): Promise<void> {
  const want = JSON.stringify([...names].sort());
  await until(
    page,
    `JSON.stringify([...document.querySelectorAll("#users li")].map((l) => l.textContent).sort()) === ${
      JSON.stringify(want)
    }`,
    `Online should be ${want}, is ${JSON.stringify(await onlineList(page))}`,
  );
}

browserTest(
  "W2 L1 (field test): a line of the protocol's longest goes to everyone, a longer one (pasted too) stays whole in the field and is refused before it goes",
  async () => {
    await onPage(async (page, s) => {
      await using ana = await anaSees(page, s);
      // Pasted past the limit: nothing of it is cut off silently (the field has no maxLength);
      // Enter refuses it with the sentence, and it stays whole in the field to shorten.
      const pasted = "p".repeat(MAX_LINE_BYTES + 40) + "FIM";
      await setField(page, "");
      await page.focus("#line");
      await page.evaluate(`document.execCommand("insertText", false, ${JSON.stringify(pasted)})`);
      assert.equal(await field(page), pasted, "the paste is whole in the field");
      await page.keyboard.press("Enter");
      const told = (await textOf(page, /1024 bytes/)).split("\n").find((l) => /1024/.test(l))!;
      // Said truthfully: not sent, and still there (field test: it said "linha descartada").
      assert.match(told, /(não enviada|not sent)/, told);
      assert.doesNotMatch(told, /(descartada|dropped)/, told);
      assert.equal(await field(page), pasted, "the text stays in the field");
      // A plain line of 1023 characters: the page adds ':' and the line is the protocol's longest.
      const full = "x".repeat(MAX_LINE_BYTES - 1);
      await setField(page, full.slice(2));
      await page.focus("#line");
      await page.keyboard.type("xx");
      assert.equal(await field(page), full);
      await page.keyboard.press("Enter");
      assert.equal(await ana.expect("PUBLICA"), `PUBLICA bia: ${full}`);
      await until(page, `document.getElementById("line").value === ""`, "the field emptied");
      // A line that becomes longer as ASCII (the ligature fi is two letters): refused before it
      // goes, said as the server would say it, and left in the field.
      const long = "x".repeat(MAX_LINE_BYTES - 2) + "\ufb01";
      await setField(page, long);
      await page.keyboard.press("Enter");
      await textOf(page, /1024 bytes/);
      assert.equal(await field(page), long, "the text stays in the field");
      await ana.send("{users}");
      await ana.expect("USUARIOS");
      assert.ok(!ana.received.some((l) => l.startsWith("PUBLICA bia: xx") && l.length > 1100));
    });
  },
);

browserTest(
  "W2 C3 (field test): a line the server refuses is marked refused with its sentence, and its text comes back into the field",
  async () => {
    await onPage(async (page, s) => {
      await using prof = await teacher(s.tcp.port);
      await typeLine(page, "bia");
      await prof.expect("ENTROU bia");
      await typeLine(page, "antes");
      assert.equal(await prof.expect("PUBLICA"), "PUBLICA bia: antes");
      await prof.send("{mute bia}");
      await textOf(page, /silenciad|muted/);
      await typeLine(page, "posso falar?");
      await until(page, `document.querySelector("#log li.refused") !== null`, "a refused line");
      const refused = await page.$$eval("#log li.refused", (lis) => lis.map((l) => l.textContent));
      assert.equal(refused.length, 1, JSON.stringify(refused));
      assert.match(refused[0]!, /bia: posso falar\?/);
      assert.match(refused[0]!, /silenciad|muted/, "the server's sentence beside it");
      assert.equal(await field(page), "posso falar?", "the text is back in the field");
      const own = await page.$$eval("#log li.own", (lis) => lis.map((l) => l.textContent));
      assert.deepEqual(own.filter((t) => /posso/.test(t ?? "")), [], "not shown as sent");
      assert.equal(own.filter((t) => /antes/.test(t ?? "")).length, 1, "the line before it went");
      // A private message to nobody: refused too, its text back.
      await setField(page, "");
      await prof.send("{unmute bia}");
      await textOf(page, /pode falar|may speak/);
      await typeLine(page, "zed:oi");
      await until(
        page,
        `[...document.querySelectorAll("#log li.refused")].some((l) => l.textContent.includes("zed"))`,
        "the private line refused",
      );
      assert.equal(await field(page), "zed:oi");
      await setField(page, "");
      await typeLine(page, "voltei");
      assert.equal(await prof.expect("PUBLICA"), "PUBLICA bia: voltei");
      assert.ok(!prof.received.some((l) => l.includes("posso falar")));
    });
  },
);

browserTest(
  "W2 C3 (field test): on a phone, the server's sentence beside a refused line is scrolled into view",
  async () => {
    await onPage(async (page, s) => {
      await page.setViewport({ width: 390, height: 844, isMobile: true });
      await using prof = await teacher(s.tcp.port);
      await typeLine(page, "bia");
      await prof.expect("ENTROU bia");
      // Enough of the room's lines that the messages scroll.
      for (let i = 0; i < 40; i++) await prof.send(`{say aviso numero ${i} para a turma toda}`);
      await textOf(page, /numero 39/);
      await prof.send("{mute bia}");
      await textOf(page, /silenciad|muted/);
      await typeLine(page, "posso falar?");
      await until(page, `document.querySelector("#log li.refused .why") !== null`, "the sentence");
      const hidden = await page.evaluate(`(() => {
        const log = document.getElementById("log");
        return log.scrollHeight - log.clientHeight - log.scrollTop;
      })()`);
      assert.ok(Number(hidden) <= 1, `the messages' last ${hidden} px are below the fold`);
    });
  },
);

browserTest(
  "W2 (field test): on a phone, a class's Online list leaves the message field on the screen",
  async () => {
    await onPage(async (page, s) => {
      await page.setViewport({ width: 390, height: 844, isMobile: true });
      const class_: LineClient[] = [];
      try {
        for (let i = 0; i < 29; i++) class_.push(await join(s.tcp.port, `aluno${i}`));
        await typeLine(page, "bia");
        await onlineIs(page, [...class_.map((_, i) => `aluno${i}`), "bia"]);
        const [bottom, screen] = await page.evaluate(`[
          document.getElementById("line").getBoundingClientRect().bottom, innerHeight]`) as number[];
        assert.ok(bottom! <= screen!, `the field ends at ${bottom} px, the screen at ${screen}`);
      } finally {
        for (const c of class_) await c[Symbol.asyncDispose]();
      }
    });
  },
);

browserTest(
  "L8 W2 (field test): the teacher's token typed in the page's field is not drawn (a projector shows the page)",
  async () => {
    await onPage(async (page, s) => {
      await using _ana = await anaSees(page, s);
      const kind = () => page.evaluate(`document.getElementById("line").type`);
      await page.focus("#line");
      await page.keyboard.type("{admin ");
      assert.equal(await kind(), "text", "nothing secret yet");
      await page.keyboard.type(TOKEN.slice(0, 3));
      assert.equal(await kind(), "password", "the token's first letters are not drawn");
      await page.keyboard.type(`${TOKEN.slice(3)}}`);
      assert.equal(await kind(), "password");
      await page.keyboard.press("Enter");
      await textOf(page, /professor|teacher/);
      assert.equal(await field(page), "");
      assert.equal(await kind(), "text", "the next line is drawn again");
      await page.keyboard.type(":oi {admin no meio");
      assert.equal(await kind(), "text", "a message about {admin} is no token");
    });
  },
);

browserTest(
  "L8 W2: the page's field holding the token looks the same whatever the token's length",
  async () => {
    await onPage(async (page, s) => {
      await using _ana = await anaSees(page, s);
      // The field and what stands beside it, as a projector shows them: a password field's one
      // bullet per character told the token's length.
      const pictures: string[] = [];
      for (const typed of ["{admin abc", "{admin abcdefghijklmnopqrs", `{admin ${TOKEN}}`]) {
        pictures.push(await pictureTyped(page, "#line", typed, "#form .row"));
      }
      assert.ok(pictures[0] === pictures[1], "3 characters look as 19 do");
      assert.ok(pictures[0] === pictures[2], "the whole line looks the same too");
      const mask = await page.$eval("#line-mask", (e) => e.textContent ?? "");
      assert.ok(mask.length > 0, "a fixed mask says something was typed");
      await page.keyboard.press("Enter");
      await textOf(page, /professor|teacher/);
      assert.equal(await field(page), "");
      assert.equal(await page.$eval("#line-mask", (e) => e.textContent ?? ""), "");
      await page.keyboard.type(":oi");
      const color = String(
        await page.evaluate(`getComputedStyle(document.getElementById("line")).color`),
      );
      assert.doesNotMatch(color, /rgba\(0, 0, 0, 0\)|transparent/, "the next line is drawn");
    });
  },
);

browserTest(
  "W2 S11 (field test): the Online list follows the room: a quit, a kick, and it empties when the server stops",
  async () => {
    await onPage(async (page, s) => {
      await using prof = await teacher(s.tcp.port);
      await using _ana = await join(s.tcp.port, "ana");
      await using caio = await join(s.tcp.port, "caio");
      await typeLine(page, "bia");
      await onlineIs(page, ["ana", "bia", "caio", "prof"]);
      await caio.send("{quit}");
      await onlineIs(page, ["ana", "bia", "prof"]);
      await prof.send("{kick ana}");
      await onlineIs(page, ["bia", "prof"]);
      await s.tcp.stop();
      await textOf(page, /desconectado|disconnected/);
      await onlineIs(page, []);
    });
  },
);

browserTest(
  "W2 C3 (field test): a teacher on the page sees a kick once, and a quit ends the list",
  async () => {
    await onPage(async (page, s) => {
      await using ana = await anaSees(page, s, "prof");
      await typeLine(page, `{admin ${TOKEN}}`);
      await textOf(page, /professor|teacher/);
      await typeLine(page, "{kick ana}");
      await ana.closed();
      await textOf(page, /ana (foi removid|was removed)/);
      await onlineIs(page, ["prof"]);
      await typeLine(page, "{users}"); // a later line: the kick's lines have all come
      await textOf(page, /1 online/);
      const log = String(await page.evaluate("document.getElementById('log').innerText"));
      assert.equal(log.match(/ana (foi removid|was removed)/g)?.length, 1, log);
      await typeLine(page, "{quit}");
      await textOf(page, /desconectado|disconnected/);
      await onlineIs(page, []);
    });
  },
);
