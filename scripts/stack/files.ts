/**
 * Where the local stack keeps its state, in one place: `.data/` at the repository root (gitignored).
 */
import { fileURLToPath } from "node:url";

export const ROOT = fileURLToPath(new URL("../..", import.meta.url)).replace(/\/$/, "");
export const DATA_DIR = `${ROOT}/.data`;
/** Written by `npm run dev`: how to reach the running stack (read by `npm run admin`). */
export const STACK_FILE = `${DATA_DIR}/dev/stack.json`;
export const OUTBOX_DIR = `${DATA_DIR}/outbox`;

/** Contents of {@link STACK_FILE}. */
export interface StackInfo {
  /** The Worker for machines (admin CLI, bridges), e.g. `http://127.0.0.1:8787`. */
  workerUrl: string;
  /**
   * The dashboard and API as people and their clients reach it, and as links in mail name it (the
   * Worker's APP_URL): `http://localhost:<port>`, because WebAuthn refuses IP addresses as relying-party
   * ids (passkeys would not work at 127.0.0.1).
   */
  appUrl: string;
  adminSecret: string;
  dkimSelector: string;
  dkimKeyFile: string;
  sharedDomain: string;
  mx: { name: string; host: string; port: number }[];
  sinkPort: number;
  outboxDir: string;
}
