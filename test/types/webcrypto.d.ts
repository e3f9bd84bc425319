/**
 * WebCrypto type names that Worker code uses (workers-types declares them globally) but @types/node 20
 * declares only under `crypto.webcrypto`. Node tests that import Worker modules (the account services)
 * need them to typecheck; at run time Node 20's global `crypto` is the same WebCrypto.
 */
declare global {
  type CryptoKey = import("node:crypto").webcrypto.CryptoKey;
  type BufferSource = ArrayBufferView | ArrayBuffer;
}
export {};
