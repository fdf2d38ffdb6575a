import type { FunctionReturnType } from "convex/server";
import { useMutation, useQuery } from "convex/react";
import { ConvexError } from "convex/values";
import { useEffect, useState, type FormEvent } from "react";
import { api } from "../../../convex/_generated/api";
import { profileUpdate } from "../../../convex/signUpFields";
import { authClient } from "../auth-client";
import { Field } from "../components/Field";
import { LoadFailure } from "../components/LoadFailure";
import { AccountActions } from "./AccountActions";
import { fieldErrorsOf, validate, type FieldErrors } from "../field-errors";

type ProfileDoc = NonNullable<FunctionReturnType<typeof api.profiles.me>>;
type Onboarding = FunctionReturnType<typeof api.users.onboardingStatus>;

const day = (ms: number) => new Date(ms).toLocaleDateString("en-GB", { dateStyle: "long" });

/** The longest bio the server takes: the one number the form shows and enforces. */
const BIO_MAX = profileUpdate.shape.bio.unwrap().maxLength ?? undefined;

/**
 * Step 3: the signed-in user's profile, live from `profiles.me`, editable through `profiles.update`.
 * `notice` is what the sign-in had to say, e.g. that "Create account" found an existing account.
 */
export function Profile({ notice }: { notice?: string }) {
  return (
    <main className="page">
      {/* Signing out is about the session, not the profile: up here, apart from the form. */}
      <div className="topbar">
        <p className="brand">OTP Onboarding</p>
        <button type="button" className="link" onClick={() => void authClient.signOut()}>
          Sign out
        </button>
      </div>
      <section className="card">
        {notice ? (
          <p className="notice info" role="status" data-testid="sign-in-notice">
            {notice}
          </p>
        ) : null}
        <LoadFailure title="Could not load your profile">
          <LiveProfile />
        </LoadFailure>
        <SessionAccountActions />
      </section>
    </main>
  );
}

/** Change email and delete account, for the session's own address. */
function SessionAccountActions() {
  const email = authClient.useSession().data?.user.email;
  return email ? <AccountActions email={email} /> : null;
}

/** The profile as the subscriptions have it now: a change from anywhere shows up here by itself. */
function LiveProfile() {
  const profile = useQuery(api.profiles.me);
  const onboarding = useQuery(api.users.onboardingStatus);
  const sessionChecked = useSessionCheckedWhenMissing(profile === null);
  if (profile === undefined || onboarding === undefined || (profile === null && !sessionChecked)) {
    return <p className="lead" role="status">Loading your profile…</p>;
  }
  if (profile === null) {
    return (
      <>
        <h1>No profile</h1>
        <p className="lead">You are signed in, but this account has no profile.</p>
      </>
    );
  }
  return <ProfileView profile={profile} onboarding={onboarding} />;
}

/**
 * Whether Better Auth still has this session now that the profile is missing. `profiles.me` turns
 * null the moment the session ends in another tab, often before this tab hears of it: then the
 * session is refetched, the app moves to the signed-out screen, and "No profile" is never shown.
 */
function useSessionCheckedWhenMissing(missing: boolean): boolean {
  const { refetch } = authClient.useSession();
  const [stillSignedIn, setStillSignedIn] = useState(false);
  useEffect(() => {
    setStillSignedIn(false);
    if (!missing) return;
    let current = true;
    // A request of its own: a refetch of the shared session can be cancelled by another one.
    void authClient.getSession().then(({ data }) => {
      if (!current) return;
      if (data) setStillSignedIn(true);
      else void refetch();
    });
    return () => {
      current = false;
    };
  }, [missing, refetch]);
  return stillSignedIn;
}

function ProfileView({ profile, onboarding }: { profile: ProfileDoc; onboarding: Onboarding }) {
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
      {profile.invitedBy ? (
        <p className="muted small" data-testid="invited-by">
          Invited by @{profile.invitedBy}
        </p>
      ) : null}
      <p className="bio" data-testid="bio">{profile.bio || <span className="muted">No bio yet.</span>}</p>
      {onboarding ? (
        <p className="muted small" data-testid="onboarded" data-onboarded-at={onboarding.onboardedAt}>
          Your account was set up on <span className="nowrap">{day(onboarding.onboardedAt)}</span>.
        </p>
      ) : null}
      <EditProfile key={profile._id} profile={profile} />
      <InviteSomeone />
    </>
  );
}

/** The edit form: it shows the live profile until the person starts typing, and again once saved. */
function EditProfile({ profile }: { profile: ProfileDoc }) {
  const updateProfile = useMutation(api.profiles.update);
  const [draft, setDraft] = useState<{ displayName: string; bio: string }>();
  const values = draft ?? { displayName: profile.displayName, bio: profile.bio };
  const [errors, setErrors] = useState<FieldErrors>({});
  // "idle", "saving", "saved", or why the last save failed.
  const [status, setStatus] = useState<string>("idle");

  async function submit(event: FormEvent) {
    event.preventDefault();
    const { data, errors: invalid } = validate(profileUpdate, values);
    setErrors(invalid ?? {});
    if (!data) return;
    setStatus("saving");
    try {
      // Resolves once this page's subscriptions include the change.
      await updateProfile({ profileId: profile._id, ...data });
      setDraft(undefined);
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
    setDraft({ ...values, [key]: event.target.value });
    setStatus("idle");
  };

  return (
    <form onSubmit={submit} noValidate aria-label="Edit profile" className="edit">
      <h2>Edit profile</h2>
      <Field label="Display name" name="displayName" value={values.displayName} onChange={set("displayName")} error={errors.displayName} />
      <Field
        label="Bio"
        name="bio"
        multiline
        maxLength={BIO_MAX}
        value={values.bio}
        onChange={set("bio")}
        error={errors.bio}
        hint={`${values.bio.length}/${BIO_MAX} characters`}
      />
      {status === "saved" ? <p className="notice" role="status">Saved.</p> : null}
      {!["idle", "saving", "saved"].includes(status) ? <p className="alert" role="alert">{status}</p> : null}
      <button type="submit" disabled={status === "saving"}>
        {status === "saving" ? "Saving…" : "Save"}
      </button>
    </form>
  );
}

/** "Invite someone": a new invite's code and a link that fills the sign-up form, and the invites made so far. */
function InviteSomeone() {
  const createInvite = useMutation(api.invites.create);
  const revokeInvite = useMutation(api.invites.revoke);
  const invites = useQuery(api.invites.mine);
  const [made, setMade] = useState<{ code: string; link: string }>();
  const [status, setStatus] = useState<string>();

  async function invite() {
    setStatus(undefined);
    try {
      const { code } = await createInvite({});
      // The code rides in the fragment: it reaches the sign-up form, never a server's logs.
      setMade({ code, link: `${window.location.origin}/#invite=${code}` });
    } catch (error) {
      setStatus(error instanceof ConvexError ? String(error.data?.message) : "Could not make an invite. Try again.");
    }
  }

  return (
    <section className="edit" aria-label="Invite someone">
      <h2>Invite someone</h2>
      <button type="button" className="secondary" onClick={() => void invite()}>
        Make an invite
      </button>
      {made ? (
        <p className="notice" role="status" data-testid="invite">
          Code <code data-testid="invite-code">{made.code}</code> (works once, for 14 days). Or send the link:{" "}
          <a href={made.link} data-testid="invite-link">{made.link}</a>
        </p>
      ) : null}
      {status ? <p className="alert" role="alert">{status}</p> : null}
      {invites && invites.length > 0 ? (
        <ul className="small muted" data-testid="my-invites">
          {invites.map((item) => (
            <li key={item.inviteId} data-state={item.state}>
              <span className="nowrap">{day(item.createdAt)}</span>: {item.state}, {item.used} of {item.uses} used
              {item.state === "active" ? (
                <>
                  {" "}
                  <button type="button" className="link" onClick={() => void revokeInvite({ inviteId: item.inviteId })}>
                    Revoke
                  </button>
                </>
              ) : null}
            </li>
          ))}
        </ul>
      ) : null}
    </section>
  );
}
