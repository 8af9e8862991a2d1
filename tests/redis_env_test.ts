/**
 * N6: the env names papo grants are exactly those the pinned node-redis
 * reads (found in its source in Deno's npm cache), and every place that
 * runs papo-server with `--redis` grants them. The stream codec reads
 * what the scripts write (no Redis needed).
 */
import assert from "node:assert/strict";
import config from "../deno.json" with { type: "json" };
import { REDIS_ALLOW_ENV, REDIS_ENV_NAMES } from "../server/room/redis/env.ts";
import { idAfter, inboxEvent, roomEvent } from "../server/room/redis/events.ts";
import { PRELUDE, SCRIPTS } from "../server/room/redis/scripts.ts";
import { SERVER_PERMISSIONS } from "../scripts/compile.ts";
import { REDIS_ALLOW_READ } from "../server/start.ts";

/** Every `.js` file under `dir`. */
async function* jsFiles(dir: string): AsyncGenerator<string> {
  for await (const e of Deno.readDir(dir)) {
    const path = `${dir}/${e.name}`;
    if (e.isDirectory) yield* jsFiles(path);
    else if (e.name.endsWith(".js")) yield path;
  }
}

Deno.test("REDIS_ENV_NAMES are exactly the env names the pinned node-redis reads (N6)", async () => {
  const spec = config.imports["@redis/client"];
  const pinned = /^npm:@redis\/client@(\d+\.\d+\.\d+)$/.exec(spec);
  assert.ok(pinned, `deno.json pins @redis/client to an exact version: ${spec}`);
  const info = new Deno.Command(Deno.execPath(), { args: ["info", "--json"], stdout: "piped" });
  const npmCache = JSON.parse(new TextDecoder().decode((await info.output()).stdout)).npmCache;
  const root = `${npmCache}/registry.npmjs.org`;
  const packages = [`@redis/client/${pinned[1]}`];
  const names = new Set<string>();
  for (const pkg of packages) {
    try {
      await Deno.stat(`${root}/${pkg}`);
    } catch {
      continue;
    }
    for await (const file of jsFiles(`${root}/${pkg}`)) {
      const text = await Deno.readTextFile(file);
      for (const m of text.matchAll(/process\.env(?:\.([A-Z_][A-Z0-9_]*)|\[["']([^"']+)["']\])/g)) {
        names.add(m[1] ?? m[2]!);
      }
      assert.ok(!/process\.env\[[^"'\]]/.test(text), `${file} reads an env name it computes`);
    }
  }
  assert.deepEqual([...names].sort(), [...REDIS_ENV_NAMES].sort());
});

Deno.test("server:redis and the papo-server binary grant exactly those names (N6)", () => {
  // Reading the Redis room's modules, loaded only with --redis (issue 19 #1): the same folder.
  assert.ok(
    REDIS_ALLOW_READ.replaceAll("\\", "/").endsWith("/server/room/redis"),
    REDIS_ALLOW_READ,
  );
  assert.equal(REDIS_ALLOW_ENV, `--allow-env=${REDIS_ENV_NAMES.join(",")}`);
  assert.equal(
    config.tasks["server:redis"],
    `deno run --allow-net --allow-sys=networkInterfaces ${REDIS_ALLOW_ENV} ` +
      "--allow-read=server/room/redis server.ts",
  );
  assert.deepEqual(SERVER_PERMISSIONS, [
    "--allow-net",
    "--allow-read", // T1: --cert and --key (and --admin-token-file), known only at run time
    "--allow-sys=networkInterfaces",
    REDIS_ALLOW_ENV,
    "--no-prompt",
  ]);
});

Deno.test("roomEvent() and inboxEvent() read every entry the scripts write", async (t) => {
  const room: [string[], ReturnType<typeof roomEvent>][] = [
    [["t", "p", "f", "ana", "x", "a: b", "i", "n~1/2"], {
      t: "public",
      id: "n~1/2",
      from: "ana",
      text: "a: b",
    }],
    // Issue 23: a batch's public messages in one entry, one field, every field ended by a line feed.
    [["t", "P", "b", "ana\na: b\nn~1/2\nBob\n\nn~1/3\n"], {
      t: "publics",
      messages: [
        { id: "n~1/2", from: "ana", text: "a: b" },
        { id: "n~1/3", from: "Bob", text: "" },
      ],
    }],
    [["t", "P", "b", "ana\na: b"], { t: "publics", messages: [] }],
    [["t", "j", "n", "Bob", "i", "n~1/3"], { t: "joined", id: "n~1/3", nick: "Bob" }],
    [["t", "j", "n", "Bob", "i", "n~1/3", "c", "7"], {
      t: "joined",
      id: "n~1/3",
      nick: "Bob",
      online: 7,
    }],
    [["t", "l", "n", "Bob", "i", "n~1/3", "r", "1"], {
      t: "left",
      id: "n~1/3",
      nick: "Bob",
      removed: true,
    }],
    [["t", "l", "n", "Bob", "i", "n~1/3", "r", "0"], {
      t: "left",
      id: "n~1/3",
      nick: "Bob",
      removed: false,
    }],
    [["t", "n", "k", "say", "a", "prova"], { t: "notice", notice: "say", arg: "prova" }],
    [["t", "n", "k", "bogus", "a", ""], undefined],
    [["t", "m", "k", "bob", "o", "1"], { t: "mute", key: "bob", on: true }],
  ];
  for (const [fields, want] of room) {
    await t.step(`room ${fields.join(" ")}`, () => assert.deepEqual(roomEvent(fields), want));
  }
  const inbox: [string[], ReturnType<typeof inboxEvent>][] = [
    [["t", "w", "o", "a~2", "m", "b~1/1\nana\na~2/9\nBob\noi"], {
      t: "whisper",
      replyTo: "a~2",
      messages: [{ id: "b~1/1", from: "ana", text: "oi", req: "a~2/9", to: "Bob" }],
    }],
    [[
      "t",
      "w",
      "o",
      "a~2",
      "m",
      "b~1/1\nana\na~2/9\nBob\no: i\nx",
      "m",
      "b~1/5\nana\na~2/9\nceci\n",
    ], {
      t: "whisper",
      replyTo: "a~2",
      messages: [
        { id: "b~1/1", from: "ana", text: "o: i\nx", req: "a~2/9", to: "Bob" },
        { id: "b~1/5", from: "ana", text: "", req: "a~2/9", to: "ceci" },
      ],
    }],
    [["t", "w", "o", "a~2", "m", "b~1/1\nana"], { t: "whisper", replyTo: "a~2", messages: [] }],
    // Issue 23: a batch's messages to one node in one field, every field ended by a line feed.
    [["t", "w", "o", "a~2", "b", "b~1/1\nana\na~2/9\nBob\no: i\nb~1/5\nana\na~2/9\nceci\n\n"], {
      t: "whisper",
      replyTo: "a~2",
      messages: [
        { id: "b~1/1", from: "ana", text: "o: i", req: "a~2/9", to: "Bob" },
        { id: "b~1/5", from: "ana", text: "", req: "a~2/9", to: "ceci" },
      ],
    }],
    [["t", "w", "o", "a~2", "b", "b~1/1\nana\na~2/9\nBob"], {
      t: "whisper",
      replyTo: "a~2",
      messages: [],
    }],
    [["t", "a", "q", "a~2/9", "k", "0", "n", "Bob"], {
      t: "ack",
      req: "a~2/9",
      delivered: false,
      to: "Bob",
    }],
    [["t", "k", "i", "b~1/1"], { t: "kick", id: "b~1/1" }],
  ];
  for (const [fields, want] of inbox) {
    await t.step(`inbox ${fields.join(" ")}`, () => assert.deepEqual(inboxEvent(fields), want));
  }
  await t.step("the scripts write only the entry types the codec reads", () => {
    const written = new Set<string>();
    for (const source of [PRELUDE, ...Object.values(SCRIPTS)]) {
      for (const m of source.matchAll(/'t', '(\w)'/g)) written.add(m[1]!);
    }
    // n: {unban} frees a muted address; P: a batch's public messages (issue 23).
    assert.deepEqual([...written].sort(), ["P", "j", "k", "l", "m", "n", "w"]);
  });
});

Deno.test("idAfter() orders stream entry ids as Redis does: by milliseconds, then sequence", () => {
  assert.ok(idAfter("1700000000001-0", "1700000000000-5"));
  assert.ok(idAfter("1700000000000-10", "1700000000000-9")); // numbers, not text
  assert.ok(idAfter("999-0", "0-0"));
  assert.ok(!idAfter("1700000000000-5", "1700000000000-5"));
  assert.ok(!idAfter("999-0", "1000-0"));
});
