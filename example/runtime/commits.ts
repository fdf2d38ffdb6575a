import type { Deployment } from "./deployment.js";

/** Told the newest commit timestamp each time the deployment has committed since the last call. */
export type CommitListener = (ts: bigint) => void;

/**
 * The deployment's commit timestamps, and a feed of them for the sync protocol. convex-test stamps
 * every top-level transaction it commits (Unix nanoseconds, strictly increasing), as a deployment
 * does, but tells no one; so each entry point that may write (a client's mutation or action, an
 * HTTP action) calls `afterWrite()` once it is done, and listeners hear of any new commit.
 */
export function createCommitFeed(deployment: Deployment) {
  const listeners = new Set<CommitListener>();
  let announced = 0n;

  /**
   * The timestamp of the latest commit. It is read in a query, and a query starts only once the
   * transaction running now has committed, so it covers every write finished before the call.
   */
  async function latest(): Promise<bigint> {
    return await deployment.t.query(async (ctx) => ctx.meta.getSnapshotTs());
  }

  /** Reads the latest commit and, if it is new, tells every listener. Returns its timestamp. */
  async function afterWrite(): Promise<bigint> {
    const ts = await latest();
    if (ts > announced) {
      announced = ts;
      for (const listener of listeners) listener(ts);
    }
    return ts;
  }

  /** Listens to new commits until the returned function is called. */
  function subscribe(listener: CommitListener): () => void {
    listeners.add(listener);
    return () => listeners.delete(listener);
  }

  return { latest, afterWrite, subscribe };
}

export type CommitFeed = ReturnType<typeof createCommitFeed>;
