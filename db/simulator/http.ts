/**
 * The HTTP face of the simulator: PlanetScale's two RPCs, as @planetscale/database calls them.
 *
 *   POST /psdb.v1alpha1.Database/Execute        {"query": "…", "session": <session|null>}
 *     → 200 {"session": …, "result": {…}, "timing": seconds}     statement ran
 *     → 200 {"session": …, "error": {"code", "message"}, "timing"} MySQL refused it
 *   POST /psdb.v1alpha1.Database/CreateSession  {}
 *     → 200 {"branch": db, "user": {…}, "session": …}
 *
 * Every request needs HTTP Basic credentials equal to the configured ones, otherwise 401
 * `{"error":{"code":"unauthenticated","message":"invalid auth credentials"}}` and nothing runs.
 * Other failures: 400 invalid_argument (body), 404 not_found (path), 405 (method), 413 (body over
 * 32 MiB), 503 unavailable (MySQL unreachable), 500 internal. Connections are kept alive.
 */
import { createHash, timingSafeEqual } from "node:crypto";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import { HttpError, unauthenticated } from "./errors.js";
import type { SessionPool } from "./sessions.js";
import type { SessionCodec } from "./session-token.js";

const EXECUTE = "/psdb.v1alpha1.Database/Execute";
const CREATE_SESSION = "/psdb.v1alpha1.Database/CreateSession";
const MAX_BODY = 32 * 1024 * 1024;

/** What the server needs. */
export interface HandlerDeps {
  sessions: SessionPool;
  codec: SessionCodec;
  username: string;
  password: string;
  /** Database name, reported as the branch. */
  database: string;
}

/** Creates (does not start) the HTTP server. */
export function createSimulatorServer(deps: HandlerDeps): Server {
  const expected = digest(`${deps.username}:${deps.password}`);
  const server = createServer({ keepAlive: true }, (req, res) => {
    handle(req, res, deps, expected).catch((err: unknown) => send(res, toHttpError(err)));
  });
  server.keepAliveTimeout = 65_000;
  server.headersTimeout = 66_000;
  return server;
}

async function handle(req: IncomingMessage, res: ServerResponse, deps: HandlerDeps, expected: Buffer): Promise<void> {
  const path = (req.url ?? "").split("?")[0];
  if (path !== EXECUTE && path !== CREATE_SESSION) throw new HttpError(404, "not_found", `no such method: ${path}`);
  if (req.method !== "POST") throw new HttpError(405, "invalid_argument", "use POST");
  if (!authorized(req.headers.authorization, expected)) {
    req.resume();
    throw unauthenticated();
  }
  const body = await readJson(req);
  if (path === CREATE_SESSION) {
    const session = deps.codec.encode({ id: deps.codec.newId(), inTransaction: false });
    const user = { username: deps.username, psid: "simulator", role: "admin" };
    return send(res, 200, { branch: deps.database, user, session });
  }
  const query = (body as { query?: unknown }).query;
  if (typeof query !== "string" || query.trim() === "") {
    throw new HttpError(400, "invalid_argument", "query must be a non-empty string");
  }
  const started = performance.now();
  const incoming = deps.codec.decode((body as { session?: unknown }).session);
  const outcome = await deps.sessions.execute(query, incoming);
  const timing = (performance.now() - started) / 1000;
  const session = deps.codec.encode(outcome.state);
  send(res, 200, outcome.error ? { session, error: outcome.error, timing } : { session, result: outcome.result, timing });
}

function digest(s: string): Buffer {
  return createHash("sha256").update(s).digest();
}

function authorized(header: string | undefined, expected: Buffer): boolean {
  const match = /^Basic\s+([A-Za-z0-9+/=]+)\s*$/i.exec(header ?? "");
  if (!match) return false;
  return timingSafeEqual(digest(Buffer.from(match[1]!, "base64").toString("utf8")), expected);
}

async function readJson(req: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > MAX_BODY) throw new HttpError(413, "resource_exhausted", "request body too large");
    chunks.push(chunk);
  }
  const text = Buffer.concat(chunks).toString("utf8");
  if (text === "") return {};
  try {
    const parsed: unknown = JSON.parse(text);
    if (parsed && typeof parsed === "object") return parsed;
  } catch {
    // fall through
  }
  throw new HttpError(400, "invalid_argument", "request body must be a JSON object");
}

function toHttpError(err: unknown): HttpError {
  if (err instanceof HttpError) return err;
  const e = err as { code?: unknown; message?: unknown };
  const detail = typeof e?.message === "string" ? e.message : String(err);
  const code = typeof e?.code === "string" ? e.code : "";
  const unavailable = /^(ECONN|ETIMEDOUT|EHOSTUNREACH|ENOTFOUND|PROTOCOL_|ER_CON)/.test(code) || (err as { fatal?: boolean })?.fatal;
  return unavailable
    ? new HttpError(503, "unavailable", `database unavailable: ${detail}`)
    : new HttpError(500, "internal", `internal error: ${detail}`);
}

function send(res: ServerResponse, statusOrError: number | HttpError, payload?: unknown): void {
  if (res.headersSent) return void res.destroy();
  const [status, body] = statusOrError instanceof HttpError ? [statusOrError.status, statusOrError.body()] : [statusOrError, payload];
  const json = JSON.stringify(body);
  res.writeHead(status, { "Content-Type": "application/json", "Content-Length": Buffer.byteLength(json) });
  res.end(json);
}
