/**
 * mailauth's DKIM signer with the private key parsed once per signer instead of once per message.
 *
 * Why: mailauth 4.13.3's `DkimSigner.finalize()` (lib/dkim/dkim-signer.js) turns the PEM into a KeyObject
 * (`getPrivateKey`, lib/tools.js) for every message, and OpenSSL then also redoes its per-key RSA setup
 * at that key's first signature: about 1.5 ms of the 3 ms a 5 KB message cost to sign on this project's
 * 2-core machine. Here the key is parsed once and the same KeyObject signs every message.
 *
 * Everything DKIM-specific stays mailauth's: `DkimSigner` (via its `MessageParser`) splits the header
 * and hashes the body; `finalize()` below is mailauth's own finalize reduced to our one configuration
 * (DKIM only, rsa-sha256, relaxed/relaxed, our header list, the signing time given, no `l=`, no `x=`, no
 * ARC), calling the same mailauth helpers in the same order: `getSigningHeaderLines`,
 * `generateCanonicalizedHeader`, `crypto.sign`, `formatSignatureHeaderLine`. It relies on these
 * internals of mailauth 4.13.3 (pinned): the module paths below, `DkimSigner`'s constructor options,
 * that it calls `finalize()` once after the body hash is in `bodyHashes` (one entry per
 * canonicalisation/hash pair, here exactly one), and that it reads `this.headers.parsed`,
 * `this.headerList`, `this.signTime`, `this.signatureHeaders` and `this.errors`.
 * test/bridge/mailauth-signer.test.ts checks that the result is byte for byte mailauth's `dkimSign`'s.
 *
 * Plain JavaScript so that the signing threads (./sign-thread.mjs) load it as well as ./dkim.ts;
 * types in ./mailauth-signer.d.mts.
 */
import { createPrivateKey, sign as rsaSign } from "node:crypto";
import { DkimSigner } from "mailauth/lib/dkim/dkim-signer.js";
import { generateCanonicalizedHeader } from "mailauth/lib/dkim/header/index.js";
import { formatSignatureHeaderLine, getSigningHeaderLines, writeToStream } from "mailauth/lib/tools.js";

const ALGORITHM = "rsa-sha256";
const CANONICALIZATION = "relaxed/relaxed";

/** A DkimSigner for one message, signing with an already parsed key (see the module comment). */
class KeyedDkimSigner extends DkimSigner {
  constructor({ key, selector, headerList, signingDomain, signTime }) {
    super({
      algorithm: ALGORITHM,
      canonicalization: CANONICALIZATION,
      headerList,
      signTime,
      // mailauth sets up a body hash for each entry that has a (truthy) privateKey.
      signatureData: [{ signingDomain, selector, privateKey: key, algorithm: ALGORITHM, canonicalization: CANONICALIZATION }],
    });
  }

  /** mailauth's finalize() for our one signature, without parsing the key. */
  async finalize() {
    const [{ signingDomain, selector, privateKey }] = this.signatureData;
    try {
      const [{ hash: bodyHash }] = this.bodyHashes.values();
      const { canonicalizedHeader, dkimHeaderOpts } = generateCanonicalizedHeader(
        "DKIM",
        getSigningHeaderLines(this.headers.parsed, this.headerList),
        { signingDomain, selector, algorithm: ALGORITHM, canonicalization: CANONICALIZATION, signTime: this.signTime, bodyHash },
      );
      dkimHeaderOpts.b = rsaSign(ALGORITHM, canonicalizedHeader, privateKey).toString("base64");
      this.signatureHeaders.push(formatSignatureHeaderLine("DKIM", dkimHeaderOpts, true));
    } catch (err) {
      this.errors.push({ selector, signingDomain, err });
    }
  }
}

/**
 * Parses the key once and returns a signing function for mailauth-made DKIM signatures with it.
 *
 * @param {{ selector: string, privateKey: string, headerList: string }} opts `s=`; the RSA private key,
 *   PEM; the header fields to sign, colon-separated (only those present go into `h=`).
 * @returns `sign(input, signingDomain, signTime)`: `input` the whole message (Buffer) or a Readable of
 *   it; `d=` the signing domain; `t=` the signing time (given, so that it is read once: see the comment in ./dkim.ts's
 *   createDkimSigner). Resolves `{ signatures, errors }` as mailauth's `dkimSign` does, errors as text:
 *   `signatures` is the folded `DKIM-Signature:` field with CRLF line ends, or just CRLF when the
 *   message had no header to sign (then `errors` may also be empty). Rejects when the input stream fails.
 * @throws Error when the key cannot be read or is not RSA (a configuration error).
 * @example const sign = createMailauthSigner({ selector: "vm1", privateKey: pem, headerList: "From:To:Subject" });
 *   const { signatures, errors } = await sign(message, "example.com", new Date());
 */
export function createMailauthSigner({ selector, privateKey, headerList }) {
  const key = createPrivateKey(privateKey);
  if (key.asymmetricKeyType !== "rsa") throw new Error("createMailauthSigner: the DKIM key must be RSA");
  return async (input, signingDomain, signTime) => {
    const signer = new KeyedDkimSigner({ key, selector, headerList, signingDomain, signTime });
    await writeToStream(signer, input); // as mailauth's dkimSign (lib/dkim/sign.js)
    return {
      signatures: signer.signatureHeaders.join("\r\n") + "\r\n",
      errors: signer.errors.map((e) => e?.err?.message ?? String(e)),
    };
  };
}
