/**
 * API validation answers worded as Laravel words the rule that failed (lang/en/validation.php), and
 * unknown query keys ignored as Laravel ignores them. A review found every wrong type answered "… field
 * is required." (zod 4 issues carry the input only with `reportInput`) and `?page=2` or `?filter=1`
 * refused with 422. Through the real Worker (workerd).
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Account, type ApiTest, type Reply, extensionHeaders, startApiTest } from "./support.js";

let t: ApiTest;
let kim: Account;
let aliasId: string;
const h = () => extensionHeaders(kim.token);
const sl = () => ({ Authentication: kim.token, "Content-Type": "application/json" });

beforeAll(async () => {
  t = await startApiTest();
  kim = await t.account("kim");
  aliasId = (await t.req("POST", "/api/v1/aliases", { headers: h(), body: { domain: "share.test" } })).json.data.id;
});
afterAll(async () => { await t?.close(); });

/** Asserts a 422 whose `errors` are exactly `errors`. */
function expect422(res: Reply, errors: Record<string, string[]>): void {
  expect(res.status, res.text).toBe(422);
  expect(res.json.errors).toEqual(errors);
}

describe("bodies", () => {
  it("say which type a field must be, and 'required' only when it is missing or null", async () => {
    const post = (body: unknown) => t.req("POST", "/api/v1/aliases", { headers: h(), body });
    expect422(await post({ domain: 123 }), { domain: ["The domain field must be a string."] });
    expect422(await post({ domain: true }), { domain: ["The domain field must be a string."] });
    expect422(await post({ domain: ["share.test"] }), { domain: ["The domain field must be a string."] });
    expect422(await post({}), { domain: ["The domain field is required."] });
    expect422(await post({ domain: null }), { domain: ["The domain field is required."] });
    expect422(await post({ domain: "share.test", description: 5 }), { description: ["The description field must be a string."] });
    expect422(await post({ domain: "share.test", recipient_ids: "x" }), { recipient_ids: ["The recipient ids field must be an array."] });
    expect422(await post({ domain: "share.test", recipient_ids: [7] }), { "recipient_ids.0": ["The recipient ids.0 field must be a string."] });
    expect422(await post({ domain: "share.test", recipient_ids: ["nope"] }), { "recipient_ids.0": ["The recipient ids.0 field must be a valid UUID."] });
    expect422(await post({ domain: "share.test", format: "nope" }), { format: ["The selected format is invalid."] });
    expect422(await post({ domain: "x".repeat(254) }), { domain: ["The domain field must not be greater than 253 characters."] });
    const patched = await t.req("PATCH", `/api/v1/aliases/${aliasId}`, { headers: h(), body: { description: 5 } });
    expect422(patched, { description: ["The description field must be a string."] });
    expect(patched.json.message).toBe("The description field must be a string.");
  });

  it("word booleans as Laravel's boolean rule, in the SimpleLogin dialect too", async () => {
    const res = await t.req("PATCH", `/api/aliases/${aliasId}`, { headers: sl(), body: { pinned: "yes" } });
    expect([res.status, res.json]).toEqual([422, { error: "The pinned field must be true or false." }]);
  });
});

describe("query strings", () => {
  const list = (query: string) => t.req("GET", `/api/v1/aliases?${query}`, { headers: h() });

  it("say which type a parameter must be", async () => {
    expect422(await list("page[number]=abc"), { "page.number": ["The page.number field must be an integer."] });
    expect422(await list("page[number]=1.5"), { "page.number": ["The page.number field must be an integer."] });
    expect422(await list("page[size]=500"), { "page.size": ["The page.size field must not be greater than 100."] });
    expect422(await list("page[number]=0"), { "page.number": ["The page.number field must be at least 1."] });
    expect422(await list("filter[active]=yes"), { "filter.active": ["The filter.active field must be true or false."] });
    expect422(await list("filter[search]=ab"), { "filter.search": ["The filter.search field must be at least 3 characters."] });
    expect422(await list("sort[x]=1"), { sort: ["The sort field must be a string."] });
    expect422(await list("recipient=nope"), { recipient: ["The recipient field must be a valid UUID."] });
  });

  it("ignore keys the route does not read, and a plain value where it reads bracketed keys", async () => {
    for (const query of ["page=2", "filter=1", "unknown=1", "filter[unknown]=1", "page=2&page[size]=1", "with=recipients&foo[bar]=baz"]) {
      const res = await list(query);
      expect(res.status, `${query}: ${res.text}`).toBe(200);
      expect(res.json.meta.current_page, query).toBe(1);
    }
    expect((await list("page=2&page[size]=1")).json.meta.per_page).toBe(1);
  });
});
