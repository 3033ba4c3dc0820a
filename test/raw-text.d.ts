// A file imported as its text (Vite's `?raw`): the docs a test holds the code to (test/geo-permissions/update.happy.test.ts),
// the configuration (test/delivery/projection-dead-letters.errors.test.ts), and the example rate card (test/scripts/rates.happy.test.ts).
declare module "*.md?raw" {
  const text: string;
  export default text;
}
declare module "*.toml?raw" {
  const text: string;
  export default text;
}
declare module "*.csv?raw" {
  const text: string;
  export default text;
}
