/**
 * The web door in a real headless chromium (W2, W3, W5): a browser user and
 * an nc user chat both ways on a 360 px page, public and private, joins and
 * leaves told; lock and kick reach the page's user; a page of a foreign
 * origin cannot open the WebSocket; the lecture view draws an nc session's
 * lane with a line split over two reads, pauses and steps, and never shows
 * the token. Without chromium each test says it is skipped.
 */
import assert from "node:assert/strict";
import { join, LineClient } from "./line_client.ts";
import { browserTest, launch, pictureTyped, textOf, typeLine } from "./browser.ts";
import { startWebServer } from "./web_helpers.ts";
import { WAIT_MS } from "./wait.ts";
import { LANE_LINGER_MS, LANE_ROOM } from "../server/web/lecture_lanes.ts";
import type { Page } from "puppeteer-core";

/** Waits until the lecture view's lanes (the headers after time and SERVER) satisfy `ok`. */
async function lanesWhen(page: Page, ok: (lanes: string[]) => boolean, what: string) {
  const deadline = Date.now() + WAIT_MS;
  for (;;) {
    const lanes = await page.$$eval("#lanes th", (t) => t.map((c) => c.textContent ?? ""));
    if (ok(lanes.slice(2))) return lanes.slice(2);
    if (Date.now() > deadline) throw new Error(`${what}: lanes are\n${lanes.join("\n")}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

browserTest("W2: a browser user and an nc user chat both ways on a 360 px page", async () => {
  await using s = startWebServer();
  const browser = await launch();
  try {
    const page = await browser.newPage();
    await page.setViewport({ width: 360, height: 740 });
    await page.goto(`http://127.0.0.1:${s.webPort}/`);
    await using nc = await join(s.tcp.port, "ana");
    assert.equal(await page.$eval("label[for=line]", (l) => l.textContent !== ""), true);
    await typeLine(page, "bia");
    await nc.expect("ENTROU bia");
    await textOf(page, /ana/);
    await typeLine(page, "oi ana, tudo bem?");
    assert.equal(await nc.expect("PUBLICA"), "PUBLICA bia: oi ana, tudo bem?");
    await textOf(page, /bia: oi ana, tudo bem\?/); // one's own line, shown by the page
    await textOf(page, /:texto|:text/); // the hint for a plain line, as the client gives it
    await nc.send(":oi bia");
    await textOf(page, /ana: oi bia/);
    await nc.send("bia:segredo");
    await textOf(page, /ana: segredo/);
    await page.click("#users button"); // a click on a name starts a private message
    assert.equal(await page.evaluate(`document.getElementById("line").value`), "ana:");
    await page.keyboard.type("psiu");
    await page.keyboard.press("Enter");
    assert.match(await nc.expect("PRIVADA"), /bia: psiu$/);
    // A private line is read as the terminal client reads it: accents dropped first, a space
    // before the colon allowed, {reply} answering the last private message (field test).
    await typeLine(page, "ána:só pra você");
    assert.match(await nc.expect("PRIVADA"), /bia: so pra voce$/);
    await typeLine(page, "ana :de novo");
    assert.match(await nc.expect("PRIVADA"), /bia: de novo$/);
    await typeLine(page, "{reply combinado}");
    assert.match(await nc.expect("PRIVADA"), /bia: combinado$/);
    const scroll = Number(await page.evaluate("document.documentElement.scrollWidth"));
    const width = Number(await page.evaluate("innerWidth"));
    assert.ok(scroll <= width, `no sideways scrolling at 360 px (${scroll} > ${width})`);
    assert.equal(await page.$eval("#log", (l) => l.getAttribute("aria-live")), "polite");
    await using caio = await join(s.tcp.port, "caio");
    await textOf(page, /caio (entrou|joined)/); // in the page's language (review 7b)
    await caio.send("{quit}");
    await textOf(page, /caio (saiu|left)/);
  } finally {
    await browser.close();
  }
});

browserTest("W2: lock and kick reach the page's user", async () => {
  await using s = startWebServer({ adminToken: "segredo1" });
  const browser = await launch();
  try {
    const page = await browser.newPage();
    await page.goto(`http://127.0.0.1:${s.webPort}/`);
    await using prof = await join(s.tcp.port, "prof");
    await prof.send("{admin segredo1}");
    await prof.expect("OK");
    await page.waitForSelector("#line");
    await typeLine(page, "bia");
    await prof.expect("ENTROU bia");
    await prof.send("{lock}");
    await textOf(page, /trancada|locked/);
    await prof.send("{kick bia}");
    await textOf(page, /desconectado|disconnected/);
  } finally {
    await browser.close();
  }
});

browserTest("W5: a page of a foreign origin cannot open the chat's WebSocket", async () => {
  await using s = startWebServer();
  await using other = Deno.serve(
    { hostname: "127.0.0.1", port: 0, onListen: () => {} },
    () => new Response("<p>other</p>", { headers: { "content-type": "text/html" } }),
  );
  const browser = await launch();
  try {
    const page = await browser.newPage();
    await page.goto(`http://127.0.0.1:${other.addr.port}/`);
    const opened = await page.evaluate((port) =>
      new Promise<boolean>((resolve) => {
        const ws = new WebSocket(`ws://127.0.0.1:${port}/ws`);
        ws.onopen = () => resolve(true);
        ws.onerror = () => resolve(false);
      }), s.webPort);
    assert.equal(opened, false);
  } finally {
    await browser.close();
  }
});

browserTest(
  "W3: the lecture view draws an nc session's lane, a split line, and never the token",
  async () => {
    await using s = startWebServer({ adminToken: "segredo1" });
    const browser = await launch();
    try {
      const page = await browser.newPage();
      await page.setViewport({ width: 1280, height: 720 });
      await page.goto(`http://127.0.0.1:${s.webPort}/lecture`);
      await using nc = await LineClient.connect(s.tcp.port);
      await nc.expect("APELIDO");
      await textOf(page, new RegExp(`#1 +\\(tcp\\) 127\\.0\\.0\\.1:${nc.localPort}`));
      await nc.send("ana");
      await nc.expect("AJUDA");
      await nc.sendRaw(new TextEncoder().encode(":o"));
      await textOf(page, /partial line: ":o"/);
      await using bia = await join(s.tcp.port, "bia");
      await using caio = await join(s.tcp.port, "caio");
      await nc.sendRaw(new TextEncoder().encode("i\n"));
      await textOf(page, /line ends: :oi/);
      await textOf(page, /1 line to 2 sockets/); // the public message's fan-out, one row
      await bia.expect("PUBLICA ana: oi");
      await caio.expect("PUBLICA ana: oi");
      await nc.sendRaw(new TextEncoder().encode("{adm"));
      await textOf(page, /partial line: "\{adm"/);
      await nc.sendRaw(new TextEncoder().encode("in segredo1}\n"));
      await nc.expect("OK");
      await textOf(page, /line ends: \{admin \*+/);
      const html = await page.content();
      assert.doesNotMatch(html, /segredo1/);
      await page.click("#pause");
      await textOf(page, /paused: event \d+ of \d+/);
      const before = await page.$eval("#state", (e) => e.textContent);
      await page.click("#back");
      const after = await page.$eval("#state", (e) => e.textContent);
      assert.notEqual(before, after);
      await page.click("#pause"); // resume: live again
      await textOf(page, /live: event/);
    } finally {
      await browser.close();
    }
  },
);

browserTest(
  "L8 W3: the lecture's token field shows a fixed mask, not one bullet per character",
  async () => {
    await using s = startWebServer({ adminToken: "segredo-bem-longo-1" }, [], () => false);
    const browser = await launch();
    try {
      const page = await browser.newPage();
      await page.goto(`http://127.0.0.1:${s.webPort}/lecture`);
      await page.waitForSelector("#login:not([hidden])");
      const masks: string[] = [];
      const pictures: string[] = [];
      for (const typed of ["x", "segredo-bem-longo-1"]) {
        // What the projector shows of the form: the same for 1 character as for 19 (field test:
        // the caret stood after the last character, and its place told the length).
        pictures.push(await pictureTyped(page, "#token", typed, "#login"));
        masks.push(await page.$eval("#token-mask", (e) => e.textContent ?? ""));
        // The field's own bullets are not drawn: nothing on the projector counts the characters.
        const color = String(
          await page.evaluate(`getComputedStyle(document.getElementById("token")).color`),
        );
        assert.match(color, /rgba\(0, 0, 0, 0\)|transparent/, color);
      }
      assert.equal(masks[0], masks[1]);
      assert.ok(pictures[0] === pictures[1], "the form looks the same whatever the token's length");
      assert.ok(masks[0]!.length > 0);
      await page.keyboard.press("Enter");
      await page.waitForSelector("#login[hidden]");
    } finally {
      await browser.close();
    }
  },
);

browserTest(
  "W3 (field test): the lecture view keeps the open connections' lanes; a closed one's shows its close, then goes, the first to go when room is needed",
  async () => {
    // The lecture's clock is the test's: a closed lane goes by the events' times, not the page's.
    let now = 1_000_000;
    await using s = startWebServer({}, [], undefined, { lectureNow: () => now });
    const browser = await launch();
    try {
      const page = await browser.newPage();
      await page.setViewport({ width: 1280, height: 720 });
      await page.goto(`http://127.0.0.1:${s.webPort}/lecture`);
      await using ana = await join(s.tcp.port, "ana");
      await using bia = await join(s.tcp.port, "bia");
      await lanesWhen(page, (l) => l.length === 2 && /#2 bia/.test(l[1]!), "ana's and bia's");
      await bia.send("{quit}");
      await bia.closed();
      // The close is news: the lane stays, its close drawn in it.
      await textOf(page, /close #2/);
      await lanesWhen(page, (l) => l.some((x) => /#2 bia/.test(x)), "bia's lane with its close");
      // The lecture moves on: the closed lane goes with its rows; the open one stays.
      now += LANE_LINGER_MS;
      await ana.send(":oi");
      await textOf(page, /line ends: :oi/);
      await lanesWhen(page, (l) => l.length === 1 && /#1 ana/.test(l[0]!), "only ana's lane");
      assert.doesNotMatch(await textOf(page, /:oi/), /close #2/);
      // Nothing is lost: the filter shows the closed connection's lane and its close.
      await page.select("#filter", "2");
      await lanesWhen(page, (l) => l.length === 1 && /#2 bia/.test(l[0]!), "bia's, filtered");
      await textOf(page, /close #2/);
      await page.select("#filter", "");
      // Many connections come and go at once (a class trying nc): the closed lanes fill the
      // room left, the latest kept; ana's open lane is never the one to go.
      const churn = 12;
      for (let i = 0; i < churn; i++) {
        const c = await LineClient.connect(s.tcp.port);
        await c.expect("APELIDO");
        await c.close();
      }
      const last = 2 + churn;
      await textOf(page, new RegExp(`close #${last}\\b`));
      const lanes = await lanesWhen(page, (l) => l.length === LANE_ROOM, `${LANE_ROOM} lanes`);
      assert.match(lanes[0]!, /#1 ana/);
      assert.match(lanes.at(-1)!, new RegExp(`#${last} `));
      const first = last - (LANE_ROOM - 1) + 1;
      assert.match(lanes[1]!, new RegExp(`#${first} `), lanes.join("\n"));
      const scroll = Number(await page.evaluate("document.documentElement.scrollWidth"));
      assert.ok(scroll <= 1280, `${LANE_ROOM} lanes fit at 1280 px (${scroll})`);
    } finally {
      await browser.close();
    }
  },
);
