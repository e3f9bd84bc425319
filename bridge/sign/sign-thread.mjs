/**
 * The body of one DKIM signing thread (./threaded-signer.ts). Plain JavaScript so that it loads in any
 * Node process, with or without a TypeScript loader. It receives mailauth's options once (workerData:
 * key, selector, header list; built by ./dkim.ts's signOptions) and then, per message,
 * `{ id, message: Uint8Array, signingDomain }`; it answers `{ id, signatures, errors }` or `{ id, error }`.
 */
import { parentPort, workerData } from "node:worker_threads";
import { dkimSign } from "mailauth/lib/dkim/sign.js";

const base = workerData.options;

parentPort.on("message", async ({ id, message, signingDomain }) => {
  try {
    // As ./dkim.ts's forMessage: the signing time is fixed once (mailauth would read the clock twice).
    const options = { ...base, signTime: new Date(), signatureData: base.signatureData.map((d) => ({ ...d, signingDomain })) };
    const bytes = Buffer.from(message.buffer, message.byteOffset, message.byteLength);
    const { signatures, errors } = await dkimSign(bytes, options);
    parentPort.postMessage({ id, signatures, errors: errors.map((e) => e?.err?.message ?? String(e)) });
  } catch (err) {
    parentPort.postMessage({ id, error: err instanceof Error ? err.message : String(err) });
  }
});
