/**
 * Whether the API answers. Any request that cannot reach the server marks it down; any answer
 * marks it up again. The banner reads this; "Retry" runs what the screens registered.
 */
type Listener = () => void;

let down = false;
const listeners = new Set<Listener>();
const retries = new Set<() => void>();

export const apiStatus = {
  isDown: () => down,
  subscribe(listener: Listener): () => void {
    listeners.add(listener);
    return () => void listeners.delete(listener);
  },
  markDown() {
    if (down) return;
    down = true;
    listeners.forEach((l) => l());
  },
  markUp() {
    if (!down) return;
    down = false;
    listeners.forEach((l) => l());
  },
  /** Registers something to run again when the person presses Retry; returns the unregister. */
  onRetry(fn: () => void): () => void {
    retries.add(fn);
    return () => void retries.delete(fn);
  },
  retry() {
    retries.forEach((fn) => fn());
  },
};
