/**
 * Sign stage on worker threads: the same DKIM signature as ./dkim.ts (the same signer and settings), made
 * on `threads` threads (./sign-thread.mjs) so that RSA signing and body hashing (about a quarter of the
 * bridge's CPU per forwarded message, measured with `npm run bench`) leave the event loop that serves
 * SMTP sessions and deliveries.
 *
 * A message is copied to its thread. Messages larger than `inlineAboveBytes` are signed in this thread
 * instead: copying them would cost more memory than the thread saves time. A thread that dies fails its
 * messages with a temporary `451 4.3.0` MailError (the queue retries them) and is replaced.
 */
import { Worker } from "node:worker_threads";
import { MailError, toMailError } from "../mail/errors.js";
import { joinParts } from "../mail/message-parts.js";
import type { Signer } from "../mail/types.js";
import { SIGNED_FIELDS, TEMPORARY, createDkimSigner, type SignResult, withSignature } from "./dkim.js";

export interface ThreadedSignerOptions {
  selector: string;
  /** RSA private key, PEM. */
  privateKey: string;
  /** Signing threads, at least 1. */
  threads: number;
  /** Messages above this many bytes are signed in the calling thread (default 256 KiB). */
  inlineAboveBytes?: number;
}

/** The Signer plus `close()`, which ends the threads (pending signatures fail). */
export interface ThreadedSigner {
  sign: Signer;
  close(): Promise<void>;
}

type Answer = { id: number; error?: string } & Partial<SignResult>;
interface Pending { resolve: (r: SignResult) => void; reject: (e: Error) => void }
interface Slot { worker: Worker; pending: Map<number, Pending> }

const THREAD_FILE = new URL("./sign-thread.mjs", import.meta.url);

/**
 * @throws Error at creation when the key is not an RSA private key (a configuration error)
 * @example const { sign, close } = createThreadedSigner({ selector: "vm1", privateKey: pem, threads: 2 })
 */
export function createThreadedSigner(opts: ThreadedSignerOptions): ThreadedSigner {
  const inline = createDkimSigner(opts); // also refuses a key that is not RSA

  const inlineAbove = opts.inlineAboveBytes ?? 256 * 1024;
  const workerData = { selector: opts.selector, privateKey: opts.privateKey, headerList: SIGNED_FIELDS };
  const slots: Slot[] = [];
  let nextId = 1;
  let closed = false;

  const spawn = (index: number): void => {
    const slot: Slot = { worker: new Worker(THREAD_FILE, { workerData }), pending: new Map() };
    slot.worker.unref();
    slot.worker.on("message", (answer: Answer) => {
      const p = slot.pending.get(answer.id);
      if (!p) return;
      slot.pending.delete(answer.id);
      if (answer.error !== undefined) p.reject(toMailError("sign", new Error(answer.error)));
      else p.resolve({ signatures: answer.signatures ?? "", errors: answer.errors ?? [] });
    });
    const fail = (why: string) => {
      for (const p of slot.pending.values()) p.reject(new MailError("sign", TEMPORARY, { detail: `signing thread ${why}` }));
      slot.pending.clear();
      if (!closed && slots[index] === slot) spawn(index);
    };
    slot.worker.on("error", (err) => fail(`failed: ${err.message}`));
    slot.worker.on("exit", (code) => fail(`exited with code ${code}`));
    slots[index] = slot;
  };
  for (let i = 0; i < Math.max(1, opts.threads); i++) spawn(i);

  const onThread = (message: Buffer, signingDomain: string): Promise<SignResult> => {
    const slot = slots.reduce((best, s) => (s.pending.size < best.pending.size ? s : best));
    const id = nextId++;
    return new Promise<SignResult>((resolve, reject) => {
      slot.pending.set(id, { resolve, reject });
      slot.worker.postMessage({ id, message, signingDomain });
    });
  };

  return {
    async sign(message, signingDomain) {
      if (closed || message.size > inlineAbove) return inline(message, signingDomain);
      return withSignature(message, signingDomain, await onThread(joinParts(message), signingDomain));
    },
    async close() {
      closed = true;
      await Promise.all(slots.map((s) => s.worker.terminate()));
    },
  };
}
