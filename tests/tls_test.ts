/**
 * TLS end to end (T1-T3): `server.ts` with `--tls-port --cert --key` as a
 * subprocess, a plain user on its plain port and `client.ts --tls --ca`
 * piped on its TLS port chatting both ways; a client that does not trust
 * the certificate gets ERRO 04 saying to pass `--ca`; the kit grades the
 * server over TLS; a missing or unreadable certificate is one sentence and
 * exit 2. The certificate is made by openssl (skipped without it).
 */
import assert from "node:assert/strict";
import { join } from "./line_client.ts";
import { RawWebSocket } from "./web_helpers.ts";
import { createSecureContext } from "node:tls";
import { startServer } from "./helpers.ts";
import { listenTlsFor, makeBadCerts, makeCert, NO_OPENSSL, type TestCert } from "./tls_helpers.ts";
import { Program } from "./program.ts";

const ignore = NO_OPENSSL !== undefined;
const ROOT = new URL("../", import.meta.url).pathname;
const decoder = new TextDecoder();

/** Runs a program to its end. */
async function run(
  file: string,
  perms: string[],
  args: string[],
): Promise<{ code: number; out: string }> {
  const o = await new Deno.Command(Deno.execPath(), {
    args: ["run", ...perms, `${ROOT}${file}`, ...args],
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
  }).output();
  return { code: o.code, out: decoder.decode(o.stdout) + decoder.decode(o.stderr) };
}

/** The server with both listeners; resolves with its plain and TLS ports. */
async function tlsServer(
  cert: TestCert,
): Promise<{ server: Program; port: number; tlsPort: number }> {
  const server = new Program(
    "server.ts",
    ["--allow-net", `--allow-read=${cert.cert},${cert.key}`],
    [
      "--host",
      "127.0.0.1",
      "--port",
      "0",
      "--tls-port",
      "0",
      "--cert",
      cert.cert,
      "--key",
      cert.key,
    ],
  );
  const plain = await server.waitFor(/listening on 127\.0\.0\.1:(\d+)/);
  const tls = await server.waitFor(/TLS on 127\.0\.0\.1:(\d+)/);
  return { server, port: Number(plain[1]), tlsPort: Number(tls[1]) };
}

Deno.test({
  name: "TLS: client.ts --tls --ca piped and a plain user chat both ways through server.ts",
  ignore,
  async fn() {
    const cert = await makeCert();
    const { server, port, tlsPort } = await tlsServer(cert);
    await using _server = server;
    await using bob = await join(port, "bob");
    await using bia = new Program(
      "client.ts",
      ["--allow-net", `--allow-read=${cert.cert}`],
      [
        "--host",
        "127.0.0.1",
        "--port",
        String(tlsPort),
        "--tls",
        "--ca",
        cert.cert,
        "--lang",
        "en",
      ],
      true,
    );
    await bia.type("bia");
    assert.equal(await bob.expect("ENTROU"), "ENTROU bia entrou no chat");
    await bob.send(":oi, bia");
    await bia.waitFor(/oi, bia/);
    await bia.type(":oi, bob");
    assert.equal(await bob.expect("PUBLICA"), "PUBLICA bia: oi, bob");
    await bia.endInput();
    assert.equal((await bia.done()).code, 0, bia.stderr);
    assert.equal(await bob.expect("SAIU"), "SAIU bia saiu do chat");
    await Deno.remove(cert.dir, { recursive: true });
  },
});

Deno.test({
  name: "TLS: the command the banner prints for the TLS port joins it as printed (T1, T2)",
  ignore,
  async fn() {
    const cert = await makeCert();
    const { server } = await tlsServer(cert);
    await using _server = server;
    const banner = await server.waitFor(/TLS on [^:]+:\d+: (.*?) \/ TLS em/);
    const [deno, ...args] = banner[1]!.split(" ");
    assert.equal(deno, "deno", banner[0]);
    const o = new Deno.Command(Deno.execPath(), {
      args,
      cwd: ROOT,
      stdin: "piped",
      stdout: "piped",
      stderr: "piped",
    }).spawn();
    const w = o.stdin.getWriter();
    await w.write(new TextEncoder().encode("bia\n{quit}\n"));
    await w.close();
    const out = await o.output();
    const text = decoder.decode(out.stdout) + decoder.decode(out.stderr);
    assert.equal(out.code, 0, `${banner[1]}\n${text}`);
    assert.match(text, /bia/);
    await Deno.remove(cert.dir, { recursive: true });
  },
});

Deno.test({
  name: "TLS: a client that does not trust the certificate gets ERRO 04 saying to pass --ca",
  ignore,
  async fn() {
    const cert = await makeCert();
    const { server, tlsPort, port } = await tlsServer(cert);
    await using _server = server;
    const args = [
      "--host",
      "127.0.0.1",
      "--port",
      String(tlsPort),
      "--nick",
      "bia",
      "--lang",
      "en",
    ];
    const untrusted = await run("client.ts", ["--allow-net"], [...args, "--tls"]);
    assert.equal(untrusted.code, 1, untrusted.out);
    assert.match(untrusted.out, /ERRO 04:.*certificate is not trusted.*pass --ca/);
    // --tls to the plain port: the handshake fails, in one sentence.
    const plain = await run("client.ts", ["--allow-net"], [
      "--host",
      "127.0.0.1",
      "--port",
      String(port),
      "--tls",
      "--lang",
      "en",
    ]);
    assert.equal(plain.code, 1, plain.out);
    assert.match(plain.out, /ERRO 04:.*TLS: no handshake/);
    // --ca without the permission to read it: a sentence naming the Deno flag.
    const noRead = await run("client.ts", ["--allow-net"], [...args, "--ca", cert.cert]);
    assert.equal(noRead.code, 2, noRead.out);
    assert.ok(noRead.out.includes(`--allow-read=${cert.cert}`), noRead.out);
    await using _bob = await join(port, "bob"); // the server carried on
    await Deno.remove(cert.dir, { recursive: true });
  },
});

Deno.test({
  name: "TLS: the kit grades server.ts over TLS (--ca) as over plain TCP",
  ignore,
  async fn() {
    const cert = await makeCert();
    const { server, tlsPort } = await tlsServer(cert);
    await using _server = server;
    const kit = await run(
      "conformance/main.ts",
      ["--allow-net", `--allow-read=${cert.cert}`, "--allow-env"],
      ["--lang", "en", "--ca", cert.cert, `127.0.0.1:${tlsPort}`],
    );
    assert.equal(kit.code, 0, kit.out);
    assert.match(kit.out, /\d+ passed, 0 failed/);
    await Deno.remove(cert.dir, { recursive: true });
  },
});

Deno.test({
  name: "TLS: a missing, unreadable or bad certificate is one sentence naming the file, exit 2",
  ignore,
  async fn() {
    const cert = await makeCert();
    const missing = `${cert.dir}/missing.pem`;
    const cases: [string[], string[], RegExp][] = [
      [
        [`--allow-read=${missing},${cert.key}`],
        ["--cert", missing, "--key", cert.key],
        /Cannot read --cert ".*missing\.pem": no such file/,
      ],
      [[], ["--cert", cert.cert, "--key", cert.key], /without --allow-read=.*cert\.pem,.*key\.pem/],
      [
        [`--allow-read=${cert.key}`],
        ["--cert", cert.key, "--key", cert.key],
        /--cert ".*key\.pem": it holds no PEM certificate/,
      ],
      [
        [`--allow-read=${cert.cert}`],
        ["--cert", cert.cert, "--key", cert.cert],
        /--key ".*cert\.pem": it holds no PEM private key/,
      ],
      [[], ["--cert", cert.cert], /--cert without --key/],
      [[], ["--tls-port", "7778"], /--tls-port without --cert/],
    ];
    for (const [perms, args, pattern] of cases) {
      const r = await run("server.ts", ["--allow-net", ...perms], ["--port", "0", ...args]);
      assert.equal(r.code, 2, r.out);
      assert.match(r.out, pattern);
      assert.ok(!/^\s+at /m.test(r.out), r.out);
    }
    await Deno.remove(cert.dir, { recursive: true });
  },
});

Deno.test({
  name: "TLS: with --cert, --web serves the page over HTTPS and the chat over WSS",
  ignore,
  async fn() {
    const cert = await makeCert();
    const server = new Program(
      "server.ts",
      ["--allow-net", `--allow-read=${cert.cert},${cert.key}`],
      [
        "--host",
        "127.0.0.1",
        "--port",
        "0",
        "--tls-port",
        "0",
        "--web",
        "0",
        "--cert",
        cert.cert,
        "--key",
        cert.key,
      ],
    );
    await using _server = server;
    const port = Number((await server.waitFor(/listening on 127\.0\.0\.1:(\d+)/))[1]);
    const webPort = Number(
      (await server.waitFor(/lecture view is https:\/\/127\.0\.0\.1:(\d+)\/lecture/))[1],
    );
    using client = Deno.createHttpClient({ caCerts: [cert.certPem] });
    const page = await fetch(`https://127.0.0.1:${webPort}/`, { client });
    assert.equal(page.status, 200);
    assert.match(await page.text(), /<html/i);
    await using bob = await join(port, "bob");
    await using ana = await RawWebSocket.connect(
      webPort,
      `https://127.0.0.1:${webPort}`,
      "/ws",
      [cert.certPem],
    );
    assert.equal(ana.status, 101);
    await ana.expect("APELIDO");
    await ana.send("ana");
    await ana.expect("AJUDA");
    assert.equal(await bob.expect("ENTROU"), "ENTROU ana entrou no chat");
    await bob.send(":oi, ana");
    assert.equal(await ana.expect("PUBLICA"), "PUBLICA bob: oi, ana");
    await ana.send(":oi, bob");
    assert.equal(await bob.expect("PUBLICA"), "PUBLICA ana: oi, bob");
    await Deno.remove(cert.dir, { recursive: true });
  },
});

Deno.test({
  name:
    "TLS: a key of another certificate, an encrypted key, an expired or a CA's certificate is one sentence at start-up, exit 2 (T1)",
  ignore,
  async fn() {
    // Field test: a mismatched pair crashed the start-up with a stack trace (exit 1); an expired
    // certificate or a CA's started a TLS port that no client could use, saying nothing.
    const cert = await makeCert();
    const bad = await makeBadCerts(cert);
    const cases: [string, string, RegExp][] = [
      [
        cert.cert,
        bad.otherKey,
        /^Cannot use --cert ".*cert\.pem" with --key ".*other-key\.pem": the key is not the certificate's own/,
      ],
      [
        cert.cert,
        bad.encryptedKey,
        /^Cannot use --key ".*encrypted-key\.pem": it is encrypted with a passphrase; /,
      ],
      [bad.expired, cert.key, /^Cannot use --cert ".*expired\.pem": it expired on 2020-02-01; /],
      [
        bad.caCert,
        bad.caKey,
        /^Cannot use --cert ".*ca-cert\.pem": it is a CA's certificate \(CA:TRUE\), /,
      ],
    ];
    for (const [c, k, pattern] of cases) {
      const r = await run(
        "server.ts",
        ["--allow-net", `--allow-read=${cert.dir}`],
        ["--port", "0", "--cert", c, "--key", k],
      );
      assert.equal(r.code, 2, r.out);
      assert.match(r.out, pattern);
      assert.equal(r.out.trim().split("\n").length, 1, r.out);
    }
    await Deno.remove(cert.dir, { recursive: true });
  },
});

Deno.test({
  name:
    "TLS: a certificate that expired while the server ran: the client and the kit say so, not to pass --ca (T2, T3)",
  ignore,
  async fn() {
    // Field test: with the right --ca, an expired certificate was "not trusted (...), nor
    // signed by --ca; pass --ca with the PEM certificate that signed it", and the kit added
    // "Is the server running, at that address and port?": both sent the student the wrong way.
    const cert = await makeCert();
    const bad = await makeBadCerts(cert);
    const context = createSecureContext({
      cert: await Deno.readTextFile(bad.expired),
      key: cert.keyPem,
    });
    await using srv = startServer();
    await using tls = listenTlsFor(srv.server, { context, log: () => {} });
    const perms = ["--allow-net", `--allow-read=${bad.expired}`];
    const target = ["--lang", "en", "--ca", bad.expired];
    const client = await run("client.ts", perms, [
      ...target,
      "--host",
      "127.0.0.1",
      "--port",
      String(tls.port),
      "--nick",
      "bia",
    ]);
    assert.equal(client.code, 1, client.out);
    assert.match(
      client.out,
      /ERRO 04:.*\(TLS: the server's certificate expired on 2020-02-01; the server needs a new one \(or this computer's clock is wrong\)\)/,
    );
    assert.doesNotMatch(client.out, /pass --ca/);
    const kit = await run("conformance/main.ts", [...perms, "--allow-env"], [
      ...target,
      `127.0.0.1:${tls.port}`,
    ]);
    assert.equal(kit.code, 2, kit.out);
    assert.match(kit.out, /TLS: the server's certificate expired on 2020-02-01; /);
    assert.doesNotMatch(kit.out, /pass --ca|Is the server running/);
    await Deno.remove(cert.dir, { recursive: true });
  },
});

Deno.test({
  name: "TLS: on 0.0.0.0 the banner's TLS command names each address the class joins (--host) (T1)",
  ignore,
  async fn() {
    // Field test: the plain port's hint said `--host 192.0.2.2`, the TLS command no --host, so a
    // student's client asked for the address, offering 127.0.0.1 (the student's own computer).
    const cert = await makeCert();
    await using server = new Program(
      "server.ts",
      ["--allow-net", "--allow-sys=networkInterfaces", `--allow-read=${cert.cert},${cert.key}`],
      [
        "--host",
        "0.0.0.0",
        "--port",
        "0",
        "--tls-port",
        "0",
        "--cert",
        cert.cert,
        "--key",
        cert.key,
      ],
    );
    await server.waitFor(/teacher's token/);
    const output = server.stdout + server.stderr;
    const plain = [...output.matchAll(/os alunos entram com: nc (\S+) \d+/g)].map((m) => m[1]);
    const tls = [...output.matchAll(/TLS on 0\.0\.0\.0:\d+: (.*?) \/ TLS em/g)].map((m) => m[1]!);
    if (plain.length === 0) {
      assert.deepEqual(tls.length, 1, output); // no address found: the client asks for it
    } else {
      assert.deepEqual(tls.map((c) => / --host (\S+) /.exec(c)?.[1]), plain, output);
    }
    await Deno.remove(cert.dir, { recursive: true });
  },
});
