/**
 * The web door's flags read and checked (W1, W5): `--web PORT` and
 * `--web-origin ORIGINS`; their rows are in the server's one flag table
 * (`server/flags.ts`).
 *
 * @module
 */

import { parsePort } from "../../common/address.ts";
import { UsageError } from "../../common/cli.ts";

/**
 * Reads `--web` and `--web-origin`, checked (W1, W5).
 *
 * @param port `--web`'s value.
 * @param origins `--web-origin`'s value.
 * @returns The web port and the origins allowed, when given.
 * @throws {UsageError} When a value is bad, or `--web-origin` comes without `--web`.
 */
export function webFlags(
  port: string | undefined,
  origins: string | undefined,
): { web?: number; webOrigins?: string[] } {
  if (port === undefined) {
    if (origins !== undefined) throw new UsageError("Cannot use --web-origin without --web");
    return {};
  }
  const web = parsePort(port);
  if (web === undefined) {
    throw new UsageError(`Cannot use --web "${port}": give a whole number from 0 to 65535`);
  }
  if (origins === undefined) return { web };
  const list = origins.split(",").map((o) => o.trim()).filter((o) => o !== "");
  for (const origin of list) {
    let url: URL | undefined;
    try {
      url = new URL(origin);
    } catch {
      url = undefined;
    }
    if (url === undefined || !/^https?:$/.test(url.protocol) || url.origin !== origin) {
      throw new UsageError(
        `Cannot use --web-origin "${origin}": give an origin such as https://host or http://host:8080`,
      );
    }
  }
  return { web, webOrigins: list };
}
