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
  const out = await new Deno.Command("openssl", {
    args: [
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
      "-addext",
      "basicConstraints=critical,CA:FALSE",
    ],
    stdout: "null",
    stderr: "piped",
  }).output();
  if (!out.success) throw new Error(`openssl failed: ${new TextDecoder().decode(out.stderr)}`);
  return {
    dir,
    cert,
    key,
    certPem: await Deno.readTextFile(cert),
    keyPem: await Deno.readTextFile(key),
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
