/**
 * What a scenario (`connect.ts`, `private.ts`, `broadcast.ts`) is given for
 * one run against one server: the server, the protocol it speaks, the
 * generator processes, a nickname prefix, and where to write its notes.
 *
 * @module
 */

import type { Generator, ServerProcess } from "./processes.ts";
import type { Protocol } from "./wire.ts";

/** The IRC channel of the connect and broadcast scenarios on ngIRCd. */
export const CHANNEL = "#bench";

/** A server to run against: started by the bench, or given. */
export interface Server {
  host: string;
  port: number;
  proc: ServerProcess | undefined;
  /** papo's server started with `--web`: its web door's port. */
  webPort?: number | undefined;
}

/** One scenario run against one server, as a scenario sees it. */
export interface Spec {
  /** A nickname prefix no other run uses. */
  tag: string;
  clients: number;
  /** Users online (papo) or in the channel (IRC) before the run. */
  baseOnline: number;
  server: Server;
  protocol: Protocol;
  gens: Generator[];
  label: string;
  notes: string[];
  /** Private, broadcast: the load shape. */
  shape: "reply" | "delivery";
  /**
   * Private, broadcast: clients that come through the web door
   * (`--scenario web`): broadcast, the last `web` clients; private, every
   * receiver and `web - pairs` more users online.
   */
  web: number;
  /** The web door's port when `web` > 0. */
  webPort?: number | undefined;
  /** Called once every client joined, before the messages (reads the server's memory). */
  onJoined?: () => Promise<void>;
}
