/**
 * What the server tests expect, shared by `server_test.ts` and
 * `server_input_test.ts`: the error lines word for word, and assertions that
 * nothing else came.
 */
import assert from "node:assert/strict";
import { MAX_LINE_BYTES } from "../protocol.ts";
import type { LineClient } from "./line_client.ts";

/** What the server sends, word for word (PROTOCOL.md). */
export const ERR_UNKNOWN =
  "ERRO 07 Comando invalido: use :texto, apelido:texto, {users}, {help} ou {quit}";
/** What the server sends, word for word (PROTOCOL.md). */
export const ERR_EMPTY = "ERRO 07 Comando invalido: mensagem vazia";
/** What the server sends, word for word (PROTOCOL.md). */
export const ERR_TOO_LONG =
  `ERRO 08 Linha longa demais: maximo de ${MAX_LINE_BYTES} bytes; linha descartada`;
/** What the server sends, word for word (PROTOCOL.md). */
export const ERR_NOT_ASCII =
  "ERRO 09 Texto nao ASCII: nao e UTF-8 (terminal em Latin-1 ou CP850?): configure o terminal em UTF-8 ou digite sem acentos; linha descartada";
/** What the server sends, word for word (PROTOCOL.md). */
export const ERR_NICK_RULES = "ERRO 06 Apelido invalido: use de 1 a 16 letras, digitos, _ ou -";
/** What the server sends, word for word (PROTOCOL.md). */
export const ERR_NICK_RESERVED =
  "ERRO 06 Apelido invalido: nome reservado; digite {quit} para sair";
/** What the server sends, word for word (PROTOCOL.md). */
export const ERR_SHUTDOWN = "ERRO 03 Cancelamento de conexao forcado: servidor encerrado";

/**
 * Asserts that `c` has received nothing more than `lines` since its last read:
 * it asks for `{users}`, whose answer comes after anything already queued.
 */
export async function assertNothingElse(c: LineClient, ...lines: string[]): Promise<void> {
  await c.send("{users}");
  const got: string[] = [];
  while (true) {
    const line = await c.line();
    if (line.startsWith("USUARIOS ")) break;
    got.push(line);
  }
  assert.deepEqual(got, lines);
}

/**
 * Asserts that `to` gets `from`'s next public line `text` as its very next
 * line: nothing came before it.
 */
export async function assertNextPublic(
  from: LineClient,
  fromNick: string,
  to: LineClient,
  text: string,
): Promise<void> {
  await from.send(`:${text}`);
  assert.equal(await to.line(), `PUBLICA ${fromNick}: ${text}`);
}
