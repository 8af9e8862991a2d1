/**
 * The TLS door's flags and files (T1): `--cert`, `--key` and `--tls-port`
 * checked together, and the certificate and key read from their files, with
 * Deno's read permission for exactly those two, and checked before the
 * server listens. Each failure is one sentence naming the file (exit 2).
 *
 * @module
 */

import { createPrivateKey, X509Certificate } from "node:crypto";
import { createSecureContext, type SecureContext } from "node:tls";
import { parsePort } from "../../common/address.ts";
import { UsageError } from "../../common/cli.ts";
import { DEFAULT_TLS_PORT } from "../../protocol.ts";

/** A certificate or key that cannot be used, said in one sentence. */
export class CertificateError extends Error {
  /** @param message The sentence, naming the file. */
  constructor(message: string) {
    super(message);
    this.name = "CertificateError";
  }
}

/** The Deno flag that lets the server read `cert` and `key`, and nothing else. */
export function certReadFlag(cert: string, key: string): string {
  return `--allow-read=${cert === key ? cert : `${cert},${key}`}`;
}

/** Reads one PEM file, saying in a sentence why it cannot be. */
function readPem(flag: string, path: string, allow: string, marker: RegExp, what: string): string {
  if (Deno.permissions.querySync({ name: "read", path }).state !== "granted") {
    throw new CertificateError(
      `Cannot read ${flag} "${path}" without ${allow}: add that Deno flag (only those files are read)`,
    );
  }
  let text: string;
  try {
    text = Deno.readTextFileSync(path);
  } catch (e) {
    const why = e instanceof Deno.errors.NotFound
      ? "no such file"
      : e instanceof Deno.errors.IsADirectory
      ? "it is a folder"
      : e instanceof Deno.errors.PermissionDenied
      ? "the system refuses to read it"
      : e instanceof TypeError
      ? "it is not text"
      : (e as Error).message;
    throw new CertificateError(`Cannot read ${flag} "${path}": ${why}`);
  }
  if (!marker.test(text)) {
    throw new CertificateError(
      `Cannot use ${flag} "${path}": it holds no PEM ${what} (-----BEGIN ${what.toUpperCase()}-----)`,
    );
  }
  return text;
}

/** A certificate and its key, read and checked. */
export interface Certificate {
  /** What the TLS door's handshakes use. */
  readonly context: SecureContext;
  /** The certificate chain, PEM (for the web door's HTTPS listener). */
  readonly certPem: string;
  /** The private key, PEM. */
  readonly keyPem: string;
}

/**
 * Reads and checks the certificate and key for the TLS door.
 *
 * @param cert The certificate chain's PEM file (`--cert`).
 * @param key The private key's PEM file (`--key`).
 * @returns The certificate, ready for the door's handshakes.
 * @throws {CertificateError} When a file may not be read, is missing, holds
 *   no PEM, or the two do not make a usable pair.
 */
export function readCertificate(cert: string, key: string): Certificate {
  const allow = certReadFlag(cert, key);
  const certPem = readPem("--cert", cert, allow, /-----BEGIN CERTIFICATE-----/, "certificate");
  const keyPem = readPem("--key", key, allow, /-----BEGIN [A-Z ]*PRIVATE KEY-----/, "private key");
  if (/-----BEGIN ENCRYPTED PRIVATE KEY-----|Proc-Type: 4,ENCRYPTED/.test(keyPem)) {
    throw new CertificateError(
      `Cannot use --key "${key}": it is encrypted with a passphrase; give it unencrypted ` +
        `(openssl pkey -in ${key} -out key-plain.pem)`,
    );
  }
  checkPair(cert, key, certPem, keyPem, new Date());
  try {
    // Deno's TLS parses both here (node:tls would only at the first handshake).
    Deno.listenTls({ hostname: "127.0.0.1", port: 0, cert: certPem, key: keyPem }).close();
  } catch (e) {
    // Whatever Deno's TLS finds wrong in the pair (InvalidData, or a plain Error), one sentence.
    throw new CertificateError(
      `Cannot use --cert "${cert}" with --key "${key}": ${(e as Error).message}`,
    );
  }
  return { context: createSecureContext({ cert: certPem, key: keyPem }), certPem, keyPem };
}

/** A date as the teacher reads it: `2020-02-01`. */
function day(d: Date): string {
  return d.toISOString().slice(0, 10);
}

/**
 * What no TLS client would accept, said at start-up rather than at each
 * handshake (field test: a server with such a pair started, and every
 * client failed): the key of another certificate, a certificate out of its
 * dates, a CA's certificate (Deno's TLS refuses it as a server's own). What
 * node:crypto cannot parse is left to the check by Deno's TLS that follows.
 *
 * @throws {CertificateError} Naming the file and what to do.
 */
function checkPair(cert: string, key: string, certPem: string, keyPem: string, now: Date): void {
  let x509: X509Certificate;
  let matches: boolean;
  try {
    x509 = new X509Certificate(certPem);
    matches = x509.checkPrivateKey(createPrivateKey(keyPem));
  } catch {
    return;
  }
  if (!matches) {
    throw new CertificateError(
      `Cannot use --cert "${cert}" with --key "${key}": the key is not the certificate's own; ` +
        "give the key made with it",
    );
  }
  if (now > x509.validToDate) {
    throw new CertificateError(
      `Cannot use --cert "${cert}": it expired on ${day(x509.validToDate)}; ` +
        "make a new one (docs/tls.md)",
    );
  }
  if (now < x509.validFromDate) {
    throw new CertificateError(
      `Cannot use --cert "${cert}": it is valid only from ${day(x509.validFromDate)}; ` +
        "is this computer's clock right?",
    );
  }
  if (x509.ca) {
    throw new CertificateError(
      `Cannot use --cert "${cert}": it is a CA's certificate (CA:TRUE), which TLS clients ` +
        "refuse as a server's own; make it with -addext basicConstraints=critical,CA:FALSE " +
        "(docs/tls.md)",
    );
  }
}

/** T1: where the TLS door listens and what it proves itself with. */
export interface TlsOptions {
  /** The TLS port; 0 asks the system for a free one. */
  port: number;
  /** The certificate's PEM file. */
  cert: string;
  /** The private key's PEM file. */
  key: string;
}

/**
 * Reads `--cert`, `--key` and `--tls-port` (`server/flags.ts`): the two
 * files go together, and the port needs them.
 *
 * @param cert `--cert`, if given.
 * @param key `--key`, if given.
 * @param tlsPort `--tls-port`, if given.
 * @returns The TLS door's options, or nothing without `--cert`.
 * @throws {UsageError} When one file is given without the other, or the port is bad.
 */
export function tlsFlags(
  cert: string | undefined,
  key: string | undefined,
  tlsPort: string | undefined,
): { tls?: TlsOptions } {
  if (cert === undefined && key === undefined) {
    if (tlsPort !== undefined) {
      throw new UsageError("Cannot use --tls-port without --cert and --key");
    }
    return {};
  }
  if (cert === undefined || key === undefined) {
    const which = cert === undefined ? "--key without --cert" : "--cert without --key";
    throw new UsageError(`Cannot use ${which}: TLS needs both`);
  }
  const port = tlsPort === undefined ? DEFAULT_TLS_PORT : parsePort(tlsPort);
  if (port === undefined) {
    throw new UsageError(`Cannot use --tls-port "${tlsPort}": give a whole number from 0 to 65535`);
  }
  return { tls: { port, cert, key } };
}
