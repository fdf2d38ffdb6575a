/**
 * `convex-otp-onboarding/test`: the convex-test kit. Sign users up and in over the real HTTP
 * routes, read their codes without any network, and act as them in queries and mutations.
 */
export {
  authTest,
  AuthTestError,
  runInComponent,
  type AuthTestOptions,
  type ExistingUser,
  type OutboxMail,
} from "./test/auth-test.js";
export { enforceDeploymentRules, insideTransaction } from "./test/deployment-rules.js";
export { registerRateLimiter } from "./test/rate-limiter.js";
export { captureMail, deliver } from "./mail/capture.js";
