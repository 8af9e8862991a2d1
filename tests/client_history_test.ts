/**
 * The client in a real terminal (tmux) shows the room's recent lines (HISTORICO)
 * with the time they were said, once, where other lines show the time now.
 */
import { join, startServer, WAIT_MS } from "./helpers.ts";
import { clientCommand, haveTmux, Tmux } from "./tmux.ts";

Deno.test({
  name: "client: a history line shows the time it was said once, not two times (tmux)",
  ignore: !(await haveTmux()),
  async fn() {
    await using srv = startServer();
    await using bob = await join(srv.port, "bob");
    await using ana = await join(srv.port, "ana");
    await bob.send(":oi de antes");
    await ana.expect("PUBLICA");
    await using tmux = new Tmux();
    await tmux.start(100, 30);
    await tmux.type(`${clientCommand(srv.port, "--nick kim --lang en")}; echo EXITED=$?`, true);
    await tmux.waitLine((l) => l === "kim>", "the chat prompt", 3 * WAIT_MS);
    await tmux.waitLine(
      (l) => /^\d\d:\d\d bob: oi de antes$/.test(l),
      "the history line, one time",
    );
    await tmux.keys("C-c");
    await tmux.waitLine((l) => l === "EXITED=0", "the exit code");
  },
});
