/**
 * Golden-file comparison (TESTING.md, "pure units"): `<case>.expected.eml` is the spec; the produced
 * bytes must equal it exactly. On mismatch `<case>.actual.eml` is written next to it (gitignored) so the
 * difference can be read with `diff`, and the test fails. `UPDATE_GOLDEN=1` rewrites the expected files
 * instead: review every rewritten file by eye before committing it.
 */
import { existsSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { expect } from "vitest";
import type { ForwardPlan } from "../../common/internal-api.js";
import type { Envelope, TransformContext } from "../../bridge/mail/types.js";

/** The mail fixtures directory, `test/fixtures/mail`. */
export const MAIL_FIXTURES = fileURLToPath(new URL("../fixtures/mail/", import.meta.url));

/** Reads `<dir>/<caseName>.incoming.eml`. */
export function readIncoming(caseName: string, dir = MAIL_FIXTURES): Buffer {
  return readFileSync(`${dir}${caseName}.incoming.eml`);
}

/**
 * Asserts that `actual` equals `<dir>/<caseName>.expected.eml` byte for byte.
 *
 * @throws (via vitest's expect) on mismatch or when the expected file is missing, after writing
 *   `<caseName>.actual.eml`.
 */
export function expectGolden(caseName: string, actual: Buffer, dir = MAIL_FIXTURES): void {
  const expectedPath = `${dir}${caseName}.expected.eml`;
  const actualPath = `${dir}${caseName}.actual.eml`;
  if (process.env.UPDATE_GOLDEN === "1") {
    writeFileSync(expectedPath, actual);
    rmSync(actualPath, { force: true });
    return;
  }
  if (!existsSync(expectedPath)) {
    writeFileSync(actualPath, actual);
    expect.fail(`${expectedPath} is missing; review ${actualPath} and run with UPDATE_GOLDEN=1 to accept it`);
  }
  const expected = readFileSync(expectedPath);
  if (expected.equals(actual)) {
    rmSync(actualPath, { force: true });
    return;
  }
  writeFileSync(actualPath, actual);
  // latin1 maps each octet to one character, so this compares bytes and still prints a readable diff.
  expect(actual.toString("latin1"), `${caseName}: output differs from the golden file; see ${actualPath}`)
    .toBe(expected.toString("latin1"));
}

/** The alias, its owner's real mailbox (must never appear in a forward) and the fixed clock of the fixtures. */
export const FIXTURE_ALIAS = "shopping@johndoe.veil.example";
export const FIXTURE_REAL_MAILBOX = "jo.real@mailbox.example";
export const FIXTURE_NOW = new Date("2026-03-01T12:00:01.000Z");

/** A deactivate link of the Worker's shape (`<APP_URL>/deactivate/<payload>.<mac>`), for banner fixtures. */
export const FIXTURE_DEACTIVATE_URL = "https://app.veil.example/deactivate/"
  + "eyJwIjoiZGVhY3RpdmF0ZS1hbGlhcyIsInMiOiIwYjZmM2E1Mi02ZDJjLTRhNTEtOWE0My01ZjFkMWU3YzlhMTAiLCJlIjoxNzc1MDAwMDAwfQ"
  + ".q1Xo2Zr6l9c3Qv0wUeGm8pYt5KdN4aHs7JbF2LiVxCE";

/** A forward plan for {@link FIXTURE_ALIAS}; `display` fields can be overridden. */
export function fixturePlan(display: Partial<ForwardPlan["display"]> = {}): ForwardPlan {
  return {
    aliasId: "0b6f3a52-6d2c-4a51-9a43-5f1d1e7c9a10",
    aliasEmail: FIXTURE_ALIAS,
    userId: "7d0e4b7e-2f44-4f7c-8d8a-1c1a2b3c4d5e",
    recipients: [{ id: "c3a1e2f0-0000-4000-8000-000000000001", email: FIXTURE_REAL_MAILBOX }],
    signingDomain: "johndoe.veil.example",
    display: { fromFormat: 0, bannerLocation: "off", useReplyTo: false, aliasDescription: null, ...display },
  };
}

/** A fixed transform context: fixed envelope and clock, and a deterministic randomId (`fixed0001`, …). */
export function fixtureContext(envelope: Partial<Envelope> = {}): TransformContext {
  let n = 0;
  return {
    envelope: {
      mailFrom: "bounces+4711@mail.example.org",
      clientIp: "192.0.2.10",
      heloName: "mail.example.org",
      receivedAt: "2026-03-01T12:00:00.000Z",
      receivedBy: "mx1",
      ...envelope,
    },
    rcptTo: FIXTURE_ALIAS,
    now: FIXTURE_NOW,
    randomId: () => `fixed${String(++n).padStart(4, "0")}`,
  };
}
