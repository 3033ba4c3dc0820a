// A file imported as its text (Vite's `?raw`): the docs a test holds the code to (test/geo-permissions/update.happy.test.ts),
// and the configuration (test/delivery/projection-dead-letters.errors.test.ts).
declare module "*.md?raw" {
  const text: string;
  export default text;
}
declare module "*.toml?raw" {
  const text: string;
  export default text;
}
