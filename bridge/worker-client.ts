/**
 * The bridge's HTTP client for the Worker's internal API (`/internal/v1/*`): JSON POSTs signed with the
 * bridge's HMAC secret (common/signature.ts), with a timeout. Used by the resolve and report stages.
 * Keep-alive comes from Node's fetch (undici), which pools connections per origin.
 */
import { signRequest } from "../common/signature.js";

export interface WorkerClientOptions {
  /** Base URL, e.g. `http://127.0.0.1:8787`. */
  workerUrl: string;
  /** This bridge's name (`mx1`): selects the secret on the Worker. */
  nodeName: string;
  secret: string;
}

/** What came back: status and the parsed JSON body (`undefined` when not JSON). */
export interface WorkerResponse {
  status: number;
  body: unknown;
}

export type PostSigned = (path: string, payload: unknown, timeoutMs: number) => Promise<WorkerResponse>;

/**
 * Returns a function that POSTs `payload` as JSON to `path` (e.g. `/internal/v1/resolve`), signed.
 * @throws the fetch error on network failure or timeout (`TimeoutError` / `AbortError`)
 * @example const post = workerClient({ workerUrl, nodeName: "mx1", secret }); await post("/internal/v1/events", { events }, 10_000)
 */
export function workerClient(options: WorkerClientOptions): PostSigned {
  return async (path, payload, timeoutMs) => {
    const url = new URL(path, options.workerUrl);
    const body = JSON.stringify(payload);
    const headers = await signRequest(options.nodeName, options.secret, "POST", url.pathname + url.search, body);
    const res = await fetch(url, {
      method: "POST",
      headers: { ...headers, "content-type": "application/json" },
      body,
      signal: AbortSignal.timeout(timeoutMs),
    });
    const text = await res.text();
    let parsed: unknown;
    try {
      parsed = text ? JSON.parse(text) : undefined;
    } catch {
      parsed = undefined;
    }
    return { status: res.status, body: parsed };
  };
}
