/**
 * Debian's chromium, headless, driven by puppeteer-core for the web door's
 * tests and screenshots. Without chromium the tests say they are skipped.
 */
import puppeteer, { type Browser } from "puppeteer-core";

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
