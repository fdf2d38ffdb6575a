/**
 * What a Convex deployment refuses inside queries and mutations, enforced under convex-test.
 * convex-test already refuses `fetch` and timers there (it swaps them, per call, for functions that
 * throw); a deployment also refuses to create keys (`crypto.subtle.generateKey`), which convex-test
 * allows. The kit adds that refusal, so a test fails where a deployment would.
 */

const INSTALLED = Symbol.for("convex-otp-onboarding/deployment-rules");
// The words of convex-test's stand-in for `fetch` inside a transaction.
const REFUSED_IN_TRANSACTION = /is not supported in Convex queries or mutations/;

/** Whether the calling code runs inside a convex-test query or mutation. */
export function insideTransaction(): boolean {
  return REFUSED_IN_TRANSACTION.test(String(globalThis.fetch));
}

/**
 * Makes `crypto.subtle.generateKey` throw inside queries and mutations, as on a deployment, for the
 * rest of the process. Called by `authTest`; safe to call again.
 */
export function enforceDeploymentRules(): void {
  const subtle = globalThis.crypto?.subtle as (SubtleCrypto & { [INSTALLED]?: true }) | undefined;
  if (!subtle || subtle[INSTALLED]) return;
  const generateKey = subtle.generateKey.bind(subtle);
  Object.defineProperty(subtle, "generateKey", {
    configurable: true,
    writable: true,
    value: (...args: Parameters<SubtleCrypto["generateKey"]>) => {
      if (insideTransaction()) {
        throw new Error(
          "`crypto.subtle.generateKey` is not supported in Convex queries or mutations. " +
            "Create keys in an action.",
        );
      }
      return generateKey(...args);
    },
  });
  Object.defineProperty(subtle, INSTALLED, { value: true });
}
