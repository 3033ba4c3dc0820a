import { drizzle } from "drizzle-orm/d1";

export type Database = ReturnType<typeof drizzle>;

// One drizzle instance per D1 binding, made once per isolate: every request
// uses the database several times. (No schema is passed: nothing uses the
// relational query API, and extracting its config on each call cost CPU on
// every request.)
const instances = new WeakMap<D1Database, Database>();

export function database(d1: D1Database): Database {
  let db = instances.get(d1);
  if (!db) instances.set(d1, (db = drizzle(d1)));
  return db;
}

/** A drizzle query as a D1 statement, for a D1 batch that mixes it with raw SQL. */
export function prepared(db: Database, query: { toSQL(): { sql: string; params: unknown[] } }): D1PreparedStatement {
  const { sql, params } = query.toSQL();
  return db.$client.prepare(sql).bind(...params);
}
