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

/** The shards whose messages are held on `shard`: its own, and those of every shard moved onto it. */
export function shardsHeldOn(placement: Placement, shard: number): number[] {
  const movedHere = Object.entries(placement.moved ?? {})
    .filter(([, onto]) => onto === shard)
    .map(([bornOn]) => Number(bornOn));
  return [shard, ...movedHere.filter((bornOn) => bornOn !== shard)];
}

/**
 * Why the account's messages on `from` cannot move to `to`, or null. A shard
 * it was moved off is never given back: its id still points at where its
 * messages went (moved), so new messages born there would be looked for there.
 */
export function moveProblem(placement: Placement, from: number, to: number, bound: readonly number[]): string | null {
  if (!bound.includes(to)) return `shard ${to} is not a bound message database (bound: ${bound.join(", ")})`;
  if (from === to) return `the account's messages are already on shard ${to}`;
  if (!placement.read.includes(from)) return `the account has no messages on shard ${from} (it reads ${placement.read.join(", ")})`;
  if (placement.moving) return `a move from shard ${placement.moving.from} to ${placement.moving.to} is in progress`;
  if (placement.moved?.[to] !== undefined) return `the account was moved off shard ${to}; a shard it left is not given back`;
  return null;
}

/** A move's start: new messages go to `to` instead of `from`, a list reads both, changes to `from`'s messages are written to both. */
export function startedMove(placement: Placement, from: number, to: number): Placement {
  if (placement.moving?.from === from && placement.moving.to === to) return placement;
  const write = [...new Set(placement.write.map((shard) => (shard === from ? to : shard)))];
  const read = placement.read.includes(to) ? placement.read : [...placement.read, to];
  return { ...placement, write, read, moving: { from, to } };
}

/** A move's flip: `from`'s messages (and those moved onto it) are now at `to`, the home with them. Idempotent. */
export function flippedMove(placement: Placement, from: number, to: number): Placement {
  if (placement.moving?.from !== from || placement.moving.to !== to) return placement;
  const moved: Record<string, number> = {};
  for (const [bornOn, onto] of Object.entries(placement.moved ?? {})) moved[bornOn] = onto === from ? to : onto;
  moved[from] = to;
  const { moving: _done, ...rest } = placement;
  return { ...rest, home: placement.home === from ? to : placement.home, read: placement.read.filter((shard) => shard !== from), moved };
}

/** Why `shard` cannot be added to the account's shards, or null. */
export function addProblem(placement: Placement, shard: number, bound: readonly number[]): string | null {
  if (!bound.includes(shard)) return `shard ${shard} is not a bound message database (bound: ${bound.join(", ")})`;
  if (placement.write.includes(shard)) return `the account already writes to shard ${shard}`;
  if (placement.moved?.[shard] !== undefined) return `the account was moved off shard ${shard}; a shard it left is not given back`;
  if (placement.moving) return `a move from shard ${placement.moving.from} to ${placement.moving.to} is in progress`;
  return null;
}

/** The account's new messages spread over one more shard, and its list reads it. */
export function withShard(placement: Placement, shard: number): Placement {
  return {
    ...placement,
    write: placement.write.includes(shard) ? placement.write : [...placement.write, shard],
    read: placement.read.includes(shard) ? placement.read : [...placement.read, shard],
  };
}

/** Every shard the account's messages were created on: where its signing secrets are copied (src/delivery/signing-secrets.ts). */
export function shardsBornOn(placement: Placement): number[] {
  const moved = Object.keys(placement.moved ?? {}).map(Number);
  const moving = placement.moving ? [placement.moving.from, placement.moving.to] : [];
  return [...new Set([...placement.write, ...placement.read, ...moved, ...moving])].sort((a, b) => a - b);
}
