declare namespace Cloudflare {
  interface Env {
    TEST_CONTROL_MIGRATIONS: import("cloudflare:test").D1Migration[];
    TEST_MESSAGE_MIGRATIONS: import("cloudflare:test").D1Migration[];
  }
}
