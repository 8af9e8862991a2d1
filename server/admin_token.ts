/**
 * The teacher's token from the command line (L8): given with `--admin-token`,
 * or read from the file `--admin-token-file` names, which keeps it off the
 * command line (and so off a projected terminal); the file needs Deno's read
 * permission for it, and an error never repeats the file's text.
 *
 * @module
 */

import { UsageError } from "../common/cli.ts";

/**
 * The token given with `--admin-token` or read from `--admin-token-file`, if any (L8).
 *
 * @param token `--admin-token`'s value.
 * @param path `--admin-token-file`'s value.
 * @returns The options' `adminToken`, when one was given.
 * @throws {UsageError} When both are given, or the file cannot be read or holds no token.
 */
export function givenToken(
  token: string | undefined,
  path: string | undefined,
): { adminToken?: string } {
  if (path === undefined) return token === undefined ? {} : { adminToken: adminToken(token) };
  if (token !== undefined) {
    throw new UsageError("Cannot use both --admin-token and --admin-token-file: give one");
  }
  let text: string;
  try {
    text = Deno.readTextFileSync(path);
  } catch (e) {
    const denied = e instanceof Deno.errors.NotCapable || e instanceof Deno.errors.PermissionDenied;
    throw new UsageError(
      denied
        ? `Cannot read --admin-token-file "${path}": run with --allow-read=${path}`
        : `Cannot read --admin-token-file "${path}": ${e instanceof Error ? e.message : e}`,
    );
  }
  const first = text.split(/\r?\n/, 1)[0]!.trim();
  if (!/^[!-~]{1,64}$/.test(first) || first.includes("}")) {
    // The file's text is not repeated: it may be the token, and this is the projector.
    throw new UsageError(
      `Cannot use the token in "${path}": its first line must be 1 to 64 printable ASCII ` +
        "characters, no spaces or }",
    );
  }
  return { adminToken: first };
}

/** A teacher's token: one word of printable ASCII (it is typed as `{admin TOKEN}`). */
function adminToken(token: string): string {
  if (!/^[!-~]{1,64}$/.test(token) || token.includes("}")) {
    throw new UsageError(
      `Cannot use --admin-token "${token}": give 1 to 64 printable ASCII characters, no spaces or }`,
    );
  }
  return token;
}
