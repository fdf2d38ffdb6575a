import type { OtpType } from "../mail/sender.js";

/** A code mail the request owes, sent by the HTTP action once the mutation has committed. */
export type MailDue = { to: string; type: OtpType; identifier: string };

/**
 * What one auth request carries into its mutation, and what it hands back to the HTTP action. It
 * lives on the mutation's ctx (see {@link withRequestState}), the one object every hook of the
 * request can reach.
 */
export type RequestState = {
  /** The client IP the HTTP action saw, as the per-IP limits key it; `null` when unknown. */
  ip: string | null;
  /** The code to store if the request sends one: made by the action, where randomness is real. */
  otp: string;
  /** The token of a session the request creates, made by the action for the same reason. */
  sessionToken: string;
  /** The name of this mutation, so that it can schedule its own cleanup of expired codes. */
  self: string;
  /** Set when a code was stored and must be mailed. */
  mail?: MailDue;
};

const STATE = Symbol.for("convex-otp-onboarding/request-state");

type WithState = { [STATE]?: RequestState };

/** The ctx to give `createAuth` for one request: the mutation's own ctx, carrying `state`. */
export function withRequestState<Ctx extends object>(ctx: Ctx, state: RequestState): Ctx {
  return Object.assign(Object.create(Object.getPrototypeOf(ctx)), ctx, { [STATE]: state });
}

/** The state of the request `ctx` serves, if it came through the plugin's auth mutation. */
export function requestStateOf(ctx: unknown): RequestState | undefined {
  return ctx !== null && typeof ctx === "object" ? (ctx as WithState)[STATE] : undefined;
}
