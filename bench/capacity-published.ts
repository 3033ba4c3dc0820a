// Cloudflare's published limits and list prices that npm run capacity plans
// with (Workers Paid plan, usage beyond the included amounts), each with the
// page it comes from. Change them here when Cloudflare changes them.
export const PUBLISHED = {
  d1: {
    source: "developers.cloudflare.com/d1/platform/limits",
    /** "Each D1 database is single-threaded and processes queries one at a time: queries of 1 ms average allow about 1,000 queries/s." */
    callMs: 1,
    databaseBytes: 10e9,
    /** The lower of the figures the limits page has given (50,000; later 1,000,000). */
    databasesPerAccount: 50_000,
    accountBytes: 1e12,
  },
  /** Per queue; a consumer's invocations scale out to at most `consumerConcurrency` at once. */
  queues: { source: "developers.cloudflare.com/queues/platform/limits", messagesPerSecond: 5_000, consumerConcurrency: 250 },
  durableObjects: { source: "developers.cloudflare.com/durable-objects/platform/limits", requestsPerSecond: 1_000 },
  /** R2 Standard storage (developers.cloudflare.com/r2/pricing): per GB-month, and per million Class A (writes) and Class B (reads) operations. */
  r2: { source: "developers.cloudflare.com/r2/pricing", gbMonth: 0.015, classA: 4.5, classB: 0.36 },
  /** US dollars per million units (per GB-month for storage). */
  prices: {
    source: "developers.cloudflare.com/{workers,d1,durable-objects,queues}/platform/pricing",
    workersRequest: 0.3,
    workersCpuMs: 0.02,
    d1RowWritten: 1.0,
    d1RowRead: 0.001,
    d1GbMonth: 0.75,
    durableObjectRequest: 0.15,
    durableObjectRowWritten: 1.0,
    /** Per 64 KB written, read or deleted: a job costs three. */
    queueOperation: 0.4,
  },
} as const;
