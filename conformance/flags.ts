/**
 * The kit's command line (C7): its one flag table ({@linkcode KIT_FLAGS}),
 * from which parsing, `--help` and the docs' table come.
 *
 * @module
 */

import { flagsHelp } from "../common/flag_help.ts";
import { type Flag, HELP_FLAGS } from "../common/cli.ts";
import { DEFAULT_TIMING } from "./check.ts";
import { KIT } from "./report.ts";

/** Every flag of the kit, in the order `--help` and the docs list them. */
export const KIT_FLAGS = {
  level: {
    type: "string",
    value: "seed|papo",
    help: "seed: only what the assignment fixes, in any wording; " +
      "papo: PROTOCOL.md to the letter, limits included",
    doc: "`seed` (the assignment, any wording) or `papo` (PROTOCOL.md to the letter)",
    default: "seed",
  },
  only: {
    type: "string",
    multiple: true,
    value: "ID",
    help: "run only this check (S12.sent) or requirement (S12); repeat or separate with " +
      "commas for more",
    doc:
      "only this check (`S12.sent`) or requirement (`S12`); repeat it or separate ids with commas",
    defaultText: "every check",
  },
  json: {
    type: "boolean",
    help: "print JSON instead of text",
    doc: "print JSON: the level, the checks and, per server, its counts and every result",
    defaultText: "text",
  },
  timeout: {
    type: "string",
    value: "S",
    help: "seconds each check may take",
    default: DEFAULT_TIMING.timeoutMs / 1000,
  },
  lang: {
    type: "string",
    value: "pt|en",
    help: "language of the report",
    doc: "the language of the check titles and labels",
    defaultText: "the system's",
  },
  tls: {
    type: "boolean",
    help: "speak TLS to every server (its TLS port); graded as a plain one",
    doc: "speak TLS to every server (its TLS port), graded as a plain one (T3)",
    defaultText: "plain TCP",
  },
  ca: {
    type: "string",
    value: "PEM",
    help: "also trust this (self-signed) certificate; implies --tls; needs --allow-read=PEM",
    doc:
      "also trust this (self-signed) certificate; implies `--tls`; needs `--allow-read=PEM` (T3)",
  },
  ...HELP_FLAGS,
} as const satisfies Readonly<Record<string, Flag>>;

/** `--help`: the usage, the servers, every flag of {@linkcode KIT_FLAGS}, the exit codes. */
export const KIT_HELP =
  `${KIT}: checks chat servers against the assignment's protocol (CONTRACT.md C7)

Usage: deno task conformance -- [options] HOST:PORT [HOST:PORT ...]
       papo-check [options] HOST:PORT [HOST:PORT ...]

A server is HOST:PORT, PORT alone (127.0.0.1), or NAME=HOST:PORT to name it in the table.
One server: a list of checks. Several: one row per server, one column per check.

Options:
${flagsHelp(KIT_FLAGS)}

Exit code: 0 every check passed (or was skipped), 1 a check failed,
2 bad arguments or a server that cannot be reached.
`;
