/**
 * Counts Convex function calls at the boundary convex-test dispatches through: every query,
 * mutation and action is resolved from the modules map (`resolveFunction` reads the export's
 * `_handler`), so wrapping each export's handler sees every call, nested ones and scheduled ones
 * included. HTTP actions are counted where they enter: `t.fetch`.
 *
 * Each call is placed by what encloses it (known through AsyncLocalStorage):
 * - **top level**: called from an HTTP action or an action (`ctx.runQuery/runMutation/runAction`),
 *   or by nothing. On a deployment each is a round trip from the action's runtime to the backend,
 *   and each query or mutation among them is a transaction of its own;
 * - **nested**: called from inside a query or mutation (a component call, a trigger); it runs in
 *   its caller's transaction, without a round trip;
 * - **scheduled**: started by the scheduler after its caller committed, and everything inside it.
 *   Nobody waits for it.
 *
 * A **request** is what a client sends into the deployment: an HTTP action, or a function called
 * by nothing counted (Convex Auth's client calls its `auth:signIn` action directly).
 *
 * With {@link traceReads} on, each call also knows the documents it read itself, by table: every
 * database syscall that convex-test counts as a read is put on the innermost counted call.
 */
import { AsyncLocalStorage } from "node:async_hooks";
import type { ModuleMap } from "./modules.js";

/** The kinds of Convex function a sign-up runs. */
export type CallKind = "query" | "mutation" | "action" | "http";

/** Where a call runs, relative to the call that made it (see the module's comment). */
export type CallLevel = "top" | "nested";

/** One function call: what ran, where, which table it was about, and how long it took. */
export type Call = {
  kind: CallKind;
  /** `component/module:export`, or the HTTP route. */
  name: string;
  /**
   * The tables the call's `ctx.db` queried or inserted into; for a call that touched none (it
   * failed first, or only deleted), the Better Auth model it was asked about.
   */
  table: string;
  level: CallLevel;
  /** Run by the scheduler (or inside such a call): after the request's answer. */
  scheduled: boolean;
  /** 0 for a top-level call, 1 for a call inside it, … */
  depth: number;
  /** The name of the call that made this one, if a counted call did. */
  parent?: string;
  /** Wall milliseconds, nested calls included. */
  ms: number;
  /** Wall milliseconds minus those of the counted calls made from inside it (and their dispatch). */
  selfMs: number;
  /**
   * Milliseconds convex-test spent getting the call to its handler and its answer back (validation,
   * serialization, the nested transaction), seen from the caller's `ctx.run*`.
   */
  dispatchMs?: number;
  /**
   * The operation a function that does several was asked for: Convex Auth's `auth:store` takes
   * `{ args: { type: "createVerificationCode", ... } }`.
   */
  operation?: string;
  /** Documents the transaction read (top-level queries and mutations only, nested reads included). */
  documentsRead?: number;
  /**
   * Documents this call read itself, by table (without those of the calls it made), when
   * {@link traceReads} is on.
   */
  reads: Map<string, number>;
};

/** Collects the calls of one setup; the bench takes them after each sign-up or request. */
export class CallLog {
  private calls: Call[] = [];

  record(call: Call) {
    this.calls.push(call);
  }

  /** The calls since the last `take`, in the order they started, and starts over. */
  take(): Call[] {
    const taken = this.calls;
    this.calls = [];
    return taken;
  }
}

/** An HTTP action: a request into the deployment. */
export const isHttp = (call: Call) => call.kind === "http";

/** A request into the deployment: an HTTP action, or a function a client called directly. */
export const isRequest = (call: Call) => call.parent === undefined && !call.scheduled;

/**
 * A top-level transaction on the request's path: a query, mutation or action called from an
 * (HTTP) action, which the request waits for, or a query or mutation a client called directly.
 * Scheduled work is not on the path.
 */
export const isTopLevelTx = (call: Call) =>
  call.kind !== "http" &&
  call.level === "top" &&
  !call.scheduled &&
  !(call.kind === "action" && isRequest(call));

/** A call inside a query or mutation's transaction (a component call, a trigger), on the path. */
export const isNested = (call: Call) => call.level === "nested" && !call.scheduled;

/** Round trips a client waits for: each request, and each top-level transaction it makes. */
export const roundTrips = (calls: readonly Call[]) =>
  calls.filter((call) => isRequest(call) || isTopLevelTx(call)).length;

/** Documents read by every transaction of these calls (scheduled ones included). */
export const documentsRead = (calls: readonly Call[]) =>
  calls.reduce((sum, call) => sum + (call.documentsRead ?? 0), 0);

type Registered = ((...args: unknown[]) => unknown) & {
  _handler: (ctx: any, args: any) => Promise<unknown>;
  isQuery?: boolean;
  isMutation?: boolean;
  isAction?: boolean;
};

const isRegistered = (value: unknown): value is Registered =>
  typeof value === "function" && "_handler" in value;

/** The counted call that encloses the code running now. */
type Frame = {
  call: Call;
  /** Cleared when the call ends: work it scheduled inherits the frame, but runs after it. */
  running: boolean;
  /** Milliseconds spent in counted calls made from inside this one. */
  childMs: number;
};
const enclosing = new AsyncLocalStorage<Frame>();
// Set by a counted `ctx.run*` around the call it makes, so that the callee can be found.
const dispatching = new AsyncLocalStorage<{ callee?: Call }>();

/** Where a call starting now runs, from the frame that encloses it. */
function placement(parent: Frame | undefined): Pick<Call, "level" | "scheduled" | "depth" | "parent"> {
  if (!parent) return { level: "top", scheduled: false, depth: 0 };
  // Started after its caller ended: the scheduler runs it as a top-level function of its own.
  if (!parent.running) return { level: "top", scheduled: true, depth: 0, parent: parent.call.name };
  const fromAction = parent.call.kind === "action" || parent.call.kind === "http";
  return {
    level: fromAction ? "top" : "nested",
    scheduled: parent.call.scheduled,
    depth: fromAction ? 0 : parent.call.depth + 1,
    parent: parent.call.name,
  };
}

/** Runs `work` as the counted call `call`, timing it and placing the calls it makes. */
async function runCounted<T>(call: Call, log: CallLog, work: () => Promise<T>): Promise<T> {
  const parent = enclosing.getStore();
  Object.assign(call, placement(parent));
  log.record(call);
  const dispatch = dispatching.getStore();
  if (dispatch && !dispatch.callee) dispatch.callee = call;
  const frame: Frame = { call, running: true, childMs: 0 };
  const start = performance.now();
  try {
    return await enclosing.run(frame, () => dispatching.exit(work));
  } finally {
    frame.running = false;
    call.ms = performance.now() - start;
    call.selfMs = call.ms - frame.childMs;
    if (parent?.running) parent.childMs += call.ms;
  }
}

/** The Better Auth model a component adapter call is about (`model`, or `input.model`). */
function modelOf(args: any): string | undefined {
  return typeof args?.model === "string"
    ? args.model
    : typeof args?.input?.model === "string"
      ? args.input.model
      : undefined;
}

/** `ctx.db`, noting the tables that `query` and `insert` name. */
function tracedDb(db: any, tables: Set<string>) {
  return new Proxy(db, {
    get(target, key, receiver) {
      const value = Reflect.get(target, key, receiver);
      if (key !== "query" && key !== "insert") return value;
      return (table: string, ...rest: unknown[]) => {
        tables.add(table);
        return value.call(target, table, ...rest);
      };
    },
  });
}

/** `ctx` with `runQuery`, `runMutation` and `runAction` timed from the caller's side. */
function timedRuns(ctx: any) {
  const timed = { ...ctx };
  for (const key of ["runQuery", "runMutation", "runAction"] as const) {
    if (typeof ctx[key] !== "function") continue;
    timed[key] = async (...args: unknown[]) => {
      const caller = enclosing.getStore();
      const dispatch: { callee?: Call } = {};
      const start = performance.now();
      try {
        return await dispatching.run(dispatch, () => ctx[key](...args));
      } finally {
        const callee = dispatch.callee;
        if (callee) {
          callee.dispatchMs = performance.now() - start - callee.ms;
          if (caller?.running) caller.childMs += callee.dispatchMs;
        }
      }
    };
  }
  return timed;
}

const newCall = (kind: CallKind, name: string): Call => ({
  kind,
  name,
  table: "",
  level: "top",
  scheduled: false,
  depth: 0,
  ms: 0,
  selfMs: 0,
  reads: new Map(),
});

function countedFunction(func: Registered, name: string, log: CallLog): Registered {
  const kind: CallKind = func.isQuery ? "query" : func.isMutation ? "mutation" : "action";
  const handler = async (ctx: any, args: any) => {
    const tables = new Set<string>();
    const call = newCall(kind, name);
    if (typeof args?.args?.type === "string") call.operation = args.args.type;
    const inner = timedRuns(ctx.db ? { ...ctx, db: tracedDb(ctx.db, tables) } : ctx);
    try {
      return await runCounted(call, log, async () => {
        const result = await func._handler(inner, args);
        // Read before the transaction ends: nested calls have folded their reads into it by now.
        if (call.level === "top" && kind !== "action")
          call.documentsRead = (await ctx.meta.getTransactionMetrics()).documentsRead.used;
        return result;
      });
    } finally {
      call.table = tables.size > 0 ? [...tables].sort().join(", ") : (modelOf(args) ?? "");
    }
  };
  return new Proxy(func, {
    get: (target, key, receiver) =>
      key === "_handler" ? handler : Reflect.get(target, key, receiver),
  });
}

type Router = { isRouter: true; lookup: (path: string, method: string) => unknown[] | null };

const isRouter = (value: unknown): value is Router =>
  typeof value === "object" && value !== null && (value as Router).isRouter === true;

/**
 * The HTTP router, its actions given a `ctx` whose `run*` calls are timed from the caller's side:
 * convex-test runs what `lookup` finds. (HTTP actions themselves are counted at `t.fetch`.)
 */
function timedRouter(router: Router): Router {
  return new Proxy(router, {
    get(target, key, receiver) {
      if (key !== "lookup") return Reflect.get(target, key, receiver);
      return (path: string, method: string) => {
        const found = target.lookup(path, method);
        if (!found || !isRegistered(found[0])) return found;
        const action = found[0];
        const handler = (ctx: any, request: Request) => action._handler(timedRuns(ctx), request);
        const timed = new Proxy(action, {
          get: (t, k, r) => (k === "_handler" ? handler : Reflect.get(t, k, r)),
        });
        return [timed, ...found.slice(1)];
      };
    },
  });
}

/**
 * The same modules, with every exported Convex function counted into `log` as
 * `<component>/<module>:<export>` (the component is omitted for the app itself).
 */
export function countedModules(modules: ModuleMap, log: CallLog, component?: string): ModuleMap {
  const prefix = component ? `${component}/` : "";
  return Object.fromEntries(
    Object.entries(modules).map(([key, load]) => {
      const modulePath = key.replace(/^\.\//, "").replace(/\.[^.]+$/, "");
      let counted: Promise<Record<string, unknown>> | undefined;
      const loadCounted = async () => {
        const exports: Record<string, unknown> = await load();
        return Object.fromEntries(
          Object.entries(exports).map(([exportName, value]) => [
            exportName,
            isRegistered(value)
              ? countedFunction(value, `${prefix}${modulePath}:${exportName}`, log)
              : isRouter(value)
                ? timedRouter(value)
                : value,
          ]),
        );
      };
      return [key, () => (counted ??= loadCounted())];
    }),
  );
}

/** `t.fetch`, each request counted as one HTTP action; the calls it makes are top level. */
export function countedFetch(
  fetch: (path: string, init?: RequestInit) => Promise<Response>,
  log: CallLog,
) {
  return (path: string, init?: RequestInit) => {
    const route = `${init?.method ?? "GET"} ${path.replace(/\?.*$/, "")}`;
    return runCounted(newCall("http", route), log, () => fetch(path, init));
  };
}

/** How many of `calls` share each key, e.g. by kind or by table. */
export function countBy(calls: readonly Call[], key: (call: Call) => string): Map<string, number> {
  const counts = new Map<string, number>();
  for (const call of calls) counts.set(key(call), (counts.get(key(call)) ?? 0) + 1);
  return counts;
}

/** Every document-read syscall convex-test counts (its `trackRead`), and the ids each one read. */
const READS: Record<string, (args: string, result: string) => string[]> = {
  "1.0/get": (_, result) => idsOf([JSON.parse(result)]),
  "1.0/queryStreamNext": (_, result) => idsOf([JSON.parse(result).value]),
  "1.0/queryPage": (_, result) => idsOf(JSON.parse(result).page),
  // A patch, replace or delete reads the document it writes.
  "1.0/shallowMerge": (args) => [JSON.parse(args).id],
  "1.0/replace": (args) => [JSON.parse(args).id],
  "1.0/remove": (args) => [JSON.parse(args).id],
};
const idsOf = (docs: ({ _id: string } | null)[]) =>
  docs.flatMap((doc) => (doc ? [doc._id] : []));

/** The table of a convex-test id: its ids are a counter followed by the table's name. */
const tableOf = (id: string) => id.replace(/^[0-9]+/, "");

let tracingReads = false;

type AsyncSyscall = (op: string, args: string) => Promise<string>;

/** `asyncSyscall`, counting what each read syscall reads into the call that made it. */
function tracedSyscall(asyncSyscall: AsyncSyscall): AsyncSyscall {
  return (op, args) => {
    const read = READS[op];
    const call = enclosing.getStore()?.call;
    // Everything else passes straight through, so the trace adds nothing to it.
    if (!read || !call) return asyncSyscall(op, args);
    return asyncSyscall(op, args).then((result) => {
      for (const id of read(args, result)) {
        const table = tableOf(id);
        call.reads.set(table, (call.reads.get(table) ?? 0) + 1);
      }
      return result;
    });
  };
}

/**
 * Puts each document a Convex function reads on the counted call that read it (`Call.reads`), by
 * wrapping the syscalls that convex-test installs as the global `Convex` when a test instance is
 * made. Call it after the first `convexTest(...)`; the bench checks the sum of a transaction's
 * reads against convex-test's own count (`documentsRead`).
 */
export function traceReads() {
  if (tracingReads) return;
  const runtime = (globalThis as { Convex?: Record<string, any> }).Convex;
  if (!runtime) throw new Error("traceReads: make a convexTest instance first");
  tracingReads = true;
  // convex-test's global hands out the syscalls of the instance that is running: one wrapper each.
  const traced = new WeakMap<AsyncSyscall, AsyncSyscall>();
  (globalThis as { Convex?: Record<string, any> }).Convex = {
    get syscall() {
      return runtime.syscall;
    },
    get jsSyscall() {
      return runtime.jsSyscall;
    },
    get asyncSyscall() {
      const asyncSyscall: AsyncSyscall = runtime.asyncSyscall;
      let wrapper = traced.get(asyncSyscall);
      if (!wrapper) traced.set(asyncSyscall, (wrapper = tracedSyscall(asyncSyscall)));
      return wrapper;
    },
  };
}
