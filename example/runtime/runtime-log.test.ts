import { readFileSync } from "node:fs";
import { describe, expect, inject, it } from "vitest";
import { signInOverHttp, uniqueEmail } from "../test/auth-over-http";

const base = inject("runtimeUrl");
const runtimeLog = inject("runtimeLog");

describe("the log of npm start", () => {
  it("names the full address of each code, so that ann@ and anna@ can be told apart", async () => {
    const email = uniqueEmail("anna");
    await signInOverHttp(base, email, { username: `anna_${Date.now().toString(36).slice(-6)}` });
    // The runtime's output reaches the file through a pipe: give it a moment.
    await expect
      .poll(() => readFileSync(runtimeLog, "utf8"), { timeout: 5_000 })
      .toMatch(new RegExp(`\\[dev mailbox\\] sign-in code for ${email.replace(/[.]/g, "\\.")}: \\d{6}`));
  });
});
