// The bad-input corpus's table for prices and usage (issue 29): GET /v1/usage's
// query and POST /v1/account's spend_limits and usage_alerts. Listed in CORPUS (corpus.ts).
import type { BadRequest, Body, Expected } from "./bad-request.ts";

const invalid = (param: string, code = "parameter_invalid"): Expected => ({ status: 400, code, param });
const usage = (query: string, expected: Expected): BadRequest => ({ name: `GET /v1/usage${query}`, method: "GET", path: `/v1/usage${query}`, ...expected });
const account = (name: string, body: Body, expected: Expected): BadRequest => ({
  name: `POST /v1/account: ${name}`,
  method: "POST",
  path: "/v1/account",
  body,
  ...expected,
});

const INJECTION = "' OR '1'='1' --";
const alert = (fields: Record<string, unknown>) => ({ usage_alerts: [{ threshold: "1", window: "day", url: "https://your-app.com/alerts", ...fields }] });

export const PRICE_CORPUS: BadRequest[] = [
  usage("?group_by=planet", invalid("group_by")),
  usage(`?group_by=${encodeURIComponent(INJECTION)}`, invalid("group_by")),
  usage("?group_by=channel,", invalid("group_by")),
  usage("?group_by=country,country", invalid("group_by")),
  usage("?group_by=day,month", invalid("group_by")),
  usage("?group_by=channel&group_by=country", invalid("group_by")),
  usage("?group_by=metadata[team],metadata[region]", invalid("group_by")),
  usage("?group_by=metadata[team],api_key", invalid("group_by")),
  usage("?group_by=metadata[a%20b]", invalid("group_by")),
  usage(`?group_by=metadata[${"k".repeat(41)}]`, invalid("group_by")),
  usage("?start=2026-13-01", invalid("start")),
  usage("?start=2026-02-29", invalid("start")),
  usage("?start=20261201", invalid("start")),
  usage(`?start=${encodeURIComponent(INJECTION)}`, invalid("start")),
  usage("?end=2026-12-01T00:00:00Z", invalid("end")),
  usage("?start=2026-12-02&end=2026-12-01", invalid("end")),
  usage("?start=1990-01-01&end=2026-12-01", invalid("start")),
  usage("?metadata[team]=x", invalid("metadata[team]", "parameter_unknown")),
  account("a spend limit with 5 decimal places", { json: { spend_limits: { daily: "0.00001" } } }, invalid("spend_limits[daily]")),
  account("a negative spend limit", { json: { spend_limits: { daily: "-1" } } }, invalid("spend_limits[daily]")),
  account("a spend limit as a float in exponent form", { json: { spend_limits: { monthly: 1e21 } } }, invalid("spend_limits[monthly]")),
  account("a spend limit as text", { json: { spend_limits: { daily: "ten dollars" } } }, invalid("spend_limits[daily]")),
  account("a spend limit as a list", { json: { spend_limits: { daily: ["1"] } } }, invalid("spend_limits[daily]")),
  account("an unknown spend window", { json: { spend_limits: { weekly: "1" } } }, invalid("spend_limits[weekly]", "parameter_unknown")),
  account("spend_limits as a string", { json: { spend_limits: "1" } }, invalid("spend_limits")),
  account("a spend limit in a form body, with 5 places", { form: "spend_limits[daily]=0.00001" }, invalid("spend_limits[daily]")),
  account("usage_alerts as an object", { json: { usage_alerts: { threshold: "1" } } }, invalid("usage_alerts")),
  account("an alert without a threshold", { json: alert({ threshold: undefined }) }, invalid("usage_alerts[0][threshold]")),
  account("an alert's window of a week", { json: alert({ window: "week" }) }, invalid("usage_alerts[0][window]")),
  account("an alert's url that is not a URL", { json: alert({ url: INJECTION }) }, invalid("usage_alerts[0][url]")),
  account("an alert's url to a private address", { json: alert({ url: "https://10.0.0.1/alerts" }) }, invalid("usage_alerts[0][url]")),
  account("an alert with an unknown field", { json: alert({ email: "ana@example.com" }) }, invalid("usage_alerts[0][email]", "parameter_unknown")),
  account("eleven alerts", { json: { usage_alerts: Array.from({ length: 11 }, () => alert({}).usage_alerts[0]) } }, invalid("usage_alerts")),
];
