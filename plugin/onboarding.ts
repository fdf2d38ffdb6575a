import {
  defineTable,
  type GenericDataModel,
  type GenericMutationCtx,
  type GenericQueryCtx,
} from "convex/server";
import { ConvexError, v, type Infer, type Value } from "convex/values";
import { OTP_ONBOARDING_ERROR_CODES, type OtpOnboardingErrorCode } from "./error-codes.js";

/** The once-marker: one row per onboarded user, written in the same transaction as the user. */
export const onboardingFields = {
  userId: v.string(),
  version: v.number(),
  onboardedAt: v.number(),
};

/**
 * Tables the onboarding helper needs in the app's schema.
 *
 * ```ts
 * export default defineSchema({ ...onboardingTables, profiles: defineTable({ ... }) });
 * ```
 */
export const onboardingTables = {
  onboardings: defineTable(onboardingFields).index("by_userId", ["userId"]),
};

/** Whether, when and at which version a user was onboarded. */
export type OnboardingStatus = Infer<typeof onboardingStatusValidator>;
/** Validator for {@link OnboardingStatus}, for a query's `returns`. */
export const onboardingStatusValidator = v.object(onboardingFields);

/** The user document the trigger receives: the Better Auth user row, sign-up fields included. */
export type OnboardedUser = { _id: string; email: string; name: string } & Record<string, unknown>;

/** One onboarding step: runs inside the user's insert transaction, so it may write and schedule. */
export type OnboardingStep<DataModel extends GenericDataModel, User extends OnboardedUser> = (
  ctx: GenericMutationCtx<DataModel>,
  user: User,
) => Promise<void>;

/** Options of {@link defineOnboarding}. */
export type OnboardingOptions<DataModel extends GenericDataModel, User extends OnboardedUser> = {
  /** The steps, run in order. Put side effects (mail, webhooks) behind `ctx.scheduler`. */
  steps: OnboardingStep<DataModel, User>[];
  /**
   * The version recorded in each user's once-marker; raise it when the steps change.
   * @default 1
   */
  version?: number;
};

type MarkerDataModel = {
  onboardings: {
    document: Infer<typeof onboardingStatusValidator> & { _id: string; _creationTime: number };
    fieldPaths: "userId" | "version" | "onboardedAt" | "_id" | "_creationTime";
    indexes: { by_userId: ["userId", "_creationTime"] };
    searchIndexes: {};
    vectorIndexes: {};
  };
};

// The marker table comes from `onboardingTables`; read it through that table's own types.
const markers = (ctx: GenericQueryCtx<any>) => (ctx as GenericQueryCtx<MarkerDataModel>).db;

/** The once-marker of a user, or `null` if the user was never onboarded. */
export async function getOnboardingStatus(
  ctx: GenericQueryCtx<any>,
  userId: string,
): Promise<OnboardingStatus | null> {
  const marker = await markers(ctx)
    .query("onboardings")
    .withIndex("by_userId", (q) => q.eq("userId", userId))
    .unique();
  return marker && { userId: marker.userId, version: marker.version, onboardedAt: marker.onboardedAt };
}

/**
 * The one-time onboarding of new users. `onCreate` is the `user.onCreate` trigger for the Better
 * Auth component's `createClient`: it runs inside the transaction that inserts the user, so the
 * steps run once, at creation only, and all or nothing. A step that throws rolls the user back;
 * the sign-in answers the step's `ConvexError` code, or `ONBOARDING_FAILED` for any other error.
 *
 * ```ts
 * const onboarding = defineOnboarding<DataModel, AuthUser>({ steps: [createProfile] });
 * createClient(components.betterAuth, { authFunctions, triggers: { user: { onCreate: onboarding.onCreate } } });
 * ```
 */
export function defineOnboarding<DataModel extends GenericDataModel, User extends OnboardedUser>(
  options: OnboardingOptions<DataModel, User>,
) {
  const version = options.version ?? 1;

  async function onCreate(ctx: GenericMutationCtx<DataModel>, user: User): Promise<void> {
    if (await getOnboardingStatus(ctx, user._id)) return;
    for (const step of options.steps) {
      try {
        await step(ctx, user);
      } catch (error) {
        if (isConvexErrorWithCode(error)) throw error;
        // The cause stays in the deployment's logs; the client gets a stable code.
        console.error(`[onboarding] step "${step.name || "anonymous"}" failed:`, error);
        const { code, message } = OTP_ONBOARDING_ERROR_CODES.ONBOARDING_FAILED;
        throw new ConvexError({ code, message });
      }
    }
    await (ctx as unknown as GenericMutationCtx<MarkerDataModel>).db.insert("onboardings", {
      userId: user._id,
      version,
      onboardedAt: Date.now(),
    });
  }

  return { version, onCreate };
}

function isConvexErrorWithCode(error: unknown): error is ConvexError<{ code: string }> {
  if (!(error instanceof ConvexError)) return false;
  const data: unknown = error.data;
  return data !== null && typeof data === "object" && typeof (data as { code?: unknown }).code === "string";
}

/**
 * Whether `error` is one of the plugin's `ConvexError`s (e.g. `FORBIDDEN`), so a client can tell it
 * from other failures.
 *
 * ```ts
 * try { await convex.mutation(api.profiles.update, args) }
 * catch (e) { if (isOnboardingError(e) && e.data.code === "FORBIDDEN") ... }
 * ```
 */
export function isOnboardingError(
  error: unknown,
): error is ConvexError<{ code: OtpOnboardingErrorCode; message: string }> {
  return isConvexErrorWithCode(error) && Object.hasOwn(OTP_ONBOARDING_ERROR_CODES, error.data.code);
}

/**
 * The plugin's `ConvexError` for `code`, with its standard message and any extra data
 * (e.g. `{ issues }`), ready to throw.
 */
export function onboardingError(
  code: OtpOnboardingErrorCode,
  details: Record<string, Value> = {},
): ConvexError<Record<string, Value>> {
  const { message } = OTP_ONBOARDING_ERROR_CODES[code];
  return new ConvexError({ ...details, code, message });
}
