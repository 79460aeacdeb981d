import type { PrimaryRouter } from '@multidb/example-app';

/** A router over the example app's PRIMARY database and replicas whose replay the test controls. */
export interface LaggingApp {
  readonly router: PrimaryRouter;
  /** Replay paused on every replica: changes reach them but are not applied. */
  pause(): Promise<void>;
  /** Replay resumed and caught up on every replica, health checked: no lag. */
  catchUp(): Promise<void>;
  /** `read` queries served so far by the primary, and by all replicas together (router metrics). */
  readsServed(): { readonly primary: number; readonly replicas: number };
  close(): Promise<void>;
}

export function readsServed(router: PrimaryRouter): { primary: number; replicas: number } {
  const { primary = 0, ...replicas } = router.getMetrics().routed.read;
  return { primary, replicas: Object.values(replicas).reduce((sum, n) => sum + (n ?? 0), 0) };
}
