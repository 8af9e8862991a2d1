/**
 * The papo line protocol: the one place that defines every line on the wire,
 * both ways, in five parts kept beside it in `protocol/` and given here as
 * one module. What a client may send is the command table
 * {@linkcode COMMANDS} (`protocol/commands.ts`); what the server sends is a
 * keyword ({@linkcode Keyword}, `protocol/limits.ts`) and a text
 * (`protocol/texts.ts`), formatted by one function per line
 * (`protocol/lines.ts`); every error is a code of {@linkcode ErrorCode} with
 * its meaning and a detail. Texts are kept in Portuguese and English; the
 * wire carries the Portuguese, made ASCII ({@linkcode toAscii},
 * `protocol/ascii.ts`). No wire text is written anywhere
 * else: the server, the client, the bench's papo client and the conformance kit import it
 * from here.
 *
 * This module is pure: it does no I/O, and imports nothing but its parts
 * (and the version from `deno.json`). `PROTOCOL.md` documents each line with
 * an example. Reading these lines back is done in `wire/`: client lines by
 * `wire/commands.ts`, server lines by `wire/server_lines.ts`.
 *
 * @example Format a server line
 * ```ts
 * import { joinedLine } from "./protocol.ts";
 * import { deepStrictEqual as assertEquals } from "node:assert/strict";
 * assertEquals(joinedLine("bob"), "ENTROU bob entrou no chat\r\n");
 * ```
 *
 * @module
 */

export * from "./protocol/limits.ts";
export * from "./protocol/ascii.ts";
export * from "./protocol/commands.ts";
export * from "./protocol/texts.ts";
export * from "./protocol/lines.ts";
