/**
 * N6: the environment names node-redis reads, and the check that they may be
 * read. node-redis 6.3.1 reads `REDIS_DEBUG_MAINTENANCE` whenever it handles
 * a connection and `REDIS_EMIT_DIAGNOSTICS` on a maintenance event
 * (`@redis/client/dist/lib/client/enterprise-maintenance-manager.js`);
 * without the permission it fails inside its socket handler and reconnects
 * forever. The server grants exactly these names, and asks Deno first.
 *
 * @module
 */

/** The environment names node-redis reads (checked against its source on each upgrade). */
export const REDIS_ENV_NAMES = ["REDIS_DEBUG_MAINTENANCE", "REDIS_EMIT_DIAGNOSTICS"] as const;

/** The Deno flag that grants them, as `deno run` and `deno compile` take it. */
export const REDIS_ALLOW_ENV = `--allow-env=${REDIS_ENV_NAMES.join(",")}`;

/**
 * Whether node-redis may read its environment names here, asked without a prompt.
 *
 * @param query How to ask Deno (for tests). @default {Deno.permissions.querySync}
 * @returns `undefined` when it may, or the sentence saying which flag to add.
 *
 * @example
 * ```ts
 * import { missingEnvPermission } from "./env.ts";
 * import assert from "node:assert/strict";
 * const denied = () => ({ state: "prompt" }) as Deno.PermissionStatus;
 * assert.match(missingEnvPermission(denied)!, /--allow-env=REDIS_DEBUG_MAINTENANCE,/);
 * const granted = () => ({ state: "granted" }) as Deno.PermissionStatus;
 * assert.equal(missingEnvPermission(granted), undefined);
 * ```
 */
export function missingEnvPermission(
  query: (d: Deno.EnvPermissionDescriptor) => Deno.PermissionStatus = (d) =>
    Deno.permissions.querySync(d),
): string | undefined {
  const missing = REDIS_ENV_NAMES.filter((variable) =>
    query({ name: "env", variable }).state !== "granted"
  );
  if (missing.length === 0) return undefined;
  return `Cannot use --redis without ${REDIS_ALLOW_ENV}: the Redis library reads ` +
    `${missing.join(" and ")}; add that flag (deno task server:redis has it)`;
}
