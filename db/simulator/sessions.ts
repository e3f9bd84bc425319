/**
 * Runs statements for PlanetScale sessions on a mysql2 pool.
 *
 * Outside a transaction every statement goes to whichever pooled connection is free (as Vitess does).
 * `BEGIN` / `START TRANSACTION` takes one connection out of the pool for that session; the session's
 * later statements run on it, one after another in arrival order, until `COMMIT` or `ROLLBACK` (not
 * `ROLLBACK TO SAVEPOINT`) gives it back. A transaction left idle for `idleMs` is abandoned: its
 * connection is destroyed (the server rolls back) and its session's next statement fails with ABORTED,
 * as PlanetScale fails a statement for a transaction it killed.
 *
 * Not emulated: `SET autocommit = 0`, `COMMIT AND CHAIN`, and session state (user variables, `SET`)
 * outside a transaction, which lands on an arbitrary pooled connection.
 */
import type { FieldPacket, Pool, PoolConnection, ResultSetHeader } from "mysql2/promise";
import { encodeHeader, encodeRows, type PsResult, type RawRow } from "./encode.js";
import { isSqlError, sqlError, transactionGone, type PsError } from "./errors.js";
import type { SessionState } from "./session-token.js";

/** The result of one statement: the session to hand back, and a result or a SQL error. */
export interface Outcome {
  state: SessionState;
  result?: PsResult;
  error?: PsError;
}

/** How a statement affects the transaction state. */
export type StatementKind = "begin" | "commit" | "rollback" | "other";

const LEADING_NOISE = /^(?:\s+|\/\*(?!!)[\s\S]*?\*\/|(?:--\s|#)[^\n]*(?:\n|$))*/;

/** Classifies a statement by its first keyword(s), ignoring leading whitespace and comments. */
export function classify(sql: string): StatementKind {
  const s = sql.replace(LEADING_NOISE, "");
  if (/^(?:begin(?:\s+work)?|start\s+transaction)\b(?!\s+not\s+atomic)/i.test(s)) return "begin";
  if (/^commit\b/i.test(s)) return "commit";
  if (/^rollback\b(?!\s+(?:work\s+)?to\b)/i.test(s)) return "rollback";
  return "other";
}

interface OpenTransaction {
  id: string;
  conn: Promise<PoolConnection>;
  /** The last queued statement; the next one starts after it settles. */
  tail: Promise<unknown>;
  timer?: NodeJS.Timeout;
  closed: boolean;
}

/** Options for {@link SessionPool}. */
export interface SessionPoolOptions {
  /** Idle time after which an open transaction is abandoned, in ms. */
  idleMs: number;
  /** Database name shown as the Vitess target in error messages. */
  target: string;
  /** Username shown as CallerID in error messages. */
  caller: string;
  /** Makes a new session id. */
  newId(): string;
}

/** Sessions over one mysql2 pool whose rows come back as arrays of raw Buffers. */
export class SessionPool {
  readonly #open = new Map<string, OpenTransaction>();

  constructor(private readonly pool: Pool, private readonly opts: SessionPoolOptions) {}

  /** Number of transactions holding a dedicated connection right now. */
  get openTransactions(): number {
    return this.#open.size;
  }

  /**
   * Runs `sql` for the session the client sent (`null`: a new one).
   *
   * @returns the outcome; SQL errors are returned in `error`, never thrown.
   * @throws errors that are not MySQL's (the server is unreachable, a connection died).
   */
  async execute(sql: string, incoming: SessionState | null): Promise<Outcome> {
    const kind = classify(sql);
    const id = incoming?.id ?? this.opts.newId();
    const open = this.#open.get(id);
    if (open) return this.#enqueue(open, sql, kind);
    if (incoming?.inTransaction && kind !== "rollback") {
      return { state: { id, inTransaction: false }, error: transactionGone(this.opts.target, this.opts.caller, id) };
    }
    if (kind === "commit" || kind === "rollback") return { state: { id, inTransaction: false }, result: {} };
    if (kind === "begin") {
      const tx: OpenTransaction = { id, conn: this.pool.getConnection(), tail: Promise.resolve(), closed: false };
      tx.conn.catch(() => this.#finish(tx, "destroy"));
      this.#open.set(id, tx);
      return this.#enqueue(tx, sql, kind);
    }
    return this.#runPooled(sql, { id, inTransaction: false });
  }

  /** Abandons every open transaction (their connections are destroyed, so the server rolls back). */
  close(): void {
    for (const tx of [...this.#open.values()]) this.#finish(tx, "destroy");
  }

  #enqueue(tx: OpenTransaction, sql: string, kind: StatementKind): Promise<Outcome> {
    const step = async (): Promise<Outcome> => {
      if (tx.closed) {
        return { state: { id: tx.id, inTransaction: false }, error: transactionGone(this.opts.target, this.opts.caller, tx.id) };
      }
      clearTimeout(tx.timer);
      const ends = kind === "commit" || kind === "rollback";
      let conn: PoolConnection;
      try {
        conn = await tx.conn;
      } catch (err) {
        this.#finish(tx, "destroy");
        throw err;
      }
      try {
        const out = await this.#run(conn, sql, { id: tx.id, inTransaction: !ends });
        if (ends) this.#finish(tx, "release");
        return out;
      } catch (err) {
        this.#finish(tx, "destroy");
        throw err;
      } finally {
        if (!tx.closed) tx.timer = setTimeout(() => this.#finish(tx, "destroy"), this.opts.idleMs).unref();
      }
    };
    const outcome = tx.tail.then(step, step);
    tx.tail = outcome.catch(() => undefined);
    return outcome;
  }

  /**
   * A statement outside a transaction, on a pooled connection taken for it and given back after.
   * Not `pool.query()`: mysql2's `Pool.query` left each result reachable past the next minor GC. With
   * mysql2 alone, 1,500 page statements: of ~8 MB allocated between two scavenges ~4 MB survived each
   * one and 3.5 MB was promoted; taking and releasing the connection as here, 0.07 MB, as on a single
   * connection. In the simulator under the benchmark's page loop that made scavenges ~5 ms long and a
   * mark-compact follow about every second.
   */
  async #runPooled(sql: string, state: SessionState): Promise<Outcome> {
    const conn = await this.pool.getConnection();
    let out: Outcome;
    try {
      out = await this.#run(conn, sql, state);
    } catch (err) {
      // Not a SQL error (#run returns those): the connection is suspect, as in #enqueue.
      conn.destroy();
      throw err;
    }
    conn.release();
    return out;
  }

  async #run(executor: PoolConnection, sql: string, state: SessionState): Promise<Outcome> {
    try {
      const [rows, fields] = await executor.query(sql);
      return { state, result: encodeResult(rows, fields) };
    } catch (err) {
      if (isSqlError(err) && !(err as { fatal?: boolean }).fatal) {
        return { state, error: sqlError(err, this.opts.target, this.opts.caller) };
      }
      throw err;
    }
  }

  #finish(tx: OpenTransaction, how: "release" | "destroy"): void {
    if (tx.closed) return;
    tx.closed = true;
    clearTimeout(tx.timer);
    if (this.#open.get(tx.id) === tx) this.#open.delete(tx.id);
    tx.conn.then((conn) => (how === "release" ? conn.release() : conn.destroy()), () => undefined);
  }
}

function encodeResult(rows: unknown, fields: FieldPacket[] | undefined): PsResult {
  if (!fields) return encodeHeader(rows as ResultSetHeader);
  // A CALL returns several result sets; like PlanetScale's single-result API we keep the first.
  if (Array.isArray(fields[0])) return encodeRows((rows as RawRow[][])[0] ?? [], fields[0] as FieldPacket[]);
  return encodeRows(rows as RawRow[], fields);
}
