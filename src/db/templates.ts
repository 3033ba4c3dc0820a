// Templates in D1. Every query is scoped to one account.
import { and, eq } from "drizzle-orm";
import type { Cursor } from "../domain/cursor.ts";
import type { Template, TemplateBodies } from "../domain/template.ts";
import type { Database } from "./client.ts";
import { templates } from "./control-schema.ts";
import { accountPage, type Page } from "./pagination.ts";

const byId = (accountId: string, id: string) => and(eq(templates.accountId, accountId), eq(templates.id, id));

/** The new row, or null when the account already has a template with this id. */
export async function insertTemplate(db: Database, row: Template): Promise<Template | null> {
  const [inserted] = await db.insert(templates).values(row).onConflictDoNothing().returning();
  return inserted ?? null;
}

/**
 * Unexecuted, so a message create can batch it with its other reads. At most
 * one row per account in the scope (the id is unique within an account).
 */
export function templateQuery(db: Database, accountId: string, id: string) {
  return db
    .select()
    .from(templates)
    .where(and(eq(templates.accountId, accountId), eq(templates.id, id)));
}

export async function findTemplate(db: Database, accountId: string, id: string): Promise<Template | undefined> {
  const [row] = await templateQuery(db, accountId, id);
  return row;
}

/** Writes only the bodies given, so concurrent edits of different channels both land. */
export async function updateTemplate(
  db: Database,
  accountId: string,
  id: string,
  bodies: Partial<TemplateBodies & Pick<Template, "contentRetention">>,
  updatedAt: number,
): Promise<Template | undefined> {
  const [row] = await db
    .update(templates)
    .set({ ...bodies, updatedAt })
    .where(byId(accountId, id))
    .returning();
  return row;
}

export async function deleteTemplate(db: Database, accountId: string, id: string): Promise<boolean> {
  const deleted = await db.delete(templates).where(byId(accountId, id)).returning({ id: templates.id });
  return deleted.length > 0;
}

/** One page of an account's templates in order of id, by keyset on the (account_id, id) key. */
export function listTemplates(db: Database, accountId: string, limit: number, cursor: Cursor | null): Promise<Page<Template>> {
  return accountPage(db, { table: templates, order: "asc", accountId, limit, cursor });
}
