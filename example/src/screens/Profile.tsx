import type { FunctionReturnType } from "convex/server";
import { ConvexError } from "convex/values";
import { useEffect, useState, type FormEvent } from "react";
import { api } from "../../../convex/_generated/api";
import { profileUpdate } from "../../../convex/signUpFields";
import { authClient } from "../auth-client";
import { Field } from "../components/Field";
import { convexAsUser, forgetConvexToken } from "../convex";
import { fieldErrorsOf, validate, type FieldErrors } from "../field-errors";

type ProfileDoc = NonNullable<FunctionReturnType<typeof api.profiles.me>>;
type Onboarding = FunctionReturnType<typeof api.users.onboardingStatus>;
type Loaded =
  | { state: "loading" }
  | { state: "failed"; message: string }
  | { state: "ready"; profile: ProfileDoc | null; onboarding: Onboarding };

const when = (ms: number) =>
  new Date(ms).toLocaleString("en-GB", { dateStyle: "medium", timeStyle: "short" });

/** Step 3: the signed-in user's profile from `profiles.me`, editable through `profiles.update`. */
export function Profile() {
  const [loaded, setLoaded] = useState<Loaded>({ state: "loading" });

  async function load() {
    try {
      const convex = await convexAsUser();
      const [profile, onboarding] = await Promise.all([
        convex.query(api.profiles.me, {}),
        convex.query(api.users.onboardingStatus, {}),
      ]);
      setLoaded({ state: "ready", profile, onboarding });
    } catch (error) {
      setLoaded({ state: "failed", message: error instanceof Error ? error.message : String(error) });
    }
  }
  useEffect(() => void load(), []);

  async function signOut() {
    forgetConvexToken();
    await authClient.signOut();
  }

  return (
    <main className="page">
      <p className="brand">OTP Onboarding</p>
      <section className="card" aria-busy={loaded.state === "loading"}>
        {loaded.state === "loading" ? (
          <p className="lead">Loading your profile…</p>
        ) : loaded.state === "failed" ? (
          <>
            <h1>Could not load your profile</h1>
            <p className="alert" role="alert">{loaded.message}</p>
            <button type="button" onClick={() => void load()}>Try again</button>
          </>
        ) : loaded.profile === null ? (
          <>
            <h1>No profile</h1>
            <p className="lead">You are signed in, but this account has no profile.</p>
          </>
        ) : (
          <ProfileView profile={loaded.profile} onboarding={loaded.onboarding} onSaved={load} />
        )}
        <button type="button" className="secondary" onClick={() => void signOut()}>
          Sign out
        </button>
      </section>
    </main>
  );
}

function ProfileView(props: { profile: ProfileDoc; onboarding: Onboarding; onSaved: () => Promise<void> }) {
  const { profile, onboarding } = props;
  return (
    <>
      <header className="profile-head">
        <div className="avatar" aria-hidden>
          {(profile.displayName || profile.username).slice(0, 1).toUpperCase()}
        </div>
        <div>
          <h1 data-testid="display-name">{profile.displayName}</h1>
          <p className="muted">
            <span data-testid="username">@{profile.username}</span> · <span data-testid="role">{profile.role}</span>
          </p>
        </div>
      </header>
      <p className="bio" data-testid="bio">{profile.bio || <span className="muted">No bio yet.</span>}</p>
      {onboarding ? (
        <p className="muted small" data-testid="onboarded" data-onboarded-at={onboarding.onboardedAt}>
          Onboarded once, on {when(onboarding.onboardedAt)} (version {onboarding.version}).
        </p>
      ) : null}
      <EditProfile profile={profile} onSaved={props.onSaved} />
    </>
  );
}

function EditProfile({ profile, onSaved }: { profile: ProfileDoc; onSaved: () => Promise<void> }) {
  const [values, setValues] = useState({ displayName: profile.displayName, bio: profile.bio });
  const [errors, setErrors] = useState<FieldErrors>({});
  const [status, setStatus] = useState<"idle" | "saving" | "saved" | string>("idle");

  async function submit(event: FormEvent) {
    event.preventDefault();
    const { data, errors: invalid } = validate(profileUpdate, values);
    setErrors(invalid ?? {});
    if (!data) return;
    setStatus("saving");
    try {
      const convex = await convexAsUser();
      await convex.mutation(api.profiles.update, { profileId: profile._id, ...data });
      await onSaved();
      setStatus("saved");
    } catch (error) {
      const issues = error instanceof ConvexError ? (error.data as { issues?: [] }).issues : undefined;
      if (issues?.length) {
        setErrors(fieldErrorsOf(issues));
        setStatus("idle");
      } else {
        setStatus(error instanceof ConvexError ? String(error.data?.message) : "Could not save. Try again.");
      }
    }
  }

  const set = (key: keyof typeof values) => (event: { target: { value: string } }) => {
    setValues((current) => ({ ...current, [key]: event.target.value }));
    setStatus("idle");
  };

  return (
    <form onSubmit={submit} noValidate aria-label="Edit profile" className="edit">
      <h2>Edit profile</h2>
      <Field label="Display name" name="displayName" value={values.displayName} onChange={set("displayName")} error={errors.displayName} />
      <Field label="Bio" name="bio" multiline maxLength={200} value={values.bio} onChange={set("bio")} error={errors.bio} hint="Up to 160 characters." />
      {status === "saved" ? <p className="notice" role="status">Saved.</p> : null}
      {!["idle", "saving", "saved"].includes(status) ? <p className="alert" role="alert">{status}</p> : null}
      <button type="submit" disabled={status === "saving"}>
        {status === "saving" ? "Saving…" : "Save"}
      </button>
    </form>
  );
}
