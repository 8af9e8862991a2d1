/**
 * `deno task web`: bundles the browser's scripts of the web door
 * (`server/web/pages/chat.ts`, `lecture.ts`) into `server/web/bundle/*.js`,
 * which are committed and embedded in the server as text (W1). A test
 * bundles them again into a temporary folder and checks that the committed
 * ones are fresh.
 *
 * Usage: deno run --allow-read --allow-write --allow-run --allow-env scripts/web_bundle.ts [OUT_DIR]
 *
 * @module
 */

import { fileURLToPath } from "node:url";

/** The pages' scripts, by the bundle's name. */
export const WEB_SCRIPTS = ["chat", "lecture"] as const;

const ROOT = fileURLToPath(new URL("../", import.meta.url));

/**
 * Bundles every page script into `outDir`.
 *
 * @param outDir Where the `.js` files go. @default the committed folder
 * @throws When `deno bundle` fails.
 */
export async function bundleWeb(outDir = `${ROOT}server/web/bundle`): Promise<void> {
  for (const name of WEB_SCRIPTS) {
    const { code, stderr } = await new Deno.Command(Deno.execPath(), {
      args: [
        "bundle",
        "--quiet",
        "--platform",
        "browser",
        "-o",
        `${outDir}/${name}.js`,
        `${ROOT}server/web/pages/${name}.ts`,
      ],
      cwd: ROOT,
      stdout: "null",
      stderr: "piped",
    }).output();
    if (code !== 0) {
      throw new Error(`deno bundle ${name}.ts failed:\n${new TextDecoder().decode(stderr)}`);
    }
  }
}

if (import.meta.main) await bundleWeb(Deno.args[0]);
