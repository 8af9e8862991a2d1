/**
 * One flag table per program (issue 20): the guide's table of each program's
 * flags (docs/) is the table the program parses, its help and its defaults come from
 * it, and its whole-number flags keep their bounds.
 */
import assert from "node:assert/strict";
import type { Flag } from "../common/cli.ts";
import { flagsHelp, flagsTable } from "../common/flag_help.ts";
import { CLIENT_FLAGS, CLIENT_HELP } from "../client/flags.ts";
import { KIT_FLAGS, KIT_HELP } from "../conformance/flags.ts";
import { SERVER_FLAGS, SERVER_HELP } from "../server/flags.ts";
import { BENCH_FLAGS, HELP as BENCH_HELP } from "../bench/options.ts";

/** Every Markdown table of `text`, each as its rows of trimmed cells (the rule row left out). */
function markdownTables(text: string): string[][][] {
  const tables: string[][][] = [];
  let rows: string[][] = [];
  for (const line of [...text.split("\n"), ""]) {
    if (line.startsWith("|")) {
      const cells = line.slice(
        1,
        line.trimEnd().endsWith("|") ? line.trimEnd().length - 1 : undefined,
      )
        .split(/(?<!\\)\|/).map((c) => c.trim());
      if (!cells.every((c) => /^:?-+:?$/.test(c))) rows.push(cells);
    } else if (rows.length > 0) {
      tables.push(rows);
      rows = [];
    }
  }
  return tables;
}

/** A table as Markdown, to paste where it belongs (deno fmt aligns it). */
function markdown(rows: string[][]): string {
  const line = (cells: string[]) => `| ${cells.join(" | ")} |`;
  return [line(rows[0]!), line(rows[0]!.map(() => "---")), ...rows.slice(1).map(line)].join("\n");
}

/** Where the flag tables are: the guides in docs/ (README links to them). */
async function docs(): Promise<string> {
  const texts: string[] = [];
  for await (const e of Deno.readDir(new URL("../docs/", import.meta.url))) {
    if (e.name.endsWith(".md")) {
      texts.push(await Deno.readTextFile(new URL(`../docs/${e.name}`, import.meta.url)));
    }
  }
  return texts.join("\n");
}

const PROGRAMS: [string, Readonly<Record<string, Flag>>][] = [
  ["server.ts", SERVER_FLAGS],
  ["client.ts", CLIENT_FLAGS],
  ["conformance/main.ts", KIT_FLAGS],
  ["bench/main.ts", BENCH_FLAGS],
];

Deno.test("the docs' flag table of each program is its flag table", async (t) => {
  const tables = markdownTables(await docs());
  for (const [program, table] of PROGRAMS) {
    await t.step(program, () => {
      const want = flagsTable(table);
      assert.ok(
        tables.some((rows) => JSON.stringify(rows) === JSON.stringify(want)),
        `docs/ lack ${program}'s flag table, which is now:\n${markdown(want)}\n`,
      );
    });
  }
});

Deno.test("flagsHelp() lists every flag of a table with its default", async (t) => {
  for (const [program, table] of PROGRAMS) {
    await t.step(program, () => {
      const help = flagsHelp(table);
      const words = help.replace(/\s+/g, " ");
      for (const [name, flag] of Object.entries(table)) {
        assert.match(help, new RegExp(`--${name}\\b`), `--help lacks --${name}`);
        if (flag.default !== undefined) assert.ok(words.includes(`(default ${flag.default})`));
      }
      assert.ok(help.split("\n").every((l) => l.length <= 80), help);
    });
  }
  assert.ok(SERVER_HELP.includes(flagsHelp(SERVER_FLAGS)));
  assert.ok(KIT_HELP.includes(flagsHelp(KIT_FLAGS)));
  assert.ok(BENCH_HELP.includes(flagsHelp(BENCH_FLAGS)));
  for (const lang of ["pt", "en"] as const) {
    assert.ok(CLIENT_HELP[lang].includes(flagsHelp(CLIENT_FLAGS, lang)));
  }
});

Deno.test("the Portuguese guide names every flag of the server, the client and the kit", async () => {
  const guide = await Deno.readTextFile(new URL("../docs/professor.pt.md", import.meta.url));
  // The teacher's programs; the bench is documented in docs/performance.md.
  for (const [program, table] of PROGRAMS.filter(([p]) => !p.startsWith("bench/"))) {
    for (const name of Object.keys(table)) {
      assert.match(
        guide,
        new RegExp(`\`--${name}\\b`),
        `docs/professor.pt.md lacks ${program}'s --${name}`,
      );
    }
  }
});
