/**
 * MySQL errors → PlanetScale (Vitess) errors, and the simulator's HTTP-level errors.
 *
 * A SQL error comes back with HTTP 200 as `{ session, error: { code, message } }`; @planetscale/database
 * throws it as `DatabaseError(message, 400, error)`. `code` is the Vitess RPC code name (NOT_FOUND,
 * ALREADY_EXISTS, …) and the message has Vitess's shape, MySQL's errno and sqlstate included:
 *
 *   target: veilmail.-.primary: vttablet: rpc error: code = AlreadyExists desc = Duplicate entry 'x'
 *   for key 'y' (errno 1062) (sqlstate 23000) (CallerID: user)
 *
 * Unlike PlanetScale, the statement text (`Sql: "…"`) is left out: Vitess normalises literals into bind
 * variables before it prints a statement, we would print the values (addresses) themselves.
 * The errno → code table follows Vitess's tabletserver error conversion for the errors an application
 * meets; anything else is UNKNOWN.
 */

/** The `error` member of a response body (database-js `VitessError`). */
export interface PsError {
  code: string;
  message: string;
}

/** Vitess RPC codes: protobuf enum name → the gRPC spelling used inside messages. */
const GRPC_NAME: Readonly<Record<string, string>> = {
  CANCELED: "Canceled", UNKNOWN: "Unknown", INVALID_ARGUMENT: "InvalidArgument",
  DEADLINE_EXCEEDED: "DeadlineExceeded", NOT_FOUND: "NotFound", ALREADY_EXISTS: "AlreadyExists",
  PERMISSION_DENIED: "PermissionDenied", RESOURCE_EXHAUSTED: "ResourceExhausted",
  FAILED_PRECONDITION: "FailedPrecondition", ABORTED: "Aborted", OUT_OF_RANGE: "OutOfRange",
  UNIMPLEMENTED: "Unimplemented", INTERNAL: "Internal", UNAVAILABLE: "Unavailable",
};

const CODE_BY_ERRNO: ReadonlyMap<number, string> = new Map([
  // duplicate key / existing object
  ...[1007, 1050, 1062, 1086, 1125, 1586].map((n) => [n, "ALREADY_EXISTS"] as const),
  // unknown table / column / key
  ...[1054, 1091, 1094, 1109, 1146, 1176].map((n) => [n, "NOT_FOUND"] as const),
  // bad statement or value
  ...[1048, 1049, 1064, 1065, 1136, 1138, 1264, 1265, 1292, 1364, 1366, 1406, 1411, 1525, 3140]
    .map((n) => [n, "INVALID_ARGUMENT"] as const),
  // constraint and state violations
  ...[1169, 1216, 1217, 1451, 1452, 1792, 3819, 4025].map((n) => [n, "FAILED_PRECONDITION"] as const),
  ...[1044, 1045, 1142, 1143, 1227].map((n) => [n, "PERMISSION_DENIED"] as const),
  [1213, "ABORTED"], [1205, "DEADLINE_EXCEEDED"], [1317, "CANCELED"], [3024, "DEADLINE_EXCEEDED"],
  ...[1040, 1041, 1114, 1135, 1153, 1203, 1206].map((n) => [n, "RESOURCE_EXHAUSTED"] as const),
  ...[1053, 2002, 2003, 2006, 2013].map((n) => [n, "UNAVAILABLE"] as const),
]);

/** What mysql2 puts on a server error. */
export interface MysqlError {
  errno?: number;
  sqlState?: string;
  sqlMessage?: string;
  message?: string;
}

/** True for an error MySQL/MariaDB sent (it has an errno and a sqlstate), false for socket errors etc. */
export function isSqlError(err: unknown): err is MysqlError & { errno: number; sqlState: string } {
  const e = err as MysqlError | null;
  return typeof e?.errno === "number" && e.errno > 0 && typeof e.sqlState === "string";
}

/**
 * PlanetScale's error for a MySQL server error.
 *
 * @param target keyspace name shown in the message (the database name).
 * @param caller the authenticated username (Vitess's CallerID).
 */
export function sqlError(err: MysqlError & { errno: number; sqlState: string }, target: string, caller: string): PsError {
  const code = CODE_BY_ERRNO.get(err.errno) ?? "UNKNOWN";
  const desc = err.sqlMessage ?? err.message ?? "";
  return {
    code,
    message: `target: ${target}.-.primary: vttablet: rpc error: code = ${GRPC_NAME[code]} desc = ${desc} ` +
      `(errno ${err.errno}) (sqlstate ${err.sqlState}) (CallerID: ${caller})`,
  };
}

/**
 * The error for a statement sent with a session whose transaction no longer exists (idle timeout, or a
 * simulator restart), shaped like Vitess's "transaction … ended" error.
 */
export function transactionGone(target: string, caller: string, sessionId: string): PsError {
  return {
    code: "ABORTED",
    message: `target: ${target}.-.primary: vttablet: rpc error: code = Aborted desc = transaction ${sessionId}: ` +
      `ended (idle timeout or unknown session) (CallerID: ${caller})`,
  };
}

/** An HTTP-level failure: status plus the JSON body `{ error: { code, message } }` database-js reads. */
export class HttpError extends Error {
  constructor(readonly status: number, readonly code: string, message: string) {
    super(message);
    this.name = "HttpError";
  }

  /** The response body. */
  body(): { error: PsError } {
    return { error: { code: this.code, message: this.message } };
  }
}

/** 401 for missing or wrong Basic credentials, as PlanetScale answers (database-js's own test fixture). */
export const unauthenticated = (): HttpError => new HttpError(401, "unauthenticated", "invalid auth credentials");
