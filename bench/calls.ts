/**
 * Counts Convex function calls at the boundary convex-test dispatches through: every query,
 * mutation and action is resolved from the modules map (`resolveFunction` reads the export's
 * `_handler`), so wrapping each export's handler sees every call, nested ones and scheduled ones
 * included. HTTP actions are counted where they enter: `t.fetch`.
 */
import { AsyncLocalStorage } from "node:async_hooks";
import type { ModuleMap } from "./modules.js";

/** The kinds of Convex function a sign-up runs. */
export type CallKind = "query" | "mutation" | "action" | "http";

/** One function call: what ran, and which table it was about. */
export type Call = {
  kind: CallKind;
  /** `component/module:export`, or the HTTP route. */
  name: string;
  /**
   * The tables the call's `ctx.db` queried or inserted into; for a call that touched none (it
   * failed first, or only deleted), the Better Auth model it was asked about.
   */
  table: string;
};

/** Collects the calls of one setup; the bench takes them after each sign-up. */
export class CallLog {
  private calls: Call[] = [];
  /** Documents read by the top-level transactions since the last `take`. */
  documentsRead = 0;

  record(call: Call) {
    this.calls.push(call);
  }

  /** The calls since the last `take`, and starts over. */
  take(): { calls: Call[]; documentsRead: number } {
    const taken = { calls: this.calls, documentsRead: this.documentsRead };
    this.calls = [];
    this.documentsRead = 0;
    return taken;
  }
}

type Registered = ((...args: unknown[]) => unknown) & {
  _handler: (ctx: any, args: any) => Promise<unknown>;
  isQuery?: boolean;
  isMutation?: boolean;
  isAction?: boolean;
};

const isRegistered = (value: unknown): value is Registered =>
  typeof value === "function" && "_handler" in value;

// The counted call a nested one runs inside. Work scheduled from a call inherits this context too,
// but runs after the call has ended, as a transaction of its own: hence `running`.
const enclosing = new AsyncLocalStorage<{ running: boolean }>();

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

function countedFunction(func: Registered, name: string, log: CallLog): Registered {
  const kind: CallKind = func.isQuery ? "query" : func.isMutation ? "mutation" : "action";
  const handler = async (ctx: any, args: any) => {
    const tables = new Set<string>();
    const call: Call = { kind, name, table: "" };
    log.record(call);
    const inner = ctx.db ? { ...ctx, db: tracedDb(ctx.db, tables) } : ctx;
    const topLevel = kind !== "action" && !enclosing.getStore()?.running;
    const self = { running: true };
    try {
      const result = await enclosing.run(self, () => func._handler(inner, args));
      // Read before the transaction ends: nested calls have folded their reads into it by now.
      if (topLevel)
        log.documentsRead += (await ctx.meta.getTransactionMetrics()).documentsRead.used;
      return result;
    } finally {
      self.running = false;
      call.table = tables.size > 0 ? [...tables].sort().join(", ") : (modelOf(args) ?? "");
    }
  };
  return new Proxy(func, {
    get: (target, key, receiver) =>
      key === "_handler" ? handler : Reflect.get(target, key, receiver),
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
              : value,
          ]),
        );
      };
      return [key, () => (counted ??= loadCounted())];
    }),
  );
}

/** `t.fetch`, each request counted as one HTTP action. */
export function countedFetch(
  fetch: (path: string, init?: RequestInit) => Promise<Response>,
  log: CallLog,
) {
  return (path: string, init?: RequestInit) => {
    log.record({ kind: "http", name: `${init?.method ?? "GET"} ${path}`, table: "" });
    return fetch(path, init);
  };
}

/** How many of `calls` share each key, e.g. by kind or by table. */
export function countBy(calls: readonly Call[], key: (call: Call) => string): Map<string, number> {
  const counts = new Map<string, number>();
  for (const call of calls) counts.set(key(call), (counts.get(key(call)) ?? 0) + 1);
  return counts;
}
