/**
 * W4: our own QR encoder, read back by a real decoder (zbarimg, from
 * zbar-tools; without it that test says it is skipped), its block drawing
 * read back module by module, the banner's lines; and W1: the committed
 * browser bundles are what `deno task web` makes from the pages now.
 */
import assert from "node:assert/strict";
import { bundleWeb, WEB_SCRIPTS } from "../scripts/web_bundle.ts";
import { encodeQr, QR_MAX_VERSION, type QrCode } from "../server/web/qr.ts";
import { qrBlocks, QUIET_ZONE } from "../server/web/qr_blocks.ts";
import { QR_INDENT, studentUrls, webBanner } from "../server/web/web_banner.ts";

/** The code as a PBM image, `scale` pixels a module, with a quiet zone of 4. */
function pbm(qr: QrCode, scale = 6): string {
  const n = (qr.size + 8) * scale;
  const rows: string[] = [];
  for (let y = 0; y < n; y++) {
    const row: string[] = [];
    for (let x = 0; x < n; x++) {
      const r = Math.floor(y / scale) - 4;
      const c = Math.floor(x / scale) - 4;
      row.push(r >= 0 && c >= 0 && r < qr.size && c < qr.size && qr.modules[r]![c] ? "1" : "0");
    }
    rows.push(row.join(" "));
  }
  return `P1\n${n} ${n}\n${rows.join("\n")}\n`;
}

/** zbarimg's path, or `undefined` when it is not installed. */
async function zbarimg(): Promise<string | undefined> {
  for (const path of ["/usr/bin/zbarimg", "/usr/local/bin/zbarimg"]) {
    try {
      await Deno.stat(path);
      return path;
    } catch {
      // not there
    }
  }
  return undefined;
}

const ZBAR = await zbarimg();

Deno.test({
  name: "W4: zbarimg reads our QR codes back, every mask, versions 1 to 10",
  ignore: ZBAR === undefined, // skipped without zbar-tools (.ci/run installs it)
  async fn() {
    const texts = [
      "http://192.168.0.10:8080/",
      "a",
      "http://10.20.30.40:65535/" + "x".repeat(100),
      "z".repeat(200),
    ];
    const dir = await Deno.makeTempDir();
    try {
      for (const text of texts) {
        for (let mask = 0; mask < 8; mask++) {
          const qr = encodeQr(text, mask);
          const file = `${dir}/q.pbm`;
          await Deno.writeTextFile(file, pbm(qr));
          const out = await new Deno.Command(ZBAR!, {
            args: ["-q", "--raw", file],
            stdout: "piped",
            stderr: "null",
          }).output();
          assert.equal(
            new TextDecoder().decode(out.stdout).trim(),
            text,
            `v${qr.version} m${mask}`,
          );
        }
      }
    } finally {
      await Deno.remove(dir, { recursive: true });
    }
  },
});

Deno.test("W4: the encoder picks the smallest version and refuses what does not fit", () => {
  assert.equal(encodeQr("http://192.168.0.10:8080/").version, 2);
  assert.equal(encodeQr("z".repeat(200)).version, QR_MAX_VERSION);
  assert.throws(() => encodeQr("z".repeat(300)), RangeError);
});

Deno.test("W4: the block drawing holds every module (two rows per text row)", () => {
  const qr = encodeQr("http://127.0.0.1:8080/");
  const rows = qrBlocks(qr);
  const n = qr.size + 2 * QUIET_ZONE;
  assert.equal(rows.length, Math.ceil(n / 2));
  for (const [i, row] of rows.entries()) {
    assert.equal([...row].length, n);
    for (const [c, ch] of [...row].entries()) {
      const light = (r: number) => {
        const rr = r - QUIET_ZONE;
        const cc = c - QUIET_ZONE;
        return !(rr >= 0 && cc >= 0 && rr < qr.size && cc < qr.size && qr.modules[rr]![cc]);
      };
      const top = light(2 * i);
      const bottom = 2 * i + 1 < n && light(2 * i + 1);
      assert.equal(ch, top ? (bottom ? "█" : "▀") : bottom ? "▄" : " ");
    }
  }
});

Deno.test("W4: the banner names each students' URL, draws the first, names the lecture URL", () => {
  const addr: Deno.NetAddr = { transport: "tcp", hostname: "0.0.0.0", port: 8080 };
  // 127.0.0.1 is each student's own computer, not this one: not among the students' URLs.
  assert.deepEqual(studentUrls(addr, ["192.168.0.10", "10.0.0.5"]), [
    "http://192.168.0.10:8080/",
    "http://10.0.0.5:8080/",
  ]);
  const lines = webBanner(addr, ["192.168.0.10"]);
  assert.match(lines[0]!, /students: open http:\/\/192\.168\.0\.10:8080\//);
  const students = lines.filter((l) => l.startsWith("students:"));
  assert.equal(students.length, 1, lines.join("\n"));
  assert.ok(!lines.slice(0, -1).some((l) => l.includes("127.0.0.1")), lines.join("\n"));
  const qr = qrBlocks(encodeQr("http://192.168.0.10:8080/")).map((row) => `${QR_INDENT}${row}`);
  assert.deepEqual(lines.filter((l) => l.startsWith(QR_INDENT)), qr, "the LAN URL's QR code");
  assert.match(lines.at(-1)!, /http:\/\/127\.0\.0\.1:8080\/lecture on this computer/);
});

Deno.test("W4: on 0.0.0.0 with no network address, no students' URL nor QR code; 127.0.0.1 is this computer's", () => {
  const addr: Deno.NetAddr = { transport: "tcp", hostname: "0.0.0.0", port: 8080 };
  assert.deepEqual(studentUrls(addr, []), []);
  const lines = webBanner(addr, []);
  assert.ok(!lines.some((l) => l.includes("█")), "no QR code");
  assert.ok(!lines.some((l) => l.startsWith("students: open")), lines.join("\n"));
  const told = lines.find((l) => l.includes("no network address"));
  assert.ok(told, lines.join("\n"));
  assert.match(told, /nenhum endereço de rede/);
  assert.match(told, /this computer alone opens http:\/\/127\.0\.0\.1:8080\//);
});

Deno.test("W4 (field test): on 0.0.0.0 with its addresses unknown, no loopback URL or QR code for the class", () => {
  // `deno run --allow-net server.ts --host 0.0.0.0 --web 8080`: no --allow-sys=networkInterfaces.
  const addr: Deno.NetAddr = { transport: "tcp", hostname: "0.0.0.0", port: 8080 };
  const lines = webBanner(addr, undefined);
  const students = lines.filter((l) => l.startsWith("students:"));
  assert.equal(students.length, 1, lines.join("\n"));
  assert.doesNotMatch(students[0]!, /127\.0\.0\.1/, "a phone's own loopback is not the server");
  assert.match(students[0]!, /http:\/\/ADDRESS:8080\/.*--allow-sys=networkInterfaces/);
  assert.match(students[0]!, /http:\/\/ENDERECO:8080\//);
  assert.ok(!lines.some((l) => l.includes("█")), "no QR code of a loopback URL");
  assert.match(lines.at(-1)!, /http:\/\/127\.0\.0\.1:8080\/lecture/);
});

Deno.test("W1: the committed browser bundles are fresh (run deno task web after editing a page)", async () => {
  const dir = await Deno.makeTempDir();
  try {
    await bundleWeb(dir);
    for (const name of WEB_SCRIPTS) {
      const fresh = await Deno.readTextFile(`${dir}/${name}.js`);
      const committed = await Deno.readTextFile(
        new URL(`../server/web/bundle/${name}.js`, import.meta.url),
      );
      assert.ok(fresh === committed, `server/web/bundle/${name}.js is stale: run deno task web`);
    }
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
