/**
 * Structured logs of the bridge: pino, one JSON object per line on stdout.
 *
 * Conventions: `msg` is a stage-namespaced event name (`receive:accepted`, `deliver:deferred`,
 * `spool:corrupt`, ...); every line about a message carries `spoolId` (use {@link forMessage}); real
 * recipient addresses are logged only at debug level. Nothing here reads the environment: the level
 * comes from {@link BridgeConfig.logLevel}.
 */
import { pino, type Logger as PinoLogger } from "pino";

export type Logger = PinoLogger;

/**
 * The root logger of one bridge.
 * @param level pino level, `silent` for none
 * @param node the bridge's name, added to every line as `node`
 * @param destination where lines go; stdout by default (tests may pass a stream)
 * @example const log = createLogger("info", "mx1"); log.info({ port }, "bridge:listening")
 */
export function createLogger(level: string, node: string, destination?: NodeJS.WritableStream): Logger {
  const options = { level, base: { node }, timestamp: pino.stdTimeFunctions.isoTime };
  return destination ? pino(options, destination as pino.DestinationStream) : pino(options);
}

/** A child logger for one spooled message: every line gets `spoolId`. */
export function forMessage(log: Logger, spoolId: string): Logger {
  return log.child({ spoolId });
}
