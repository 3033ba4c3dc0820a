// Where an account's messages live: which message databases (shards) take its
// new messages, which hold its messages (a list merges over these), and where
// the messages of a shard it was moved off went. A message id carries the
// shard it was created on (ids.ts), so a retrieve goes straight to its
// database with the placement the request already holds: no lookup.

export interface Placement {
  /** Its idempotency keys, and the messages of idempotent creates, live here (one atomic claim per key). */
  home: number;
  /** New messages are spread over these (the home among them). */
  write: number[];
  /** Every shard that holds its messages: a list reads each. */
  read: number[];
  /** Shards it was moved off, and where their messages are now. */
  moved?: Record<string, number>;
  /** A move in progress (`npm run shards -- move`): messages of `from` are still read there and written to both. */
  moving?: { from: number; to: number };
}

/** Accounts from before sharding, and the platform's own messages: shard 0 alone. */
const SINGLE_SHARD: Placement = { home: 0, write: [0], read: [0] };

export function placementOf(account: { placement: Placement | null }): Placement {
  return account.placement ?? SINGLE_SHARD;
}

/** A new account's placement: its home alone. */
export function homedOn(shard: number): Placement {
  return { home: shard, write: [shard], read: [shard] };
}

/**
 * The shard a new message goes to: an idempotent create's to the home, with
 * its key; any other to one of the write shards, at random, so an account
 * given more shards spreads its writes evenly.
 */
export function shardForNewMessage(placement: Placement, idempotent: boolean, random: () => number = Math.random): number {
  if (idempotent) return placement.home;
  return placement.write[Math.floor(random() * placement.write.length)] ?? placement.home;
}

/** The shard that holds a message created on `bornOn` (its id's shard). */
export function shardHolding(placement: Placement, bornOn: number): number {
  return placement.moved?.[bornOn] ?? bornOn;
}

/** Where a change to a message created on `bornOn` is written: where it is, and during a move also where it is going. */
export function shardsWriting(placement: Placement, bornOn: number): number[] {
  const holding = shardHolding(placement, bornOn);
  const { moving } = placement;
  return moving && moving.from === holding ? [holding, moving.to] : [holding];
}

/** The shards a list reads, a moving account's source before its target (the source's copy of a row wins). */
export function shardsToRead(placement: Placement): number[] {
  const from = placement.moving?.from;
  return from === undefined ? placement.read : [from, ...placement.read.filter((shard) => shard !== from)];
}
