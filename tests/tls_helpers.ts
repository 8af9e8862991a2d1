/**
 * What the TLS tests share: a self-signed certificate for 127.0.0.1 and
 * localhost made by openssl in a temporary folder (`.ci/run` installs
 * openssl; without it the tests are skipped with a sentence), and the TLS
 * door listening for an in-process chat server.
 */
import type { SecureContext } from "node:tls";
import { createSecureContext } from "node:tls";
import type { ChatServer } from "../server/chat_server.ts";
import { enterTls, type TlsDoor } from "../server/doors/tls.ts";

/** A certificate and its key, as files and as text. */
export interface TestCert {
  /** The folder holding both files (removed by the caller). */
  dir: string;
  /** The certificate's path. */
  cert: string;
  /** The key's path. */
  key: string;
  /** The certificate's PEM text. */
  certPem: string;
  /** The key's PEM text. */
  keyPem: string;
}

/** Why TLS tests are skipped here, or `undefined` when openssl runs. */
export const NO_OPENSSL: string | undefined = await (async () => {
  try {
    const out = await new Deno.Command("openssl", {
      args: ["version"],
      stdout: "null",
      stderr: "null",
    })
      .output();
    return out.success ? undefined : "openssl version failed";
  } catch {
    return "openssl is not installed (.ci/run installs it): the TLS tests are skipped";
  }
})();
if (NO_OPENSSL !== undefined) console.warn(NO_OPENSSL);

/**
 * Makes a self-signed certificate for `localhost` and `127.0.0.1` with openssl, the
 * one-liner the docs give a teacher.
 *
 * @returns The files and their text.
 */
export async function makeCert(): Promise<TestCert> {
  const dir = await Deno.makeTempDir({ prefix: "papo_tls_" });
  const cert = `${dir}/cert.pem`;
  const key = `${dir}/key.pem`;
  await openssl(dir, [...selfSigned(key, cert), "-addext", "basicConstraints=critical,CA:FALSE"]);
  return {
    dir,
    cert,
    key,
    certPem: await Deno.readTextFile(cert),
    keyPem: await Deno.readTextFile(key),
  };
}

/** openssl's arguments for a self-signed certificate for `localhost` and `127.0.0.1`, a day long. */
function selfSigned(key: string, cert: string): string[] {
  return [
    "req",
    "-x509",
    "-newkey",
    "rsa:2048",
    "-nodes",
    "-days",
    "1",
    "-keyout",
    key,
    "-out",
    cert,
    "-subj",
    "/CN=localhost",
    "-addext",
    "subjectAltName=DNS:localhost,IP:127.0.0.1",
  ];
}

/** Runs openssl with `args` in `dir`; throws with its message when it fails. */
async function openssl(dir: string, args: string[]): Promise<void> {
  const out = await new Deno.Command("openssl", { args, cwd: dir, stdout: "null", stderr: "piped" })
    .output();
  if (!out.success) throw new Error(`openssl failed: ${new TextDecoder().decode(out.stderr)}`);
}

/**
 * Files a teacher may give by mistake, beside a good certificate (field test of T1): the key of
 * another certificate, the good key encrypted with a passphrase, the good key's certificate
 * expired (January 2020, signed by `openssl ca`), and a certificate made without
 * `basicConstraints=critical,CA:FALSE` (a CA's, which Deno's TLS refuses as a server's own).
 *
 * @param good The certificate the others go with.
 * @returns Their paths, in `good`'s folder.
 */
export async function makeBadCerts(
  good: TestCert,
): Promise<
  { otherKey: string; encryptedKey: string; expired: string; caCert: string; caKey: string }
> {
  const dir = good.dir;
  await openssl(dir, ["genpkey", "-algorithm", "ed25519", "-out", "other-key.pem"]);
  await openssl(dir, [
    "pkey",
    "-in",
    good.key,
    "-aes256",
    "-passout",
    "pass:papo",
    "-out",
    "encrypted-key.pem",
  ]);
  await Deno.mkdir(`${dir}/ca`);
  await Deno.writeTextFile(`${dir}/ca/index.txt`, "");
  await Deno.writeTextFile(`${dir}/ca/serial`, "01\n");
  await Deno.writeTextFile(
    `${dir}/ca.cnf`,
    [
      "[ca]",
      "default_ca = c",
      "[c]",
      "dir = ./ca",
      "database = ./ca/index.txt",
      "serial = ./ca/serial",
      "new_certs_dir = ./ca",
      "default_md = sha256",
      "policy = p",
      "x509_extensions = ext",
      "[p]",
      "commonName = supplied",
      "[ext]",
      "subjectAltName = DNS:localhost,IP:127.0.0.1",
      "basicConstraints = critical,CA:FALSE",
      "",
    ].join("\n"),
  );
  await openssl(dir, ["req", "-new", "-key", good.key, "-subj", "/CN=localhost", "-out", "e.csr"]);
  await openssl(dir, [
    "ca",
    "-batch",
    "-config",
    "ca.cnf",
    "-selfsign",
    "-keyfile",
    good.key,
    "-in",
    "e.csr",
    "-startdate",
    "20200101000000Z",
    "-enddate",
    "20200201000000Z",
    "-out",
    "expired.pem",
  ]);
  await openssl(dir, selfSigned("ca-key.pem", "ca-cert.pem"));
  return {
    otherKey: `${dir}/other-key.pem`,
    encryptedKey: `${dir}/encrypted-key.pem`,
    expired: `${dir}/expired.pem`,
    caCert: `${dir}/ca-cert.pem`,
    caKey: `${dir}/ca-key.pem`,
  };
}

/** The secure context of a test certificate. */
export function contextOf(c: TestCert): SecureContext {
  return createSecureContext({ cert: c.certPem, key: c.keyPem });
}

/**
 * Listens on 127.0.0.1 with a free port and hands every socket accepted to
 * the TLS door, as `server.ts` does on `--tls-port`.
 *
 * @param server The chat server.
 * @param door The door's settings.
 * @returns The port, and how to stop listening (before the server's shutdown).
 */
export function listenTlsFor(
  server: ChatServer,
  door: TlsDoor,
): { port: number; stop(): Promise<void> } & AsyncDisposable {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const accepting = (async () => {
    for await (const conn of listener) enterTls(server, conn, door);
  })().catch(() => {});
  const stop = async () => {
    try {
      listener.close();
    } catch {
      // closed already
    }
    await accepting;
  };
  return { port: listener.addr.port, stop, [Symbol.asyncDispose]: stop };
}
