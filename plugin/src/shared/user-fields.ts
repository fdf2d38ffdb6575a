/** Fields Better Auth already has on every user; the Zod schema may constrain them but adds nothing. */
export const CORE_USER_FIELDS = ["name", "email", "image"] as const;
export type CoreUserField = (typeof CORE_USER_FIELDS)[number];

/** The field that is unique across users and reported as `USERNAME_TAKEN`. */
export const USERNAME_FIELD = "username";

/** Whether a sign-up key is one of Better Auth's own user fields rather than one the schema adds. */
export const isCoreUserField = (key: string): key is CoreUserField =>
  (CORE_USER_FIELDS as readonly string[]).includes(key);
