/**
 * A fake of the Worker's internal API for bridge tests that run the bridge as its own process (where an
 * in-process fake directory cannot be injected): `POST /internal/v1/resolve` answers from a table,
 * `POST /internal/v1/events` stores each event id once. Requests must carry a valid signature
 * (common/signature.ts), checked with the same `verifyRequest` the Worker uses. The real Worker's
 * endpoints are covered by the lead's Worker and integration tests.
 */
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import type { BridgeEvent, ResolveRequest, ResolveResponse } from "../../common/internal-api.js";
import { verifyRequest } from "../../common/signature.js";

export interface FakeWorker {
  url: string;
  resolveCalls: ResolveRequest[];
  /** Distinct events received, in order. */
  events: BridgeEvent[];
  /** Requests refused for a bad signature. */
  unauthorized: number;
  /** Force every response to this status (e.g. 500), or `null` for normal behaviour. */
  failWith: number | null;
  /** Delay each resolve answer by this many ms. */
  resolveDelayMs: number;
  /** Answer resolve with this raw body instead of the table (for schema tests). */
  rawResolveBody: string | null;
  close(): Promise<void>;
}

/**
 * @param secrets node name → secret, as the Worker's BRIDGE_SECRETS
 * @param table RCPT (lower case) → answer; anything else gets `550 5.1.1`
 */
export async function startFakeWorker(secrets: Record<string, string>, table: Record<string, ResolveResponse>): Promise<FakeWorker> {
  const seen = new Set<string>();
  const secretMap = new Map(Object.entries(secrets));
  const state: Omit<FakeWorker, "url" | "close"> = {
    resolveCalls: [], events: [], unauthorized: 0, failWith: null, resolveDelayMs: 0, rawResolveBody: null,
  };
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", async () => {
      const body = Buffer.concat(chunks).toString("utf8");
      const send = (status: number, payload: unknown) => {
        res.writeHead(status, { "content-type": "application/json" });
        res.end(typeof payload === "string" ? payload : JSON.stringify(payload));
      };
      const headers = { get: (name: string) => (req.headers[name] as string | undefined) ?? null };
      const verdict = await verifyRequest(secretMap, req.method ?? "", req.url ?? "", body, headers);
      if (!verdict.ok) {
        state.unauthorized++;
        return send(401, { error: { code: "UNAUTHORIZED", message: verdict.reason } });
      }
      if (state.failWith) return send(state.failWith, { error: { code: "FAIL", message: "forced" } });
      if (req.url === "/internal/v1/resolve") {
        const request = JSON.parse(body) as ResolveRequest;
        state.resolveCalls.push(request);
        if (state.resolveDelayMs) await new Promise((r) => setTimeout(r, state.resolveDelayMs));
        if (state.rawResolveBody !== null) return send(200, state.rawResolveBody);
        return send(200, table[request.rcptTo.toLowerCase()] ?? { action: "reject", reply: { code: 550, enhanced: "5.1.1", message: "Address unknown" } });
      }
      if (req.url === "/internal/v1/events") {
        const { events } = JSON.parse(body) as { events: BridgeEvent[] };
        let applied = 0;
        for (const e of events) if (!seen.has(e.id)) { seen.add(e.id); state.events.push(e); applied++; }
        return send(200, { applied, duplicates: events.length - applied });
      }
      send(404, { error: { code: "NOT_FOUND", message: "no route" } });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return Object.assign(state, {
    url: `http://127.0.0.1:${port}`,
    close: () => new Promise<void>((resolve) => { server.closeAllConnections(); server.close(() => resolve()); }),
  });
}
