// An account's templates, one function per change, shared by the API
// (/v1/templates) and the Console: each write tells the account's gate, which
// caches the templates a message create reads, so the next create sees it.
import type { Page } from "../db/pagination.ts";
import { deleteTemplate, findTemplate, insertTemplate, listTemplates, updateTemplate } from "../db/templates.ts";
import type { Account } from "../domain/account.ts";
import type { Cursor } from "../domain/cursor.ts";
import { unixSeconds } from "../domain/ids.ts";
import { fail, type Result, succeed } from "../domain/result.ts";
import { bodiesProblem, type CreateTemplateInput, type Template, type TemplateBodies } from "../domain/template.ts";
import type { Control } from "./control.ts";

/** The bodies to replace (null removes one) and the retention to set; what is not given stays. */
export type TemplateChanges = Partial<TemplateBodies & Pick<Template, "contentRetention">>;

const missing = (id: string) => fail("id", "resource_missing", `No such template: '${id}'`);

export async function createTemplate(control: Control, account: Account, input: CreateTemplateInput): Promise<Result<Template>> {
  const now = unixSeconds();
  const row = await insertTemplate(control.db, {
    accountId: account.id,
    id: input.id,
    sms: input.sms ?? null,
    whatsapp: input.whatsapp ?? null,
    email: input.email ?? null,
    contentRetention: input.content_retention ?? "retain",
    createdAt: now,
    updatedAt: now,
  });
  if (!row) return fail("id", "resource_already_exists", `Template '${input.id}' already exists in this account.`);
  await control.tellGate(account.id, { templates: [row.id] });
  return succeed(row);
}

/** Applies the changes, provided the template still has a body and its variables stay within the limit. */
export async function editTemplate(control: Control, account: Account, id: string, changes: TemplateChanges): Promise<Result<Template>> {
  const current = await findTemplate(control.db, account.id, id);
  if (!current) return missing(id);
  const problem = bodiesProblem({ ...current, ...changes });
  if (problem) return fail("", "parameter_invalid", problem);
  const row = await updateTemplate(control.db, account.id, id, changes, unixSeconds());
  // Deleted between the read and the write.
  if (!row) return missing(id);
  await control.tellGate(account.id, { templates: [id] });
  return succeed(row);
}

export async function removeTemplate(control: Control, account: Account, id: string): Promise<Result<{ id: string }>> {
  if (!(await deleteTemplate(control.db, account.id, id))) return missing(id);
  await control.tellGate(account.id, { templates: [id] });
  return succeed({ id });
}

export async function findAccountTemplate(control: Control, account: Account, id: string): Promise<Result<Template>> {
  const row = await findTemplate(control.db, account.id, id);
  return row ? succeed(row) : missing(id);
}

export function listAccountTemplates(control: Control, account: Account, limit: number, cursor: Cursor | null): Promise<Page<Template>> {
  return listTemplates(control.db, account.id, limit, cursor);
}
