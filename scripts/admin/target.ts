/**
 * Which Worker the admin CLI talks to, and the signed call itself.
 */
import { existsSync, readFileSync } from "node:fs";
import { signRequest } from "../../common/signature.js";
import { STACK_FILE, type StackInfo } from "../stack/files.js";

export interface AdminTarget {
  workerUrl: string;
  adminSecret: string;
  /** The dev stack's settings, when the target is the local stack. */
  stack: StackInfo | null;
}

/**
 * `WORKER_URL` + `ADMIN_SECRET` from the environment, else the running dev stack.
 * @throws Error telling the operator what to set
 */
export function loadTarget(env: NodeJS.ProcessEnv = process.env): AdminTarget {
  if (env.WORKER_URL && env.ADMIN_SECRET) return { workerUrl: env.WORKER_URL.replace(/\/$/, ""), adminSecret: env.ADMIN_SECRET, stack: null };
  const stack = loadStack();
  if (stack) return { workerUrl: stack.workerUrl, adminSecret: stack.adminSecret, stack };
  throw new Error("no Worker to talk to: set WORKER_URL and ADMIN_SECRET, or start the local stack with `npm run dev`");
}

/** The running dev stack's settings, or null when `npm run dev` has not written them. */
export function loadStack(): StackInfo | null {
  return existsSync(STACK_FILE) ? JSON.parse(readFileSync(STACK_FILE, "utf8")) as StackInfo : null;
}

/**
 * POSTs a signed JSON body to `/internal/v1/admin/<path>`.
 * @returns the parsed JSON answer
 * @throws Error with the Worker's error message on a non-2xx answer, or the network error
 */
export async function adminCall<T>(target: AdminTarget, path: string, body: unknown): Promise<T> {
  const fullPath = `/internal/v1/admin/${path}`;
  const json = JSON.stringify(body);
  const headers = await signRequest("admin", target.adminSecret, "POST", fullPath, json);
  let res: Response;
  try {
    res = await fetch(`${target.workerUrl}${fullPath}`, { method: "POST", body: json, headers: { ...headers, "content-type": "application/json" } });
  } catch (err) {
    throw new Error(`cannot reach the Worker at ${target.workerUrl}: ${(err as Error).message}`);
  }
  const answer = await res.json().catch(() => null) as { error?: { message?: string } } | null;
  if (!res.ok) throw new Error(answer?.error?.message ?? `the Worker answered ${res.status}`);
  return answer as T;
}
