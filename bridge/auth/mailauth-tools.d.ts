/** Types for the one internal mailauth helper we use (mailauth 4.13.3, pinned): DMARC's alignment rule. */
declare module "mailauth/lib/tools.js" {
  /**
   * The first entry of `domains` aligned with `fromDomain`: same organisational domain (relaxed, RFC 7489
   * §3.1), or the same domain when `strict`; false when none is.
   */
  export function getAlignment(fromDomain: string, domains: Array<string | { domain: string }>, opts?: { strict?: boolean }): { domain: string } | false;
}
