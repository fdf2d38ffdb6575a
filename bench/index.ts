/**
 * `npm run bench`: what the plugin costs next to a bare @convex-dev/better-auth + emailOTP setup,
 * measured in one run on the local convex-test runtime, with a second peer beside them: Convex Auth
 * 0.0.95's email-code sign-in. Sections: static index check, sign-up time (interleaved rounds) and
 * modeled latency, transactions and calls per sign-up, where each call and read goes (request by
 * request), where the time goes, session routes, scale, bundle and cold start, targets. The last
 * line is machine-readable: `BENCH ratio_median=<x> tx_plugin=<n> tx_baseline=<n> calls_plugin=<n>
 * calls_baseline=<n> reads_100=<n> reads_10000=<n> modeled_ms_plugin=<x> modeled_ms_baseline=<x>
 * bundle_kb=<n> bundle_baseline_kb=<n> nested_plugin=<n> peer_ca_tx=<n> peer_ca_ms=<x>`.
 *
 * Options: `--pairs 200` (measured sign-up pairs), `--scale-pairs 50`, `--cold-runs 5`,
 * `--session-rounds 10`, `--rtt 5` (milliseconds added per round trip in the modeled latency).
 */
import { cpus } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { bundleApp, entryCost, packagesOf, sizeOf, type AppBundle, type EntryCost } from "./bundle.js";
import {
  documentsRead,
  isHttp,
  isNested,
  isRequest,
  isTopLevelTx,
  roundTrips,
  traceReads,
  type Call,
} from "./calls.js";
import { buildColdStartChild, measureColdStart, type ColdStart } from "./cold-start.js";
import { checkIndexes, checkSource, KNOWN_UNINDEXED } from "./index-check.js";
import { timedPeerSignUp, startPeer, type Peer } from "./peer.js";
import { ownMs, timeByFunction, timeByPlace, type Place } from "./profile.js";
import { heading, ms, quietly, table } from "./report.js";
import { readsByFunction, requestReport, untracedReads } from "./requests.js";
import { seedUsers } from "./seed.js";
import { SESSION_ROUTES, sessionRound, type RouteRun } from "./session-routes.js";
import { appDir, startSetup, type Setup, type SetupName } from "./setups.js";
import { timedSignUp } from "./signup.js";
import { median, pairRatios, summary } from "./stats.js";

const { values: args } = parseArgs({
  options: {
    pairs: { type: "string", default: "200" },
    "scale-pairs": { type: "string", default: "50" },
    "cold-runs": { type: "string", default: "5" },
    "session-rounds": { type: "string", default: "10" },
    rtt: { type: "string", default: "5" },
  },
});
const PAIRS = Number(args.pairs);
const SCALE_PAIRS = Number(args["scale-pairs"]);
const COLD_RUNS = Number(args["cold-runs"]);
const SESSION_ROUNDS = Number(args["session-rounds"]);
const RTT = Number(args.rtt);
const WARM_UP = 20;
const SCALE_USERS = [100, 10_000] as const;
const SETUPS = ["baseline", "plugin"] as const satisfies readonly SetupName[];
/** The setups of the sign-up sections: the two above and Convex Auth. */
const SIGN_UP_SETUPS = [...SETUPS, "convex-auth"] as const;
type SignUpSetup = (typeof SIGN_UP_SETUPS)[number];
const LABELS: Record<SignUpSetup, string> = {
  baseline: "baseline (bare emailOTP)",
  plugin: "plugin (reference backend)",
  "convex-auth": "Convex Auth 0.0.95 (email code)",
};

// The targets. The first three are hard (the bench fails on them); see `targets` at the end for
// which of the others gate too.
const MAX_TX_PLUGIN = 2;
// Issue 21's budget for the work inside the sign-up's two transactions.
const MAX_NESTED_PLUGIN = 14;
const MAX_READS_PLUGIN = 12;
const MAX_TIME_RATIO = 1.4;
const MAX_MODELED_SHARE = 0.5;
const MAX_BUNDLE_RATIO = 1.1;

const root = fileURLToPath(new URL("..", import.meta.url));
const outDir = join(root, "bench/.out");
const started = performance.now();
let indexCheckFailed = false;
// @convex-dev/better-auth warns when an adapter query finds no index for its where clause.
const unindexedAtRunTime = new Set<string>();
const noteUnindexed = (warning: string) => {
  if (warning.includes("without an index"))
    unindexedAtRunTime.add(warning.replace(/\s+/g, " ").trim());
};
const fixed = (value: number, digits = 2) => value.toFixed(digits);
const kB = (bytes: number) => Math.round(bytes / 1000);

console.log(
  `convex-otp-onboarding bench — ${new Date().toISOString()} — ${cpus().length} × ${cpus()[0]?.model.trim()}, ` +
    `Node ${process.version}`,
);

// ---- Static check: every query reads through an index ------------------------------------------
console.log(heading("Static index check (convex/, plugin/src/)"));
const selfCheck = KNOWN_UNINDEXED.filter(
  (code) => checkSource("self-check.ts", code).unindexed.length === 0,
);
if (selfCheck.length > 0) {
  indexCheckFailed = true;
  console.log(`FAIL: the check let these unindexed queries pass: ${selfCheck.join("; ")}`);
}
const indexCheck = checkIndexes(root, ["convex", "plugin/src"]);
if (indexCheck.unindexed.length > 0) {
  indexCheckFailed = true;
  console.log(
    table(
      ["file:line", "query", "problem"],
      indexCheck.unindexed.map((q) => [`${q.file}:${q.line}`, q.code, q.problem]),
    ),
  );
}
console.log(
  `${indexCheck.queries} queries in ${indexCheck.files} files; ` +
    (indexCheck.unindexed.length === 0
      ? "all read through an index (no .filter)"
      : `${indexCheck.unindexed.length} FAIL`) +
    `; the checker rejects all ${KNOWN_UNINDEXED.length} known-bad samples: ${selfCheck.length === 0 ? "yes" : "NO"}`,
);

// ---- Sign-ups -----------------------------------------------------------------------------------
/** One measured sign-up: its time on convex-test and the calls it made (scheduled work included). */
type Measured = { ms: number; calls: Call[] };
let serial = 0;

/** One sign-up of a new user on `setup`, with its time and the calls it made. */
async function signUp(setup: Setup | Peer): Promise<Measured> {
  const n = serial++;
  const email = `${setup.name}${n}@example.com`;
  const { ms: elapsed } =
    setup.name === "convex-auth"
      ? await timedPeerSignUp(setup, email)
      : await timedSignUp(setup, email, setup.name === "plugin" ? { username: `user${n}` } : {});
  return { ms: elapsed, calls: setup.log.take() };
}

/**
 * Runs `count` rounds of one sign-up on each setup, the order reversed every other round (A B C,
 * C B A, …): no setup always runs right after the same other one, whose garbage it would collect.
 */
async function interleaved(setups: (Setup | Peer)[], count: number): Promise<Measured[][]> {
  const results: Measured[][] = setups.map(() => []);
  const forward = [...setups.keys()];
  const backward = [...forward].reverse();
  for (let round = 0; round < count; round++) {
    for (const i of round % 2 === 0 ? forward : backward) results[i].push(await signUp(setups[i]));
  }
  return results;
}

const txOf = (calls: readonly Call[]) => calls.filter(isTopLevelTx);
/** The latency a deployment would add: `rtt` per round trip (HTTP action or top-level transaction). */
const modeledMs = (run: Measured) => run.ms + RTT * roundTrips(run.calls);

console.log(
  heading(
    `Sign-up time: baseline vs plugin, and Convex Auth, ${PAIRS} interleaved rounds after ${WARM_UP} warm-up rounds`,
  ),
);
const setups = { baseline: startSetup("baseline"), plugin: startSetup("plugin"), "convex-auth": startPeer() };
// From here on every counted call knows the documents it read, by table.
traceReads();
const { fresh, runs } = await quietly(async () => {
  const order = SIGN_UP_SETUPS.map((name) => setups[name]);
  // The first sign-up on a new deployment also creates the JWT signing key: it is a warm-up round.
  const [[baseFresh], [pluginFresh]] = await interleaved(order, 1);
  await interleaved(order, WARM_UP - 1);
  const [baseRuns, pluginRuns, peerRuns] = await interleaved(order, PAIRS);
  return {
    fresh: { baseline: baseFresh, plugin: pluginFresh },
    runs: { baseline: baseRuns, plugin: pluginRuns, "convex-auth": peerRuns },
  };
}, noteUnindexed);

const times = {
  baseline: summary(runs.baseline.map((r) => r.ms)),
  plugin: summary(runs.plugin.map((r) => r.ms)),
  "convex-auth": summary(runs["convex-auth"].map((r) => r.ms)),
};
const modeled = {
  baseline: summary(runs.baseline.map(modeledMs)),
  plugin: summary(runs.plugin.map(modeledMs)),
  "convex-auth": summary(runs["convex-auth"].map(modeledMs)),
};
const ratios = summary(pairRatios(runs.plugin.map((r) => r.ms), runs.baseline.map((r) => r.ms)));
const peerRatios = summary(pairRatios(runs["convex-auth"].map((r) => r.ms), runs.baseline.map((r) => r.ms)));
const modeledRatio = modeled.plugin.median / modeled.baseline.median;
const tripsOf = (name: SignUpSetup) => median(runs[name].map((r) => roundTrips(r.calls)));
console.log(
  table(
    ["setup", "sign-ups", "median ms", "p95 ms", "round trips", `modeled median ms (+${RTT} ms/trip)`],
    SIGN_UP_SETUPS.map((name) => [
      LABELS[name],
      times[name].n,
      ms(times[name].median),
      ms(times[name].p95),
      tripsOf(name),
      ms(modeled[name].median),
    ]),
  ),
);
console.log(
  `plugin/baseline per pair on convex-test: median ${fixed(ratios.median)}, p95 ${fixed(ratios.p95)}; ` +
    `modeled: ${fixed(modeledRatio)} (median plugin / median baseline)`,
);
console.log(
  `Convex Auth/baseline per round on convex-test: median ${fixed(peerRatios.median)}, p95 ${fixed(peerRatios.p95)}; ` +
    `modeled: ${fixed(modeled["convex-auth"].median / modeled.baseline.median)}`,
);
// convex-test answers an indexed query by scanning the table, so the ratio drifts as tables grow.
const quarter = Math.max(1, Math.floor(PAIRS / 4));
const quarterRatio = (from: number) =>
  median(pairRatios(runs.plugin.slice(from, from + quarter).map((r) => r.ms), runs.baseline.slice(from, from + quarter).map((r) => r.ms)));
console.log(
  `per pair, first ${quarter} pairs: median ${fixed(quarterRatio(0))}; last ${quarter}: ${fixed(quarterRatio(PAIRS - quarter))} ` +
    "(convex-test scans a table for each indexed query; the plugin's tables grow with every sign-up too)",
);
// The rtt at which the modeled target would be met with these convex-test times.
const [tripsPlugin, tripsBaseline] = [median(runs.plugin.map((r) => roundTrips(r.calls))), median(runs.baseline.map((r) => roundTrips(r.calls)))];
const tripsSaved = MAX_MODELED_SHARE * tripsBaseline - tripsPlugin;
const breakEven = (times.plugin.median - MAX_MODELED_SHARE * times.baseline.median) / tripsSaved;
console.log(
  tripsSaved > 0
    ? `with these medians, modeled plugin ≤ ${MAX_MODELED_SHARE} × baseline from rtt ≈ ${fixed(Math.max(0, breakEven), 1)} ms per round trip`
    : `with ${tripsPlugin} round trips against ${tripsBaseline}, no rtt brings the modeled plugin to ${MAX_MODELED_SHARE} × baseline`,
);
console.log(
  "(send code + sign in with it, the user, its session and onboarding written inside; the welcome mail runs after, untimed.\n" +
    ` Modeled = time on convex-test + ${RTT} ms per round trip: each HTTP action (a request into the deployment) and each\n` +
    " top-level transaction (an action's call to the database); nested calls run inside their transaction, without one.\n" +
    " Convex Auth's client calls its auth:signIn action twice, with no HTTP route on the way: each call is a request.\n" +
    " Convex Auth is a peer, not a model: it writes the user and its account when the code is SENT, before the code is\n" +
    " verified; the plugin writes nothing of the user until the code checks out.)",
);

// ---- Transactions and calls per sign-up ---------------------------------------------------------
console.log(heading("Transactions and calls per sign-up"));
/** A count that should not vary between sign-ups: its most, with the range if it did vary. */
function steady(name: SignUpSetup, count: (calls: Call[]) => number) {
  const values = runs[name].map((r) => count(r.calls));
  const [min, max] = [Math.min(...values), Math.max(...values)];
  return { max, shown: min === max ? String(max) : `${min}–${max}` };
}
const countRows: [string, (calls: Call[]) => number][] = [
  ["requests (HTTP actions; Convex Auth: action calls)", (calls) => calls.filter(isRequest).length],
  ["top-level transactions (called from an action)", (calls) => txOf(calls).length],
  ["round trips (requests + top-level transactions)", roundTrips],
  ["nested calls (inside a transaction: components, triggers)", (calls) => calls.filter(isNested).length],
  ["scheduled after the answer (untimed)", (calls) => calls.filter((c) => c.scheduled).length],
  ["all calls", (calls) => calls.length],
  ["documents read", documentsRead],
];
console.log(
  table(
    ["per sign-up", "baseline", "plugin", "Convex Auth"],
    countRows.map(([label, count]) => [label, ...SIGN_UP_SETUPS.map((name) => steady(name, count).shown)]),
  ),
);
const tx = { baseline: steady("baseline", (c) => txOf(c).length).max, plugin: steady("plugin", (c) => txOf(c).length).max };
const nestedPlugin = steady("plugin", (c) => c.filter(isNested).length).max;
const peerTx = steady("convex-auth", (c) => txOf(c).length).max;
const calls = { baseline: median(runs.baseline.map((r) => r.calls.length)), plugin: median(runs.plugin.map((r) => r.calls.length)) };
console.log("(a range means the count varied between sign-ups; the targets take the most)");

const txName = (call: Call) => `${call.kind} ${call.name}${call.table ? ` (${call.table})` : ""}`;
console.log("");
for (const name of SETUPS) {
  const first = fresh[name].calls;
  // What the first sign-up ran beyond a later one: creating the JWT signing key.
  const later = txOf(runs[name].at(-1)!.calls).map(txName);
  const extra = txOf(first)
    .map(txName)
    .filter((n) => (later.includes(n) ? (later.splice(later.indexOf(n), 1), false) : true));
  console.log(
    `first sign-up on a fresh ${name} deployment (a warm-up, not in the figures): ${first.filter(isHttp).length} HTTP actions, ` +
      `${txOf(first).length} top-level transactions, ${first.length} calls` +
      (extra.length > 0 ? `; beyond a later sign-up: ${extra.join(", ")}` : ""),
  );
}

// ---- Where each call and read goes -------------------------------------------------------------
console.log(heading("Where each call and read goes: one sign-up, request by request"));
console.log(
  "(the last measured sign-up of each setup. Each request with the calls it made, nested calls indented under their\n" +
    " caller; documents read (own): what the call read itself through ctx.db, by table, as convex-test counts reads: each\n" +
    " document a get, a query or a page returns, and each one a patch, replace or delete writes. Under each request, each\n" +
    " top-level transaction that has nested calls, with all the documents read inside it)",
);
for (const name of SIGN_UP_SETUPS) {
  const last = runs[name].at(-1)!.calls;
  console.log(`\n${LABELS[name]}: ${last.filter(isRequest).length} requests, ${txOf(last).length} top-level transactions, ` +
    `${last.filter(isNested).length} nested calls, ${documentsRead(last)} documents read\n`);
  console.log(requestReport(last));
}
console.log(
  "\n(Convex Auth writes the user and its account in its first request, auth:store (createVerificationCode), before\n" +
    " any code is verified; the plugin's first request writes only the code and its limit counters, and the user is\n" +
    " written by the sign-in that verifies the code)",
);
console.log("\ndocuments read per sign-up, by table and by the function that read them");
console.log(
  table(
    ["setup", "table", "documents", "read by"],
    SIGN_UP_SETUPS.flatMap((name) => readsByFunction(runs[name].at(-1)!.calls).map((row) => [name, ...row])),
  ),
);
// Every measured sign-up's transactions, checked against convex-test's own count of reads.
const untraced = [
  ...new Set(
    SIGN_UP_SETUPS.flatMap((name) =>
      runs[name].flatMap((run) => untracedReads(run.calls).map((problem) => `${name}: ${problem}`)),
    ),
  ),
];
console.log(
  untraced.length === 0
    ? `(in all ${PAIRS} measured sign-ups of each setup, every transaction's traced reads add up to convex-test's own count)`
    : `FAIL: traced reads differ from convex-test's count, the lists above miss reads:\n${untraced.join("\n")}`,
);

// ---- Where the time goes ------------------------------------------------------------------------
console.log(heading(`Where a sign-up's time goes on convex-test (own time, mean of ${PAIRS} sign-ups)`));
const PLACES: Place[] = ["HTTP action", "top level", "nested"];
const places = { baseline: timeByPlace(runs.baseline.map((r) => r.calls)), plugin: timeByPlace(runs.plugin.map((r) => r.calls)) };
const meanMs = (name: SetupName) => runs[name].reduce((sum, r) => sum + r.ms, 0) / runs[name].length;
console.log(
  table(
    ["place", "baseline calls", "baseline ms", "plugin calls", "plugin ms"],
    [
      ...PLACES.map((place) => [
        place,
        fixed(places.baseline.get(place)?.calls ?? 0, 1),
        ms(places.baseline.get(place)?.ms ?? 0),
        fixed(places.plugin.get(place)?.calls ?? 0, 1),
        ms(places.plugin.get(place)?.ms ?? 0),
      ]),
      ["sign-up (mean, as timed)", "", ms(meanMs("baseline")), "", ms(meanMs("plugin"))],
    ],
  ),
);
console.log(
  "(own time: a call's code without the counted calls it makes, plus convex-test's dispatch of the call itself: argument\n" +
    " and return validation, serialization, the transaction or nested transaction, as seen from the caller's ctx.run*)",
);
for (const name of SETUPS) {
  console.log(`\n${name}: own time by function`);
  console.log(
    table(
      ["place", "function", "calls", "ms", "ms/call", "dispatch ms/call"],
      timeByFunction(runs[name].map((r) => r.calls)).map((row) => [
        row.place,
        row.name,
        Number(fixed(row.calls, 1)),
        ms(row.ms),
        Number(fixed(row.perCall)),
        row.dispatchPerCall === undefined ? "" : fixed(row.dispatchPerCall),
      ]),
    ),
  );
}
const nestedOf = (name: SetupName) => runs[name].flatMap((r) => r.calls.filter(isNested));
for (const name of SETUPS) {
  const nested = nestedOf(name);
  if (nested.length === 0) continue;
  const mean = (values: number[]) => values.reduce((a, b) => a + b, 0) / values.length;
  console.log(
    `${name}: ${fixed(nested.length / runs[name].length, 1)} nested calls per sign-up, each ${fixed(mean(nested.map(ownMs)))} ms ` +
      `of which ${fixed(mean(nested.map((c) => c.dispatchMs ?? 0)))} ms convex-test's dispatch`,
  );
}

// ---- Session routes -----------------------------------------------------------------------------
console.log(heading(`Session routes after a sign-up (${SESSION_ROUNDS} rounds, median ms)`));
const sessionRuns = await quietly(async () => {
  const all: Record<SetupName, RouteRun[][]> = { baseline: [], plugin: [] };
  for (let round = 0; round < SESSION_ROUNDS; round++)
    for (const name of SETUPS) all[name].push(await sessionRound(setups[name]));
  return all;
}, noteUnindexed);
const sessionRows: (string | number)[][] = [];
for (const [i, route] of SESSION_ROUTES.entries()) {
  for (const name of SETUPS) {
    const routeRuns = sessionRuns[name].map((round) => round[i]);
    const last = routeRuns.at(-1)!;
    const statuses = [...new Set(routeRuns.map((r) => r.status))].join("/");
    sessionRows.push([
      `${route.method} ${route.path}`,
      name,
      statuses,
      last.calls.filter(isHttp).length,
      txOf(last.calls).length,
      last.calls.filter(isNested).length,
      last.calls.length,
      ms(median(routeRuns.map((r) => r.ms))),
      ms(median(routeRuns.map((r) => r.ms + RTT * roundTrips(r.calls)))),
    ]);
  }
}
console.log(
  table(
    ["route", "setup", "status", "HTTP", "top-level tx", "nested", "all calls", "ms", "modeled ms"],
    sessionRows,
  ),
);
console.log(
  "(the session as `Authorization: Bearer <token>` with the app's origin; sign-out and delete-user each on a session of their own)",
);
console.log("\ntop-level transactions by route");
for (const [i, route] of SESSION_ROUTES.entries()) {
  for (const name of SETUPS) {
    const names = txOf(sessionRuns[name].at(-1)![i].calls).map(
      (c) => c.name.replace(/^betterAuth\/adapter:/, "") + (c.table ? ` ${c.table}` : ""),
    );
    console.log(`  ${`${route.method} ${route.path}`.padEnd(18)} ${name.padEnd(8)}  ${names.join(", ")}`);
  }
}

// ---- Scale --------------------------------------------------------------------------------------
// The baseline is seeded and measured too: it separates what the plugin costs at scale from what
// the local runtime costs (convex-test answers each query by scanning its in-memory tables).
console.log(
  heading(
    `Scale: sign-up with ${SCALE_USERS.join(" and ")} existing users, ${SCALE_PAIRS} interleaved rounds`,
  ),
);
const scaleCases = (["plugin", "baseline"] as const).flatMap((name) =>
  SCALE_USERS.map((users) => ({ name, users })),
);
const scaled: Setup[] = [];
for (const { name, users } of scaleCases) {
  const setup = startSetup(name);
  const seedStart = performance.now();
  await seedUsers(setup, users);
  console.log(`seeded ${users} users into ${name} in ${ms(performance.now() - seedStart)} ms`);
  scaled.push(setup);
}
const scaleRuns = await quietly(async () => {
  await interleaved(scaled, 10);
  return interleaved(scaled, SCALE_PAIRS);
}, noteUnindexed);
const scaleTimes = scaleRuns.map((runs) => summary(runs.map((run) => run.ms)));
const readsRange = (i: number) => {
  const values = scaleRuns[i].map((run) => documentsRead(run.calls));
  return { min: Math.min(...values), max: Math.max(...values) };
};
console.log(
  table(
    ["setup", "existing users", "median ms", "p95 ms", "docs read/sign-up", "calls/sign-up"],
    scaleCases.map(({ name, users }, i) => [
      name,
      users,
      ms(scaleTimes[i].median),
      ms(scaleTimes[i].p95),
      readsRange(i).min === readsRange(i).max ? readsRange(i).max : `${readsRange(i).min}–${readsRange(i).max}`,
      median(scaleRuns[i].map((run) => run.calls.length)),
    ]),
  ),
);
const caseIndex = (name: SetupName, users: number) =>
  scaleCases.findIndex((c) => c.name === name && c.users === users);
const growth = (name: SetupName) =>
  scaleTimes[caseIndex(name, SCALE_USERS[1])].median / scaleTimes[caseIndex(name, SCALE_USERS[0])].median;
console.log(
  `time ratio ${SCALE_USERS[1]}/${SCALE_USERS[0]} users: plugin ${fixed(growth("plugin"))}, baseline ${fixed(growth("baseline"))}. ` +
    "Time grows with rows on convex-test, which scans its in-memory tables for every query, for both setups alike; " +
    "documents read is what an indexed Convex deployment reads per sign-up.",
);
// The most any measured sign-up read: equal at both sizes only if no read grows with the users.
const reads = {
  small: readsRange(caseIndex("plugin", SCALE_USERS[0])),
  large: readsRange(caseIndex("plugin", SCALE_USERS[1])),
};
const readsEqual = reads.small.min === reads.large.min && reads.small.max === reads.large.max;

console.log(
  unindexedAtRunTime.size === 0
    ? "run-time index check: no adapter query ran without an index during the sign-ups above"
    : `run-time index check FAIL: adapter queries ran without an index:\n${[...unindexedAtRunTime].join("\n")}`,
);
if (unindexedAtRunTime.size > 0) indexCheckFailed = true;

// ---- Bundle and cold start ----------------------------------------------------------------------
console.log(
  heading(
    `Bundle as the Convex CLI builds it (esbuild, splitting on) and cold start (median of ${COLD_RUNS} fresh processes)`,
  ),
);
const child = await buildColdStartChild(outDir);
// The rate limiter component, from the package, bundled as the CLI bundles a component.
const rateLimiter = await bundleApp(
  dirname(fileURLToPath(import.meta.resolve("@convex-dev/rate-limiter/convex.config"))),
  join(outDir, "rateLimiter"),
);
const bundles = {} as Record<SetupName, { app: AppBundle; http: EntryCost; cold: ColdStart }>;
for (const name of SETUPS) {
  const app = await bundleApp(appDir(name), join(outDir, name, "app"));
  const betterAuth = await bundleApp(join(appDir(name), "betterAuth"), join(outDir, name, "betterAuth"));
  const cold = measureColdStart(child, name, { app, betterAuth, rateLimiter }, COLD_RUNS);
  bundles[name] = { app, http: entryCost(app, "http.js"), cold };
}
const loaded = (name: SetupName) => sizeOf(bundles[name].http.loaded);
const onDemand = (name: SetupName) => sizeOf(bundles[name].http.onDemand);
console.log(
  table(
    ["setup", "HTTP: every request kB", "gzip kB", "on demand kB", "gzip kB", "load ms", "first request ms", "warm request ms"],
    SETUPS.map((name) => [
      name,
      kB(loaded(name).bytes),
      kB(loaded(name).gzipBytes),
      kB(onDemand(name).bytes),
      kB(onDemand(name).gzipBytes),
      ms(bundles[name].cold.loadMs),
      ms(bundles[name].cold.firstRequestMs),
      ms(bundles[name].cold.warmRequestMs),
    ]),
  ),
);
const packageList = (entries: [string, number][]) =>
  entries.map(([pkg, bytes]) => `${pkg} ${fixed(bytes / 1000, 1)}`).join(", ");
for (const name of SETUPS) {
  const { loaded: chunks, onDemand: later } = bundles[name].http;
  console.log(
    `${name}: every request loads http.js and ${chunks.length - 1} chunks; ${later.length} chunks load on demand` +
      (later.length > 0 ? ` (kB by package: ${packageList(packagesOf(later))})` : ""),
  );
}
const basePackages = new Map(packagesOf(bundles.baseline.http.loaded));
const added = packagesOf(bundles.plugin.http.loaded)
  .map(([pkg, bytes]): [string, number] => [pkg, bytes - (basePackages.get(pkg) ?? 0)])
  .filter(([, bytes]) => Math.abs(bytes) >= 500)
  .sort((a, b) => b[1] - a[1]);
console.log(`what the plugin adds to every request, kB by package: ${packageList(added)}`);
console.log(
  "(every request: the HTTP entry and the chunks it imports statically, as a Convex isolate loads them; on demand: chunks\n" +
    " behind a dynamic import(), loaded when it first runs. load: evaluate what every request loads; first request:\n" +
    " send-verification-otp from a fresh process on a fresh deployment, loading every bundled module it needs (the\n" +
    " Better Auth component's, and for the plugin the rate limiter's); the plugin's also creates the JWT signing key,\n" +
    " which the baseline creates at its first sign-in; warm request: the second send in that process)",
);

// ---- Targets ------------------------------------------------------------------------------------
const bundleRatio = loaded("plugin").bytes / loaded("baseline").bytes;
type Target = { target: string; measured: string; met: boolean; gates: boolean };
const targets: Target[] = [
  {
    target: `top-level transactions per sign-up, plugin ≤ ${MAX_TX_PLUGIN}`,
    measured: `${tx.plugin} (baseline ${tx.baseline})`,
    met: tx.plugin <= MAX_TX_PLUGIN,
    gates: true,
  },
  {
    target: `nested calls per sign-up, plugin ≤ ${MAX_NESTED_PLUGIN}`,
    measured: `${nestedPlugin}`,
    met: nestedPlugin <= MAX_NESTED_PLUGIN,
    gates: true,
  },
  {
    target: `documents read per sign-up, plugin ≤ ${MAX_READS_PLUGIN}`,
    measured: `${reads.large.max}`,
    met: reads.small.max <= MAX_READS_PLUGIN && reads.large.max <= MAX_READS_PLUGIN,
    gates: true,
  },
  {
    target: `documents read per sign-up, ${SCALE_USERS[0]} = ${SCALE_USERS[1]} users`,
    measured: `${reads.small.max} = ${reads.large.max}`,
    met: readsEqual,
    gates: true,
  },
  {
    target: "the read lists add up to convex-test's count",
    measured: untraced.length === 0 ? "yes" : `no (${untraced.length} transactions)`,
    met: untraced.length === 0,
    gates: true,
  },
  {
    target: "every query reads through an index",
    measured: indexCheckFailed ? "no" : "yes",
    met: !indexCheckFailed,
    gates: true,
  },
  {
    // Deterministic: the same sources give the same bytes.
    target: `HTTP bundle, every request ≤ ${MAX_BUNDLE_RATIO} × baseline`,
    measured: `${fixed(bundleRatio)} (${kB(loaded("plugin").bytes)} / ${kB(loaded("baseline").bytes)} kB)`,
    met: bundleRatio <= MAX_BUNDLE_RATIO,
    gates: true,
  },
  {
    // Timing on a shared machine is noisy: reported, not gated.
    target: `modeled latency ≤ ${MAX_MODELED_SHARE} × baseline (rtt ${RTT} ms)`,
    measured: `${fixed(modeledRatio)} (${ms(modeled.plugin.median)} / ${ms(modeled.baseline.median)} ms)`,
    met: modeledRatio <= MAX_MODELED_SHARE,
    gates: false,
  },
  {
    target: `time on convex-test, per pair ≤ ${MAX_TIME_RATIO} × baseline`,
    measured: `${fixed(ratios.median)} (median; ${ms(times.plugin.median)} / ${ms(times.baseline.median)} ms)`,
    met: ratios.median <= MAX_TIME_RATIO,
    gates: false,
  },
];
console.log(heading("Targets"));
console.log(
  table(
    ["target", "measured", "result", "fails the bench"],
    targets.map((t) => [t.target, t.measured, t.met ? "PASS" : "FAIL", t.gates ? "yes" : "no (noisy timing)"]),
  ),
);
const failed = targets.filter((t) => t.gates && !t.met);

console.log(
  `\ntotal bench time ${((performance.now() - started) / 1000) | 0} s` +
    (failed.length > 0 ? ` — FAILED: ${failed.map((t) => t.target).join("; ")}` : ""),
);
console.log(
  `BENCH ratio_median=${fixed(ratios.median)} tx_plugin=${tx.plugin} tx_baseline=${tx.baseline} ` +
    `calls_plugin=${calls.plugin} calls_baseline=${calls.baseline} ` +
    `reads_100=${reads.small.max} reads_10000=${reads.large.max} ` +
    `modeled_ms_plugin=${fixed(modeled.plugin.median, 1)} modeled_ms_baseline=${fixed(modeled.baseline.median, 1)} ` +
    `bundle_kb=${kB(loaded("plugin").bytes)} bundle_baseline_kb=${kB(loaded("baseline").bytes)} ` +
    `nested_plugin=${nestedPlugin} peer_ca_tx=${peerTx} peer_ca_ms=${fixed(times["convex-auth"].median, 1)}`,
);
process.exit(failed.length > 0 ? 1 : 0);
