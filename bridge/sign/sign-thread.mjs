/**
 * The body of one DKIM signing thread (./threaded-signer.ts). Plain JavaScript so that it loads in any
 * Node process, with or without a TypeScript loader. It receives the signer's settings once (workerData:
 * `{ selector, privateKey, headerList }`; the key is parsed once per thread by ./mailauth-signer.mjs)
 * and then, per message, `{ id, message: Uint8Array, signingDomain }`; it answers
 * `{ id, signatures, errors }` or `{ id, error }`.
 */
import { parentPort, workerData } from "node:worker_threads";
import { createMailauthSigner } from "./mailauth-signer.mjs";

const sign = createMailauthSigner(workerData);

parentPort.on("message", async ({ id, message, signingDomain }) => {
  try {
    const bytes = Buffer.from(message.buffer, message.byteOffset, message.byteLength);
    // As ./dkim.ts: the signing time is fixed once per message (mailauth would read the clock twice).
    const { signatures, errors } = await sign(bytes, signingDomain, new Date());
    parentPort.postMessage({ id, signatures, errors });
  } catch (err) {
    parentPort.postMessage({ id, error: err instanceof Error ? err.message : String(err) });
  }
});
