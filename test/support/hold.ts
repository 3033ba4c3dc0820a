// One side of a race held open until the test lets it go. A Durable Object
// and the test share an isolate but not an I/O context: a promise one of them
// resolves for the other moves the waiter's continuation into the wrong
// context (workerd then refuses its I/O). So neither side awaits the other's
// promise: each polls a flag the other flips, on its own timers.

const POLL_MS = 2;

async function until(condition: () => boolean): Promise<void> {
  while (!condition()) await new Promise((resolve) => setTimeout(resolve, POLL_MS));
}

export interface Hold {
  /** Called on the held side (a mocked gate, provider or receiver): returns once the test calls `release`. */
  wait(): Promise<void>;
  /** Called by the test: returns once the held side is waiting. */
  reached(): Promise<void>;
  release(): void;
}

export function hold(): Hold {
  let waiting = false;
  let released = false;
  return {
    wait: () => {
      waiting = true;
      return until(() => released);
    },
    reached: () => until(() => waiting),
    release: () => {
      released = true;
    },
  };
}
