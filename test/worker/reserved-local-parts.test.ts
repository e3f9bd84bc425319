/**
 * Role and return-path addresses of a shared domain cannot become anyone's alias (found by a newcomer:
 * `alias:create demo veilmail.test --local-part bounces` used to succeed).
 */
import { afterAll, beforeAll, expect, it } from "vitest";
import { type TestWorker, startTestWorker } from "../helpers/worker.js";

let w: TestWorker;
beforeAll(async () => {
  w = await startTestWorker();
  await w.call("/internal/v1/admin/shared-domains", { domain: "share.test" }, "admin");
  await w.call("/internal/v1/admin/users", { username: "mallory", recipient: "m@mailbox.example" }, "admin");
});
afterAll(async () => { await w?.close(); });

it.each(["postmaster", "abuse", "bounces", "mailer-daemon", "b_0123_abcdef", "noreply"])("refuses %s@<shared domain>", async (local) => {
  const res = await w.call<{ error: { code: string; field: string } }>("/internal/v1/admin/aliases", { username: "mallory", domain: "share.test", localPart: local }, "admin");
  expect(res.status).toBe(422);
  expect(res.body.error).toMatchObject({ code: "VALIDATION", field: "local_part" });
});

it("allows the same local part on the user's own username subdomain", async () => {
  const res = await w.call<{ email: string }>("/internal/v1/admin/aliases", { username: "mallory", domain: "mallory.share.test", localPart: "postmaster" }, "admin");
  expect(res.status).toBe(201);
  expect(res.body.email).toBe("postmaster@mallory.share.test");
});
