// The one logger: every log line is a JSON object with `level`, `event`, the
// context bound with `logger.with(...)` (a request id, a message id) and the
// line's own fields. Workers Logs indexes the fields of JSON lines, so a line
// is found by event or id without parsing prose.
//
// Lines never carry an API key, a secret, a provider credential or message
// content. Call sites pass ids, counts and error messages only; as a second
// line of defence, a field whose name says it holds one of those is replaced
// by "[redacted]" at any depth.

type LogLevel = "info" | "warn" | "error";
type LogFields = Record<string, unknown>;

export interface Logger {
  info(event: string, fields?: LogFields): void;
  warn(event: string, fields?: LogFields): void;
  error(event: string, fields?: LogFields): void;
  /** A logger whose lines also carry these fields, e.g. `logger.with({ message_id })`. */
  with(context: LogFields): Logger;
}

export const REDACTED = "[redacted]";

/** Field names that hold secrets or message content (`authToken`, `api_key`, `webhook_secret`, `body`, ...). */
const SENSITIVE_FIELD =
  /secret|token|password|passwd|credential|authorization|cookie|signature|api_?key|^(key|sid|account_?sid|body|text|html|subject|content|rendered|variables|params)$/i;

// One console method per level, so a test (or `wrangler tail --level`) can tell them apart.
const WRITERS: Record<LogLevel, (line: string) => void> = {
  info: (line) => console.log(line),
  warn: (line) => console.warn(line),
  error: (line) => console.error(line),
};

/** JSON.stringify prints an Error as `{}`; a log line wants its name and message. */
function plain(value: unknown, depth = 0): unknown {
  if (value instanceof Error) return String(value);
  if (value === null || typeof value !== "object") return typeof value === "bigint" ? String(value) : value;
  if (depth > 5) return "[nested]";
  if (Array.isArray(value)) return value.map((item) => plain(item, depth + 1));
  const copy: LogFields = {};
  for (const [name, field] of Object.entries(value)) copy[name] = SENSITIVE_FIELD.test(name) ? REDACTED : plain(field, depth + 1);
  return copy;
}

function createLogger(context: LogFields): Logger {
  const write = (level: LogLevel, event: string, fields: LogFields = {}) => {
    const line: LogFields = { level, event, ...(plain({ ...context, ...fields }) as LogFields) };
    // Set again: no field may overwrite them.
    line.level = level;
    line.event = event;
    WRITERS[level](JSON.stringify(line));
  };
  return {
    info: (event, fields) => write("info", event, fields),
    warn: (event, fields) => write("warn", event, fields),
    error: (event, fields) => write("error", event, fields),
    with: (more) => createLogger({ ...context, ...more }),
  };
}

/** The root logger; bind a request's or a message's id with `logger.with(...)`. */
export const logger: Logger = createLogger({});
