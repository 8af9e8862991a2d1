/**
 * The chat page's lines in a real headless chromium (W2, X3): in English it
 * says the server's lines in English (welcome, OK, notices: review 7b); an
 * error keeps its detail, as the terminal client shows it (`zed`: review
 * 7a); a crowd's summary line (P1) keeps the online list whole (review 7c).
 * Without chromium each test says it is skipped.
 */
import assert from "node:assert/strict";
import type { Page } from "puppeteer-core";
import { join, type LineClient } from "./line_client.ts";
import { browserTest, launch, textOf, typeLine } from "./browser.ts";
import { startWebServer } from "./web_helpers.ts";

/** Opens the page in English. */
async function englishPage(page: Page, port: number): Promise<void> {
  await page.goto(`http://127.0.0.1:${port}/`);
  await page.evaluate(`localStorage.setItem("papo-lang", "en")`);
  await page.reload();
  await page.waitForSelector("#line");
}

browserTest(
  "X3: the page in English says the server's lines in English, errors with their detail",
  async () => {
    await using s = startWebServer({ adminToken: "segredo1" });
    const browser = await launch();
    try {
      const page = await browser.newPage();
      await englishPage(page, s.webPort);
      await using prof = await join(s.tcp.port, "prof");
      await prof.send("{admin segredo1}");
      await prof.expect("OK");
      await typeLine(page, "bia");
      await prof.expect("ENTROU bia");
      await textOf(page, /Welcome/, "#log");
      assert.doesNotMatch(await textOf(page, /Welcome/, "#log"), /Bem-vindo/);
      await typeLine(page, "zed:oi");
      // The detail stays: who is not online (7a).
      await textOf(page, /02.*zed/, "#log");
      await prof.send("{lock}");
      const log = await textOf(page, /locked/, "#log");
      assert.doesNotMatch(log, /trancada/);
    } finally {
      await browser.close();
    }
  },
);

/**
 * A server that sums up joins past one (P1), its page in English joined as
 * `bia`, then nc users `names` joining; `fn` runs while they are in.
 */
async function crowdJoins(names: string[], fn: (page: Page) => Promise<void>): Promise<void> {
  await using s = startWebServer({ crowd: 1 });
  const browser = await launch();
  try {
    const page = await browser.newPage();
    await englishPage(page, s.webPort);
    await typeLine(page, "bia");
    await textOf(page, /bia/, "#users");
    const crowd: LineClient[] = [];
    try {
      for (const n of names) crowd.push(await join(s.tcp.port, n));
      await fn(page);
    } finally {
      for (const c of crowd) await c[Symbol.asyncDispose]();
    }
  } finally {
    await browser.close();
  }
}

browserTest("P1: a crowd's summary of joins keeps the page's online list whole", async () => {
  await crowdJoins(["ana1", "ana2", "ana3", "ana4", "ana5"], async (page) => {
    // One summary names the first three and counts the rest; the list has all five.
    await textOf(page, /ana1[\s\S]*ana2[\s\S]*ana3[\s\S]*ana4[\s\S]*ana5/, "#users");
    const users = await textOf(page, /ana5/, "#users");
    assert.doesNotMatch(users, /\bpeople\b|\(|online/, users);
  });
});

browserTest(
  "P1 X1 (review): the whole list the page asks for after a summary is not shown, all its lines",
  async () => {
    // 60 names of 16 letters: a {users} answer of two USUARIOS lines (900 bytes of names each).
    const names = Array.from(
      { length: 60 },
      (_, i) => `aluno${String(i).padStart(2, "0")}abcdefghi`,
    );
    await crowdJoins(names, async (page) => {
      await textOf(page, new RegExp(names.at(-1)!), "#users");
      await typeLine(page, "zed:oi"); // answered after every {users} the page asked before
      const log = await textOf(page, /02.*zed/, "#log");
      assert.doesNotMatch(log, /\d+ online: .*aluno/, "the lists asked are the page's own");
    });
  },
);
