/**
 * Debian's chromium, headless, driven by puppeteer-core for the web door's
 * tests and screenshots. Without chromium the tests say they are skipped.
 */
import puppeteer, { type Browser, type Page } from "puppeteer-core";
import { WAIT_MS } from "./wait.ts";

/** Where Debian installs chromium. */
export const CHROMIUM = "/usr/bin/chromium";

/** Whether chromium is installed (`.ci/run` installs it). */
export const HAVE_CHROMIUM: boolean = (() => {
  try {
    return Deno.statSync(CHROMIUM).isFile;
  } catch {
    return false;
  }
})();

/** Why the browser tests are skipped, when they are. */
export const NO_CHROMIUM = `skipped: no ${CHROMIUM} (apt-get install -y chromium; .ci/run does)`;

/** Launches chromium headless with the flags this machine needs. */
export function launch(): Promise<Browser> {
  return puppeteer.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: [
      "--no-sandbox",
      "--disable-gpu",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
      "--no-first-run",
      "--disable-dev-shm-usage",
    ],
  });
}

/** A browser test: chromium's child process and its pipes outlive the sanitizers' view. */
export function browserTest(name: string, fn: () => Promise<void>): void {
  Deno.test({
    name: HAVE_CHROMIUM ? name : `${name} (${NO_CHROMIUM})`,
    ignore: !HAVE_CHROMIUM,
    sanitizeOps: false,
    sanitizeResources: false,
    fn,
  });
}

/**
 * Waits until the text of `selector` (the whole page, as a reader finds it, when not given)
 * matches.
 */
export async function textOf(page: Page, pattern: RegExp, selector = "body"): Promise<string> {
  const deadline = Date.now() + WAIT_MS;
  for (;;) {
    const text = String(
      await page.evaluate(`document.querySelector(${JSON.stringify(selector)}).innerText`),
    );
    if (pattern.test(text)) return text;
    if (Date.now() > deadline) throw new Error(`${selector} lacks ${pattern}:\n${text}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** Types a line into the page's one field and presses Enter. */
export async function typeLine(page: Page, line: string): Promise<void> {
  await page.focus("#line");
  await page.keyboard.type(line);
  await page.keyboard.press("Enter");
}

/**
 * What a projector shows of `shown` (a screenshot, base64) once `typed` is typed into the emptied
 * field `field` (L8: the same picture for a short token and a long one tells no length).
 */
export async function pictureTyped(
  page: Page,
  field: string,
  typed: string,
  shown = field,
): Promise<string> {
  await page.evaluate(`document.querySelector(${JSON.stringify(field)}).value = ""`);
  await page.focus(field);
  await page.keyboard.type(typed);
  const element = await page.$(shown);
  if (element === null) throw new Error(`no ${shown} on the page`);
  return String(await element.screenshot({ encoding: "base64" }));
}
