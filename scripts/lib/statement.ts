/** A statement with `?` parameters: what the operator scripts run through wrangler, and the tests run on their own D1. */
export interface Statement {
  sql: string;
  params: (string | number | null)[];
}
