/**
 * `deno task web:screenshots`: the docs' pictures of the web door, made by
 * the same headless chromium the tests drive: the chat page on a 360 px
 * phone (`docs/web-chat.png`) and the lecture view at 1280x720
 * (`docs/lecture-view.png`), over a short scripted session with an nc user.
 *
 * @module
 */

import { HAVE_CHROMIUM, launch, NO_CHROMIUM } from "../tests/browser.ts";
import { join, LineClient } from "../tests/line_client.ts";
import { startWebServer } from "../tests/web_helpers.ts";

const DOCS = new URL("../docs/", import.meta.url);

if (import.meta.main) {
  if (!HAVE_CHROMIUM) {
    console.error(NO_CHROMIUM);
    Deno.exit(1);
  }
  await using s = startWebServer({ adminToken: "not-shown" });
  const browser = await launch();
  try {
    const page = await browser.newPage();
    await page.setViewport({ width: 360, height: 640, deviceScaleFactor: 1 });
    await page.goto(`http://127.0.0.1:${s.webPort}/`);
    await using ana = await join(s.tcp.port, "ana");
    await page.waitForSelector("#line");
    await page.type("#line", "bia");
    await page.keyboard.press("Enter");
    await ana.expect("ENTROU bia");
    await ana.send(":oi bia, tudo bem?");
    await page.type("#line", "tudo, e com voce ana?");
    await page.keyboard.press("Enter");
    await ana.expect("PUBLICA bia");
    await ana.send("bia:isto e privado");
    await page.waitForFunction("document.body.innerText.includes('privado')");
    await page.screenshot({ path: new URL("web-chat.png", DOCS).pathname });

    const lecture = await browser.newPage();
    await lecture.setViewport({ width: 1280, height: 720, deviceScaleFactor: 1 });
    await lecture.goto(`http://127.0.0.1:${s.webPort}/lecture`);
    await using caio = await LineClient.connect(s.tcp.port);
    await caio.expect("APELIDO");
    await caio.send("caio");
    await caio.expect("AJUDA");
    await caio.sendRaw(new TextEncoder().encode(":o"));
    await lecture.waitForFunction("document.body.innerText.includes('partial line')");
    await caio.sendRaw(new TextEncoder().encode("i\n:um\n:dois\n"));
    await lecture.waitForFunction("document.body.innerText.includes('lines in one recv')");
    await lecture.screenshot({ path: new URL("lecture-view.png", DOCS).pathname });
  } finally {
    await browser.close();
  }
  console.log("docs/web-chat.png and docs/lecture-view.png written");
}
