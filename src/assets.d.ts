// Text modules bundled by wrangler (see the [alias] and [[rules]] in wrangler.toml).
declare module "scalar-standalone" {
  const script: string;
  export default script;
}
