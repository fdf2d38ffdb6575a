/**
 * `convex-otp-onboarding/convex`: what runs in your Convex functions. The one-time onboarding and
 * its triggers, server-side users, the backfill, the plugin's `ConvexError`s, and the `user` table
 * fields derived from the sign-up schema.
 */
export {
  defineOnboarding,
  getOnboardingStatus,
  onboardingFields,
  onboardingStatusValidator,
  onboardingTables,
  type CleanupStep,
  type OnboardedUser,
  type Onboarding,
  type OnboardingOptions,
  type OnboardingSource,
  type OnboardingStatus,
  type OnboardingStep,
  type OnboardOutcome,
  type OnboardingRun,
  type SyncStep,
  type UpgradeStep,
} from "./convex/onboarding.js";
export { serverUsers, type AuthComponentApi, type ServerUsersOptions } from "./convex/server-users.js";
export {
  backfillArgs,
  backfillOnboardingPage,
  backfillPageValidator,
  DEFAULT_BACKFILL_BATCH_SIZE,
  type BackfillPage,
  type BackfillTotals,
} from "./convex/backfill.js";
export { isOnboardingError, onboardingError, type OnboardingErrorData } from "./convex/errors.js";
export { indexSignUpFields, signUpUserFields, type SignUpUserFields } from "./convex/user-table.js";
export { toSignUpIssues, type SignUpIssue } from "./shared/sign-up-schema.js";
export { authRequestMutation, type AuthRequestArgs, type AuthRequestResult, type CreateAuth } from "./convex/auth-request.js";
export { registerOtpRoutes, type OtpRoutesOptions } from "./convex/http-routes.js";
export { visibleText } from "./shared/visible-text.js";
export {
  claimRedeemedInvite,
  inviteState,
  inviteSummaryValidator,
  signUpInvites,
  signUpMailAction,
  signUpPolicyTables,
  waitlistEntryValidator,
  type InviteState,
  type InviteSummary,
  type NewInvite,
  type RedeemedInvite,
  type SignUpInvitesOptions,
} from "./convex/sign-up-policy.js";
