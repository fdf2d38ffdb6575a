/**
 * The one-time onboarding: its once-marker table, its steps, and the `user` triggers that run them in
 * the same transaction as the user's insert, update or deletion.
 */
import {
  defineTable,
  type GenericDataModel,
  type GenericMutationCtx,
  type GenericQueryCtx,
} from "convex/server";
import { v, type GenericId, type Infer } from "convex/values";
import { codedErrorData } from "../shared/convex-error.js";
import { limitTables } from "../server/limits.js";
import { onboardingError } from "./errors.js";
import { claimRedeemedInvite, type RedeemedInvite } from "./sign-up-policy.js";

/** The once-marker: one row per onboarded user, written in the same transaction as the user. */
export const onboardingFields = {
  userId: v.string(),
  version: v.number(),
  onboardedAt: v.number(),
};

/**
 * Tables the plugin needs in the app's schema: the onboarding's once-markers, each mailbox's resend
 * wait and its last failure (read and written in the auth request's own transaction).
 *
 * ```ts
 * export default defineSchema({ ...onboardingTables, profiles: defineTable({ ... }) });
 * ```
 */
export const onboardingTables = {
  onboardings: defineTable(onboardingFields).index("by_userId", ["userId"]),
  ...limitTables,
};

/** Whether, when and at which version a user was onboarded. */
export type OnboardingStatus = Infer<typeof onboardingStatusValidator>;
/** Validator for {@link OnboardingStatus}, for a query's `returns`. */
export const onboardingStatusValidator = v.object(onboardingFields);

/** The user document the triggers receive: the Better Auth user row, sign-up fields included. */
export type OnboardedUser = { _id: string; email: string; name: string } & Record<string, unknown>;

/**
 * How a user reaches onboarding: `"create"` when the user is inserted (sign-up or server-side
 * creation), `"backfill"` when an existing user is onboarded later by the backfill.
 */
export type OnboardingSource = "create" | "backfill";

/**
 * What a step knows of the run: how the user got here and, with `invites: true`, the invite they
 * signed up with (`null` without one, and always for the backfill).
 */
export type OnboardingRun = { source: OnboardingSource; invite: RedeemedInvite | null };

/** One onboarding step: runs inside the user's insert transaction, so it may write and schedule. */
export type OnboardingStep<DataModel extends GenericDataModel, User extends OnboardedUser> = (
  ctx: GenericMutationCtx<DataModel>,
  user: User,
  run: OnboardingRun,
) => Promise<void>;

/** Brings a user onboarded at `fromVersion` up to the current version (run by the backfill). */
export type UpgradeStep<DataModel extends GenericDataModel, User extends OnboardedUser> = (
  ctx: GenericMutationCtx<DataModel>,
  user: User,
  fromVersion: number,
) => Promise<void>;

/** Keeps what onboarding created in step with a change of the user (`previous` is the old row). */
export type SyncStep<DataModel extends GenericDataModel, User extends OnboardedUser> = (
  ctx: GenericMutationCtx<DataModel>,
  user: User,
  previous: User,
) => Promise<void>;

/** Removes something onboarding created, in the transaction that deletes the user. */
export type CleanupStep<DataModel extends GenericDataModel, User extends OnboardedUser> = (
  ctx: GenericMutationCtx<DataModel>,
  user: User,
) => Promise<void>;

/** Options of {@link defineOnboarding}. */
export type OnboardingOptions<DataModel extends GenericDataModel, User extends OnboardedUser> = {
  /** The steps, run in order. Put side effects (mail, webhooks) behind `ctx.scheduler`. */
  steps: OnboardingStep<DataModel, User>[];
  /**
   * The version recorded in each user's once-marker; raise it when the steps change, and supply
   * `upgrade` so that the backfill brings earlier users up to date.
   * @default 1
   */
  version?: number | undefined;
  /**
   * Brings a user onboarded at an older version up to `version`. Without it the backfill leaves
   * such users at their version (and counts them as skipped).
   * @default undefined
   */
  upgrade?: UpgradeStep<DataModel, User> | undefined;
  /**
   * Run on every change of an onboarded user (`user.onUpdate`), e.g. to mirror a new name. They
   * never re-run onboarding.
   * @default []
   */
  sync?: SyncStep<DataModel, User>[] | undefined;
  /**
   * Run when a user is deleted (`user.onDelete`), before the once-marker is removed.
   * @default []
   */
  cleanup?: CleanupStep<DataModel, User>[] | undefined;
  /**
   * Hand the steps the invite each new user signed up with (`run.invite`: who invited, the
   * invite's data), e.g. to join the inviter's team. Needs `signUpPolicyTables` in the schema.
   * @default false
   */
  invites?: boolean | undefined;
};

/** What {@link defineOnboarding}'s `onboard` did for one user. */
export type OnboardOutcome = "onboarded" | "upgraded" | "skipped";

type MarkerDataModel = {
  onboardings: {
    document: Infer<typeof onboardingStatusValidator> & {
      _id: GenericId<"onboardings">;
      _creationTime: number;
    };
    fieldPaths: "userId" | "version" | "onboardedAt" | "_id" | "_creationTime";
    indexes: { by_userId: ["userId", "_creationTime"] };
    searchIndexes: Record<never, never>;
    vectorIndexes: Record<never, never>;
  };
};

// The marker table comes from `onboardingTables`; read and write it through that table's own types.
const markers = (ctx: GenericQueryCtx<any>) => (ctx as GenericQueryCtx<MarkerDataModel>).db;
const markerWriter = (ctx: GenericMutationCtx<any>) =>
  (ctx as GenericMutationCtx<MarkerDataModel>).db;

async function findMarker(ctx: GenericQueryCtx<any>, userId: string) {
  return await markers(ctx)
    .query("onboardings")
    .withIndex("by_userId", (q) => q.eq("userId", userId))
    .unique();
}

/** The once-marker of a user, or `null` if the user was never onboarded. */
export async function getOnboardingStatus(
  ctx: GenericQueryCtx<any>,
  userId: string,
): Promise<OnboardingStatus | null> {
  const marker = await findMarker(ctx, userId);
  return marker && { userId: marker.userId, version: marker.version, onboardedAt: marker.onboardedAt };
}

/**
 * The onboarding of each user, once, and what follows it: wire `onCreate`, `onUpdate` and
 * `onDelete` as the Better Auth component's `user` triggers. They run inside the transaction that
 * inserts, changes or deletes the user, so each is all or nothing. A step that throws at creation
 * rolls the user back; the sign-in answers the step's `ConvexError` code, or `ONBOARDING_FAILED`.
 * `onboard` is what the backfill runs for users that exist already.
 *
 * ```ts
 * const onboarding = defineOnboarding<DataModel, AuthUser>({
 *   version: 2,
 *   steps: [createProfile],
 *   upgrade: addMissingFlags,
 *   sync: [mirrorName],
 *   cleanup: [deleteProfile],
 * });
 * createClient(components.betterAuth, {
 *   authFunctions,
 *   triggers: { user: { onCreate: onboarding.onCreate, onUpdate: onboarding.onUpdate, onDelete: onboarding.onDelete } },
 * });
 * ```
 */
export function defineOnboarding<DataModel extends GenericDataModel, User extends OnboardedUser>(
  options: OnboardingOptions<DataModel, User>,
) {
  const version = options.version ?? 1;
  const { steps, upgrade } = options;
  const sync = options.sync ?? [];
  const cleanup = options.cleanup ?? [];

  async function runSteps(ctx: GenericMutationCtx<DataModel>, user: User, source: OnboardingSource) {
    const invite = options.invites && source === "create" ? await claimRedeemedInvite(ctx, user) : null;
    for (const step of steps) {
      try {
        await step(ctx, user, { source, invite });
      } catch (error) {
        // The backfill's operator sees the cause itself (a Convex limit, a bug in a step).
        if (source === "backfill" || codedErrorData(error)) throw error;
        // The cause stays in the deployment's logs; the person signing up gets a stable code.
        console.error(`[onboarding] step "${step.name || "anonymous"}" failed for user ${user._id}:`, error);
        throw onboardingError("ONBOARDING_FAILED");
      }
    }
    await markerWriter(ctx).insert("onboardings", {
      userId: user._id,
      version,
      onboardedAt: Date.now(),
    });
  }

  /** The `user.onCreate` trigger: onboards the new user in the transaction that inserts it. */
  async function onCreate(ctx: GenericMutationCtx<DataModel>, user: User): Promise<void> {
    if (await findMarker(ctx, user._id)) return;
    await runSteps(ctx, user, "create");
  }

  /**
   * Onboards a user that exists already, or upgrades one onboarded at an older version. A user
   * that is current (or has no `upgrade` to run) is left untouched: running it twice is safe.
   */
  async function onboard(ctx: GenericMutationCtx<DataModel>, user: User): Promise<OnboardOutcome> {
    const marker = await findMarker(ctx, user._id);
    if (!marker) {
      await runSteps(ctx, user, "backfill");
      return "onboarded";
    }
    if (marker.version >= version || !upgrade) return "skipped";
    await upgrade(ctx, user, marker.version);
    await markerWriter(ctx).patch("onboardings", marker._id, { version });
    return "upgraded";
  }

  /** The `user.onUpdate` trigger: runs the `sync` steps for an onboarded user, never onboarding. */
  async function onUpdate(ctx: GenericMutationCtx<DataModel>, user: User, previous: User): Promise<void> {
    // A user not onboarded yet has nothing to keep in step; the backfill reads the current row.
    if (!(await findMarker(ctx, user._id))) return;
    for (const step of sync) await step(ctx, user, previous);
  }

  /** The `user.onDelete` trigger: runs the `cleanup` steps, then removes the once-marker. */
  async function onDelete(ctx: GenericMutationCtx<DataModel>, user: User): Promise<void> {
    for (const step of cleanup) await step(ctx, user);
    const marker = await findMarker(ctx, user._id);
    if (marker) await markerWriter(ctx).delete("onboardings", marker._id);
  }

  return { version, onCreate, onboard, onUpdate, onDelete };
}

/** What {@link defineOnboarding} returns: the triggers and `onboard`, for helpers that take it. */
export type Onboarding<DataModel extends GenericDataModel, User extends OnboardedUser> = ReturnType<
  typeof defineOnboarding<DataModel, User>
>;
