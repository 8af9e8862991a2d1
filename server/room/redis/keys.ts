/**
 * Where the room lives in Redis (N1-N4): every key starts with one prefix
 * (`papo:` by default), so one Redis database holds one room. The Lua
 * scripts (`scripts.ts`) build the same names from the prefix they are given.
 *
 * | key                 | type       | holds                                                     |
 * | ------------------- | ---------- | --------------------------------------------------------- |
 * | `events`            | stream     | the room's one ordered path: public, join, leave, notice, mute |
 * | `inbox:NODE`        | stream     | one node's private messages, their acks, kicks             |
 * | `nicks`             | hash       | nickname in lower case -> member id (N2)                   |
 * | `members`           | hash       | member id -> JSON `{k, n, r, o, i, u}`: key, nick, role, node, IP, `u: 1` while muted (C3) |
 * | `order`             | sorted set | member ids by join number, for `{users}` in join order     |
 * | `seq`               | string     | the join (and ban, kick, mute) counter                     |
 * | `nodes`             | sorted set | node -> lease expiry, ms of Redis's clock (N3)             |
 * | `node:NODE`         | set        | the member ids a node holds, for its reaper                |
 * | `history`           | list       | the last public messages, `AT\nNICK\nTEXT` each (C4)       |
 * | `muted`             | set        | muted nicknames in lower case (C3)                         |
 * | `teachers`          | set        | ids of members who became the teacher (C2; `teachers.ts`)  |
 * | `mutedips`          | hash       | muted address -> `SEQ|nick` it was muted under (C3)        |
 * | `bans`              | hash       | IP -> `SEQ|nick` (C3)                                      |
 * | `kicks`             | hash       | IP -> `UNTIL|SEQ|nick`: kept out until then, Redis's ms (C3) |
 * | `locked`            | string     | present while the room is locked (C3)                      |
 * | `epoch`             | string     | a random value; a new one means Redis lost the room (N5)   |
 * | `clock`             | string     | `MS-SEQ`: the last entry id given to `events` or an inbox (P4) |
 *
 * @module
 */

/** The key names of one room. */
export class Keys {
  /** The prefix of every key. */
  readonly prefix: string;
  /** The room's ordered stream. */
  readonly events: string;
  /** The nickname registry. */
  readonly nicks: string;
  /** Member records. */
  readonly members: string;
  /** Join order. */
  readonly order: string;
  /** Node leases. */
  readonly nodes: string;
  /** Remembered public messages. */
  readonly history: string;
  /** Banned addresses. */
  readonly bans: string;
  /** The lock. */
  readonly locked: string;
  /** The room's epoch. */
  readonly epoch: string;

  /** @param prefix What starts every key. @default {"papo:"} */
  constructor(prefix = "papo:") {
    this.prefix = prefix;
    this.events = `${prefix}events`;
    this.nicks = `${prefix}nicks`;
    this.members = `${prefix}members`;
    this.order = `${prefix}order`;
    this.nodes = `${prefix}nodes`;
    this.history = `${prefix}history`;
    this.bans = `${prefix}bans`;
    this.locked = `${prefix}locked`;
    this.epoch = `${prefix}epoch`;
  }

  /** A node's stream of private messages, acks and kicks. */
  inbox(node: string): string {
    return `${this.prefix}inbox:${node}`;
  }
}
