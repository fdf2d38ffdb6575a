/** The backfill: onboards (or upgrades) existing users page by page, one transaction a page. */
import type {
  FunctionReference,
  GenericDataModel,
  GenericMutationCtx,
  PaginationResult,
} from "convex/server";
import { v, type Infer } from "convex/values";
import type { OnboardedUser, Onboarding } from "./onboarding.js";
import type { AuthComponentApi } from "./server-users.js";

const totalsValidator = v.object({
  onboarded: v.number(),
  upgraded: v.number(),
  skipped: v.number(),
});

/** How many users a backfill onboarded, upgraded to the current version, and left as they were. */
export type BackfillTotals = Infer<typeof totalsValidator>;

/**
 * The `args` of a backfill mutation. Start it with `{}`; each page schedules the next with the
 * cursor and the totals so far.
 */
export const backfillArgs = {
  /** Where the next page starts; `null` or absent for the first page. */
  cursor: v.optional(v.union(v.string(), v.null())),
  /**
   * Users per page (one transaction).
   * @default 200
   */
  batchSize: v.optional(v.number()),
  /** The counts of the pages before this one. */
  totals: v.optional(totalsValidator),
};

/** What one page of the backfill did, and the totals up to and including it. */
export const backfillPageValidator = v.object({
  ...totalsValidator.fields,
  totals: totalsValidator,
  isDone: v.boolean(),
});
/** See {@link backfillPageValidator}. */
export type BackfillPage = Infer<typeof backfillPageValidator>;

type BackfillArgs = {
  cursor?: string | null;
  batchSize?: number;
  totals?: BackfillTotals;
};

/**
 * Users per page. Each user costs an index read and a few writes (more with the app's steps), so
 * 200 stays far below Convex's per-transaction limits (4 096 index reads, 16 000 writes, 1 000
 * scheduled functions) while a large user table is still done in few transactions.
 */
export const DEFAULT_BACKFILL_BATCH_SIZE = 200;

/**
 * One page of the backfill: onboards the users of this page that were never onboarded (their
 * steps see `source: "backfill"`), upgrades those onboarded at an older version, skips the rest,
 * then schedules `next` (the mutation that called it) for the following page. Idempotent: users
 * are judged by their once-marker, so a second run onboards nobody twice.
 *
 * ```ts
 * export const backfillOnboarding = internalMutation({
 *   args: backfillArgs,
 *   returns: backfillPageValidator,
 *   handler: (ctx, args) =>
 *     backfillOnboardingPage(ctx, args, { component: components.betterAuth, onboarding, next: internal.users.backfillOnboarding }),
 * });
 * ```
 */
export async function backfillOnboardingPage<DataModel extends GenericDataModel, User extends OnboardedUser>(
  ctx: GenericMutationCtx<DataModel>,
  args: BackfillArgs,
  options: {
    /** The Better Auth component: `components.betterAuth`. */
    component: AuthComponentApi;
    /** The app's `defineOnboarding(...)`. */
    onboarding: Onboarding<DataModel, User>;
    /** The backfill mutation itself, scheduled for the next page. */
    next: FunctionReference<"mutation", "internal", BackfillArgs>;
  },
): Promise<BackfillPage> {
  const batchSize = args.batchSize ?? DEFAULT_BACKFILL_BATCH_SIZE;
  const result: PaginationResult<User> = await ctx.runQuery(options.component.adapter.findMany, {
    model: "user",
    paginationOpts: { cursor: args.cursor ?? null, numItems: batchSize },
  });

  const page: BackfillTotals = { onboarded: 0, upgraded: 0, skipped: 0 };
  for (const user of result.page) page[await options.onboarding.onboard(ctx, user)] += 1;
  const before = args.totals ?? { onboarded: 0, upgraded: 0, skipped: 0 };
  const totals: BackfillTotals = {
    onboarded: before.onboarded + page.onboarded,
    upgraded: before.upgraded + page.upgraded,
    skipped: before.skipped + page.skipped,
  };

  const isDone = result.isDone;
  if (!isDone) {
    await ctx.scheduler.runAfter(0, options.next, {
      cursor: result.continueCursor,
      batchSize,
      totals,
    });
  }
  console.log(
    `[onboarding] backfill ${isDone ? "done" : "page"}: ${format(page)} in this page; ${format(totals)} so far`,
  );
  return { ...page, totals, isDone };
}

const format = ({ onboarded, upgraded, skipped }: BackfillTotals) =>
  `${onboarded} onboarded, ${upgraded} upgraded, ${skipped} skipped`;
