// What one malformed request of the corpus is, and what it must get.

export interface Expected {
  status: number;
  code?: string;
  /** The param the error must name; omitted when no single param is at fault. */
  param?: string;
}

export type Body = { json: unknown } | { raw: string; contentType?: string } | { form: string };

export interface BadRequest extends Expected {
  name: string;
  method: string;
  path: string;
  body?: Body;
  /** Replaces the valid API key header; null sends none. */
  authorization?: string | null;
  headers?: Record<string, string>;
}
