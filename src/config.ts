// The deployment's configuration: the vars in wrangler.toml and the secrets
// set with `wrangler secret put`, checked by one schema and parsed once per
// isolate. A variable that is missing or malformed fails every API request
// (a 500, whose log line names it) and every delivery batch, instead of
// misbehaving later: a NaN sandbox delay, a provider URL that cannot be
// called, a StatusCallback Twilio refuses.
//
// Provider credentials are optional: test mode needs none, and a live message
// for a provider that lacks one is retried and logged until an operator sets
// it (secrets are put one at a time, each put deploying a new version, so a
// provider is half-configured for a moment whenever it is set up).
//
// Error messages name the variable and the rule, never the value: a value may
// be a secret.
import { z } from "zod";
import { normalizeSender } from "./domain/address.ts";
import { logger } from "./log.ts";
import type { ResendConfig } from "./providers/resend.ts";
import type { SandboxConfig } from "./providers/sandbox.ts";
import type { TwilioConfig } from "./providers/twilio.ts";
import type { WhatsAppConfig } from "./providers/whatsapp.ts";

/** Cloudflare's resolver, which answers `accept: application/dns-json`. */
const DEFAULT_DOH_URL = "https://cloudflare-dns.com/dns-query";

/** The sandbox's delays are a demo's, not a schedule: an hour at most. */
export const MAX_SANDBOX_DELAY_MS = 3_600_000;

const required = z.string({ error: (issue) => (issue.input === undefined ? "is not set" : "must be a string") });

function parsedUrl(value: string): URL | null {
  try {
    return new URL(value);
  } catch {
    return null;
  }
}

/** A provider's API root: paths are appended to it, so it has no query, fragment or credentials. */
const apiBase = required
  .refine((value) => {
    const url = parsedUrl(value);
    return url !== null && (url.protocol === "https:" || url.protocol === "http:") && !url.search && !url.hash && !url.username && !url.password;
  }, "must be an http(s) URL without query, fragment or credentials, e.g. https://api.twilio.com")
  .transform((value) => value.replace(/\/+$/, ""));

/** Where providers post delivery reports: an https origin, or unset for none. */
const publicOrigin = required
  .refine((value) => {
    const url = parsedUrl(value);
    return url !== null && url.protocol === "https:" && !url.username && !url.password && (value === url.origin || value === `${url.origin}/`);
  }, "must be an https origin such as https://api.omniflow.example (no path), or empty")
  .transform((value) => parsedUrl(value)!.origin)
  .optional();

/** An http(s) endpoint that query parameters are added to. */
const endpoint = required.refine((value) => {
  const url = parsedUrl(value);
  return url !== null && (url.protocol === "https:" || url.protocol === "http:") && !url.hash && !url.username && !url.password;
}, "must be an http(s) URL without fragment or credentials, e.g. https://cloudflare-dns.com/dns-query");

/** Where one-time codes to live numbers come from: a sender of the platform's own Twilio account. */
const platformSmsSender = required
  .transform((value, ctx) => {
    const sender = normalizeSender("sms", value);
    if ("error" in sender) ctx.addIssue({ code: "custom", message: sender.error });
    return "value" in sender ? sender.value : z.NEVER;
  })
  .optional();

/** Accepts a TOML integer too (`SANDBOX_REPORT_DELAY_MS = 1000`), which reaches the Worker as a number. */
const milliseconds = z.preprocess(
  (value) => (typeof value === "number" ? String(value) : value),
  required
    .regex(/^\d+$/, `must be a whole number of milliseconds from 0 to ${MAX_SANDBOX_DELAY_MS}`)
    .transform(Number)
    .refine((ms) => ms <= MAX_SANDBOX_DELAY_MS, `must be a whole number of milliseconds from 0 to ${MAX_SANDBOX_DELAY_MS}`),
);

/** A pasted secret often brings a newline along; it would then never match. */
const secret = required.refine((value) => value.trim() === value, "has leading or trailing whitespace").optional();

/** The Console's sign-in emails: from this account of the deployment's own, from this sender. */
const consoleOperator = required.regex(/^[A-Za-z0-9_.-]{1,64}$/, "must be an account name (as `npm run keys -- create --account NAME` made it)").optional();
const consoleSender = required.regex(/^[^\s@<>]+@[^\s@<>]+\.[^\s@<>]+$/, "must be a plain email address such as console@omniflow.example").optional();

const configSchema = z
  .object({
    CONSOLE_OPERATOR_ACCOUNT: consoleOperator,
    CONSOLE_EMAIL_FROM: consoleSender,
    TWILIO_API_BASE: apiBase,
    WHATSAPP_API_BASE: apiBase,
    RESEND_API_BASE: apiBase,
    PUBLIC_BASE_URL: publicOrigin,
    DNS_OVER_HTTPS_URL: endpoint.default(DEFAULT_DOH_URL),
    SENDER_VERIFICATION_FROM: platformSmsSender,
    SANDBOX_SEND_LATENCY_MS: milliseconds,
    SANDBOX_REPORT_DELAY_MS: milliseconds,
    TWILIO_ACCOUNT_SID: secret.refine((value) => value === undefined || /^AC[0-9a-f]{32}$/i.test(value), "must be 'AC' followed by 32 hex digits"),
    TWILIO_AUTH_TOKEN: secret,
    WHATSAPP_ACCESS_TOKEN: secret,
    WHATSAPP_PHONE_NUMBER_ID: secret.refine((value) => value === undefined || /^\d+$/.test(value), "must be digits only (Meta's phone-number id)"),
    WHATSAPP_APP_SECRET: secret,
    WHATSAPP_VERIFY_TOKEN: secret,
    RESEND_API_KEY: secret,
    VERIFICATION_CODE_SECRET: secret.refine(
      (value) => value === undefined || value.length >= 32,
      "must be at least 32 characters (e.g. `openssl rand -base64 32`)",
    ),
    RESEND_WEBHOOK_SECRET: secret.refine(
      (value) => value === undefined || /^(whsec_)?[A-Za-z0-9+/]+={0,2}$/.test(value),
      "must be the webhook's signing secret, 'whsec_' followed by base64",
    ),
  })
  // Twilio reports delivery only to the StatusCallback URL, which is built on
  // PUBLIC_BASE_URL: without it every live SMS would stay `sent` for good,
  // silently. A deployment that can send SMS but not learn their fate is refused.
  .refine((vars) => vars.PUBLIC_BASE_URL !== undefined || (vars.TWILIO_ACCOUNT_SID === undefined && vars.TWILIO_AUTH_TOKEN === undefined), {
    path: ["PUBLIC_BASE_URL"],
    message: "must be set when Twilio credentials are: Twilio posts delivery reports there, and without it no live SMS would ever leave `sent`",
  });

type Vars = z.output<typeof configSchema>;
type VariableName = keyof Vars;
const VARIABLE_NAMES = Object.keys(configSchema.shape) as VariableName[];

/** A live provider's endpoint and credentials; null credentials while any is missing (`missing` names them). */
interface LiveProviderConfig<Credentials> {
  apiBase: string;
  credentials: Credentials | null;
  missing: VariableName[];
}

export interface Config {
  /** This deployment's https origin, where Twilio posts delivery reports; null when unset. */
  publicBaseUrl: string | null;
  sandbox: SandboxConfig;
  senderVerification: {
    /** The DNS-over-HTTPS JSON endpoint that email domains' TXT records are read from. */
    dohUrl: string;
    /** The platform's SMS sender that one-time codes come from; null: live numbers are bound by the operator only. */
    codeFrom: string | null;
  };
  twilio: LiveProviderConfig<Pick<TwilioConfig, "accountSid" | "authToken">>;
  whatsapp: LiveProviderConfig<Pick<WhatsAppConfig, "accessToken" | "defaultPhoneNumberId">> & { appSecret?: string; verifyToken?: string };
  resend: LiveProviderConfig<Pick<ResendConfig, "apiKey">> & { webhookSecret?: string };
  /** What a live verification's code is sealed under while it is pending (src/domain/verification-code.ts); null when unset. */
  verificationCodeSecret: string | null;
  /** Who sends the Console's sign-in emails; with either unset, sign-in links go to the log. */
  console: { operatorAccount: string | null; emailFrom: string | null };
}

/** The configuration is missing a variable or holds a bad one; `variables` names them. */
export class ConfigError extends Error {
  override readonly name = "ConfigError";
  constructor(
    readonly variables: string[],
    problems: string[],
  ) {
    super(`Invalid configuration: ${problems.join("; ")}.`);
  }
}

function credentials<const Names extends Record<string, VariableName>>(vars: Vars, names: Names) {
  const missing = Object.values(names).filter((name) => !vars[name]);
  const values = Object.fromEntries(Object.entries(names).map(([field, name]) => [field, vars[name]])) as { [Field in keyof Names]: string };
  return { credentials: missing.length ? null : values, missing };
}

/** Checks the variables of an env (other bindings are ignored); throws a ConfigError naming each bad one. */
export function parseConfig(env: Partial<Record<string, unknown>>): Config {
  // An empty var or secret is an unset one (`wrangler secret put` cannot unset).
  const input = Object.fromEntries(VARIABLE_NAMES.map((name) => [name, env[name] === "" ? undefined : env[name]]));
  const result = configSchema.safeParse(input);
  if (!result.success) {
    const issues = result.error.issues;
    throw new ConfigError(
      [...new Set(issues.map((issue) => String(issue.path[0])))],
      issues.map((issue) => `${String(issue.path[0])} ${issue.message}`),
    );
  }
  const vars = result.data;
  return {
    publicBaseUrl: vars.PUBLIC_BASE_URL ?? null,
    sandbox: { sendLatencyMs: vars.SANDBOX_SEND_LATENCY_MS, reportDelayMs: vars.SANDBOX_REPORT_DELAY_MS },
    senderVerification: { dohUrl: vars.DNS_OVER_HTTPS_URL, codeFrom: vars.SENDER_VERIFICATION_FROM ?? null },
    twilio: { apiBase: vars.TWILIO_API_BASE, ...credentials(vars, { accountSid: "TWILIO_ACCOUNT_SID", authToken: "TWILIO_AUTH_TOKEN" }) },
    whatsapp: {
      apiBase: vars.WHATSAPP_API_BASE,
      ...credentials(vars, { accessToken: "WHATSAPP_ACCESS_TOKEN", defaultPhoneNumberId: "WHATSAPP_PHONE_NUMBER_ID" }),
      appSecret: vars.WHATSAPP_APP_SECRET,
      verifyToken: vars.WHATSAPP_VERIFY_TOKEN,
    },
    resend: { apiBase: vars.RESEND_API_BASE, ...credentials(vars, { apiKey: "RESEND_API_KEY" }), webhookSecret: vars.RESEND_WEBHOOK_SECRET },
    verificationCodeSecret: vars.VERIFICATION_CODE_SECRET ?? null,
    console: { operatorAccount: vars.CONSOLE_OPERATOR_ACCOUNT ?? null, emailFrom: vars.CONSOLE_EMAIL_FROM ?? null },
  };
}

// Keyed on the env object: an isolate's env does not change, and tests may pass envs of their own.
const parsed = new WeakMap<object, Config | ConfigError>();

/** The env's configuration, parsed on first use; throws the ConfigError (logged once) if it is bad. */
export function loadConfig(env: Env): Config {
  let config = parsed.get(env);
  if (!config) {
    try {
      config = parseConfig(env as unknown as Record<string, unknown>);
    } catch (error) {
      if (!(error instanceof ConfigError)) throw error;
      logger.error("config_invalid", { invalid: error.variables, error: error.message });
      config = error;
    }
    parsed.set(env, config);
  }
  if (config instanceof ConfigError) throw config;
  return config;
}
