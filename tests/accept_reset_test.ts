/**
 * A client that resets its connection before the server accepts it (field
 * test, L5): `accept()` then fails for that one socket (`NotConnected`), which
 * says nothing about the server's own state. server.ts took it for running
 * out of file descriptors and paused accepting, 100 ms growing to 1 s per
 * failure in a row: thirty connect-and-reset packets kept every student out
 * for 25 s. Real server.ts subprocess, real sockets; the server is stopped
 * (SIGSTOP) while the resets arrive, so that they are all waiting in its
 * backlog when it accepts again.
 */
import assert from "node:assert/strict";
import net from "node:net";
import { LineClient } from "./line_client.ts";
import { Program } from "./program.ts";

/** Opens a TCP connection to `port` and resets it at once (RST, not FIN). */
function connectAndReset(port: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const socket = net.connect(port, "127.0.0.1", () => {
      socket.resetAndDestroy();
      resolve();
    });
    socket.on("error", reject);
  });
}

Deno.test({
  name: "L5 (field test): connections reset before accept() do not stop the server accepting",
  ignore: Deno.build.os === "windows", // SIGSTOP
}, async () => {
  await using server = new Program("server.ts", ["--allow-net"], ["--port", "0"], false, {
    stdoutOnly: true,
  });
  const port = Number((await server.waitFor(/listening on 127\.0\.0\.1:(\d+)/))[1]);
  server.child.kill("SIGSTOP");
  try {
    for (let i = 0; i < 5; i++) await connectAndReset(port);
  } finally {
    server.child.kill("SIGCONT");
  }
  await using ana = await LineClient.connect(port);
  await ana.expect("APELIDO");
  await ana.send("ana");
  await ana.expect("BEMVINDO");
  await ana.send("{quit}");
  await ana.expect("TCHAU");
  server.child.kill("SIGTERM");
  assert.equal((await server.done()).code, 0);
  // A peer's reset is the peer's: no alarm about the open-file limit, no pause.
  assert.doesNotMatch(server.stdout, /accept failed|ulimit/, server.stdout);
});
