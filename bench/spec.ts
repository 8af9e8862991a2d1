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
}
