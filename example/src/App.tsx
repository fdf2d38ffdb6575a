import { useConvexAuth } from "convex/react";
import { useEffect, useState } from "react";
import type { AuthError } from "./auth-errors";
import { Card } from "./components/Card";
import { mailLinkFor } from "./mail-link";
import { CodeForm, type PendingCode } from "./screens/CodeForm";
import { Profile } from "./screens/Profile";
import { SignInForm } from "./screens/SignInForm";
import { SignUpForm } from "./screens/SignUpForm";

type Step =
  | {
      name: "start";
      tab: "sign-up" | "sign-in";
      pending?: PendingCode;
      error?: AuthError;
      notice?: string;
    }
  | { name: "code"; pending: PendingCode; initialOtp?: string };

/** Where the app opens: the code step, filled in, when it was opened from a sign-in mail's link. */
function firstStep(): Step {
  const link = mailLinkFor("sign-in");
  if (!link) return { name: "start", tab: "sign-up" };
  return { name: "code", pending: { email: link.email, mode: "sign-in" }, initialOtp: link.otp };
}

/**
 * Signed in: the profile. Signed out: create an account or sign in, then enter the code. Which one
 * is Convex's answer (`useConvexAuth`): it waits for Better Auth's session and for the deployment
 * to accept the Convex JWT, so a reload never shows the signed-out screen on its way.
 */
export function App() {
  const { isLoading, isAuthenticated } = useConvexAuth();
  const [step, setStep] = useState<Step>(firstStep);
  // Said by the sign-in, shown on the profile: kept here, as the forms are gone by then.
  const [signInNotice, setSignInNotice] = useState<string>();
  // Once signed in, the way back after signing out is the sign-in form, not the old code step.
  useEffect(() => {
    if (isAuthenticated) setStep({ name: "start", tab: "sign-in" });
    else setSignInNotice(undefined);
  }, [isAuthenticated]);

  if (isLoading) {
    return (
      <Card title="Loading…">
        <p className="lead">Checking your session.</p>
      </Card>
    );
  }
  if (isAuthenticated) return <Profile notice={signInNotice} />;

  if (step.name === "code") {
    return (
      <Card title="Check your email">
        <CodeForm
          pending={step.pending}
          initialOtp={step.initialOtp}
          // Back to the form with what was typed (the code in hand is for this email only: dropped).
          onBack={() => setStep({ name: "start", tab: step.pending.mode, pending: { ...step.pending, acceptedOtp: undefined } })}
          onNoAccount={(acceptedOtp) =>
            setStep({
              name: "start",
              tab: "sign-up",
              pending: { ...step.pending, acceptedOtp },
              notice:
                "There is no account for this email yet. Choose a username to create one: " +
                "your code still works, so no new mail is needed.",
            })
          }
          onFieldErrors={(error, acceptedOtp) =>
            setStep({ name: "start", tab: "sign-up", pending: { ...step.pending, acceptedOtp }, error })
          }
          onSignedIn={setSignInNotice}
        />
      </Card>
    );
  }

  const tab = (name: "sign-up" | "sign-in", label: string) => (
    <button
      type="button"
      role="tab"
      aria-selected={step.tab === name}
      className={step.tab === name ? "tab active" : "tab"}
      onClick={() => setStep({ name: "start", tab: name })}
    >
      {label}
    </button>
  );
  const toCode = (pending: PendingCode) => setStep({ name: "code", pending });

  return (
    <Card
      title={step.tab === "sign-up" ? "Get started" : "Welcome back"}
      lead="No password: we email you a one-time code."
    >
      <div className="tabs" role="tablist">
        {tab("sign-up", "Create account")}
        {tab("sign-in", "Sign in")}
      </div>
      {step.notice ? <p className="notice info" role="status">{step.notice}</p> : null}
      {step.tab === "sign-up" ? (
        <SignUpForm onCodeSent={toCode} onSignedIn={setSignInNotice} pending={step.pending} serverError={step.error} />
      ) : (
        <SignInForm onCodeSent={toCode} email={step.pending?.email} />
      )}
    </Card>
  );
}
