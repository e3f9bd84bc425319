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
  workerUrl: string;
  adminSecret: string;
  dkimSelector: string;
  dkimKeyFile: string;
  sharedDomain: string;
  mx: { name: string; host: string; port: number }[];
  sinkPort: number;
  outboxDir: string;
}
