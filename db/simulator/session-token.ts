/**
 * The `session` object the simulator hands out and the client sends back with every Execute.
 *
 * Its shape copies PlanetScale's (database-js tests and captured responses): a `signature` over the
 * session plus a `vitessSession` with `SessionUUID`, `autocommit`, `options` and, inside a transaction,
 * `inTransaction: true`. Clients treat it as opaque; the simulator signs `SessionUUID` and the
 * transaction flag with HMAC-SHA-256 under a per-process random key.
 */
import { createHmac, randomBytes, timingSafeEqual } from "node:crypto";

/** What the simulator needs to know about a session. */
export interface SessionState {
  /** Random, URL-safe; names the dedicated connection while a transaction is open. */
  id: string;
  inTransaction: boolean;
}

/** The session as it travels in JSON. */
export interface PsSession {
  signature: string;
  vitessSession: {
    autocommit: boolean;
    options: { includedFields: "ALL"; clientFoundRows: boolean };
    inTransaction?: boolean;
    DDLStrategy: string;
    SessionUUID: string;
    enableSystemSettings: boolean;
  };
}

/** Signs and checks session objects for one simulator instance. */
export class SessionCodec {
  readonly #key = randomBytes(32);

  /** A fresh session id (22 characters of base64url, 128 bits). */
  newId(): string {
    return randomBytes(16).toString("base64url");
  }

  /** The JSON session for `state`. */
  encode(state: SessionState): PsSession {
    const vitessSession: PsSession["vitessSession"] = {
      autocommit: true,
      options: { includedFields: "ALL", clientFoundRows: true },
      DDLStrategy: "direct",
      SessionUUID: state.id,
      enableSystemSettings: true,
    };
    if (state.inTransaction) vitessSession.inTransaction = true;
    return { signature: this.#sign(state), vitessSession };
  }

  /**
   * The state inside a session the client sent back.
   *
   * A session this instance did not sign (another simulator run, or tampered with) keeps only its claim
   * to be inside a transaction and gets a fresh id, so it can never reach another session's connection;
   * the caller then reports that transaction as gone.
   *
   * @returns null for an absent or malformed session.
   */
  decode(raw: unknown): SessionState | null {
    const s = raw as Partial<PsSession> | null | undefined;
    const id = s?.vitessSession?.SessionUUID;
    if (typeof id !== "string" || typeof s?.signature !== "string") return null;
    const state = { id, inTransaction: s.vitessSession?.inTransaction === true };
    const want = Buffer.from(this.#sign(state));
    const got = Buffer.from(s.signature);
    if (want.length === got.length && timingSafeEqual(want, got)) return state;
    return { id: this.newId(), inTransaction: state.inTransaction };
  }

  #sign(state: SessionState): string {
    return createHmac("sha256", this.#key).update(`${state.id}\n${state.inTransaction ? 1 : 0}`).digest("base64");
  }
}
