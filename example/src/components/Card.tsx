import type { ReactNode } from "react";

/** The page frame: the app's name on top, one card of content. */
export function Card({ title, lead, children }: { title: string; lead?: ReactNode; children: ReactNode }) {
  return (
    <main className="page">
      <p className="brand">OTP Onboarding</p>
      <section className="card">
        <h1>{title}</h1>
        {lead ? <p className="lead">{lead}</p> : null}
        {children}
      </section>
    </main>
  );
}
