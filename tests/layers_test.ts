/**
 * The layers (issue 20): every import of the repository's own modules, type
 * imports included, read from the source. `protocol.ts` and `protocol/` are
 * the ground floor and import nothing above them; no module imports a floor
 * above its own; the conformance kit imports nothing of the server or the
 * client; and no modules import each other in a circle (as std's
 * `lint:circular`).
 */
import assert from "node:assert/strict";
import { dirname, join, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const SKIP = new Set([".git", "dist", "node_modules"]);

/** Every `.ts` file of the repository, relative to its root, `/`-separated. */
async function sources(dir = ROOT): Promise<string[]> {
  const out: string[] = [];
  for await (const e of Deno.readDir(dir)) {
    if (SKIP.has(e.name)) continue;
    const path = join(dir, e.name);
    if (e.isDirectory) out.push(...await sources(path));
    else if (e.name.endsWith(".ts")) out.push(relative(ROOT, path).replaceAll("\\", "/"));
  }
  return out.sort();
}

/** The code of a module without its comments (their examples import too, but run apart). */
function code(text: string): string {
  return text.replace(/\/\*[\s\S]*?\*\//g, "").replace(/^\s*\/\/.*$/gm, "");
}

/**
 * The files a module imports, relative to the root: `import ... from`,
 * `import type`, `export ... from`, `import "x"` and `import("x")` of a
 * relative path.
 */
function importsOf(file: string, text: string): string[] {
  const found = new Set<string>();
  const patterns = [
    /\b(?:import|export)\s[^;]*?\sfrom\s*"(\.{1,2}\/[^"]+)"/g,
    /\bimport\s*"(\.{1,2}\/[^"]+)"/g,
    /\bimport\s*\(\s*"(\.{1,2}\/[^"]+)"\s*\)/g,
  ];
  for (const pattern of patterns) {
    for (const m of code(text).matchAll(pattern)) {
      found.add(join(dirname(file), m[1]!).replaceAll("\\", "/"));
    }
  }
  return [...found].sort();
}

/** The floor a file stands on: what it may import is on its floor or below. */
function floorOf(file: string): number {
  const top = file.includes("/") ? `${file.slice(0, file.indexOf("/"))}/` : file;
  if (top === "protocol.ts" || top === "protocol/" || top === "deno.json") return 1;
  if (top === "common/" || top === "wire/") return 2;
  if (top === "server/" || top === "client/" || top === "conformance/") return 3;
  return 4; // the entries, tests, bench, scripts
}

const files = await sources();
const graph = new Map<string, string[]>();
for (const file of files) {
  graph.set(file, importsOf(file, await Deno.readTextFile(join(ROOT, file))));
}

Deno.test("layers: protocol.ts and protocol/ import nothing outside them but deno.json's version", () => {
  for (const [file, imports] of graph) {
    if (floorOf(file) !== 1) continue;
    for (const target of imports) {
      assert.equal(floorOf(target), 1, `${file} imports ${target}`);
    }
  }
});

Deno.test("layers: no module imports a floor above its own", () => {
  const upward: string[] = [];
  for (const [file, imports] of graph) {
    for (const target of imports) {
      if (floorOf(target) > floorOf(file)) upward.push(`${file} -> ${target}`);
    }
  }
  assert.deepEqual(upward, []);
});

Deno.test("layers: the conformance kit imports nothing of server/ or client/", () => {
  // It grades students' servers: what it shares with papo (the telnet parser, the line
  // splitter) lives in wire/, common/ or protocol/, and the tests share its line client.
  const found: string[] = [];
  for (const [file, imports] of graph) {
    if (!file.startsWith("conformance/")) continue;
    for (const target of imports) {
      if (/^(server|client)\//.test(target)) found.push(`${file} -> ${target}`);
    }
  }
  assert.deepEqual(found, []);
});

/** The circles of the graph: its strongly connected components of more than one file, or a file importing itself. */
function circles(edges: Map<string, string[]>): string[][] {
  let next = 0;
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const found: string[][] = [];
  const visit = (v: string) => {
    index.set(v, next);
    low.set(v, next++);
    stack.push(v);
    onStack.add(v);
    for (const w of edges.get(v) ?? []) {
      if (!index.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v)!, low.get(w)!));
      } else if (onStack.has(w)) low.set(v, Math.min(low.get(v)!, index.get(w)!));
    }
    if (low.get(v) === index.get(v)) {
      const component: string[] = [];
      let w: string;
      do {
        w = stack.pop()!;
        onStack.delete(w);
        component.push(w);
      } while (w !== v);
      if (component.length > 1 || (edges.get(v) ?? []).includes(v)) found.push(component.sort());
    }
  };
  for (const v of edges.keys()) if (!index.has(v)) visit(v);
  return found;
}

Deno.test("layers: no modules import each other in a circle, type imports included", () => {
  assert.deepEqual(circles(graph), []);
});

Deno.test("circles() finds a circle of three and a module importing itself", () => {
  const edges = new Map([["a", ["b"]], ["b", ["c"]], ["c", ["a"]], ["d", ["d", "a"]]]);
  assert.deepEqual(circles(edges), [["a", "b", "c"], ["d"]]);
});
