/**
 * A fake DNS-over-HTTPS resolver (the JSON API of worker/dns/doh.ts) on 127.0.0.1: public DNS is outside
 * this machine, so tests publish records in a table here and point the Worker's DOH_URL at it.
 */
import { type Server, createServer } from "node:http";

const TYPE_CODE: Record<string, number> = { CNAME: 5, MX: 15, TXT: 16 };

export interface FakeDoh {
  /** e.g. `http://127.0.0.1:PORT/dns-query` */
  url: string;
  /** Publishes `values` as the records of `type`/`name` (TXT values are quoted as DNS does). */
  set(type: "TXT" | "MX" | "CNAME", name: string, values: string[]): void;
  /** Names and types asked, in order. */
  queries: string[];
  /** When set, every answer is this HTTP status (a broken resolver). */
  failWith: number | null;
  close(): Promise<void>;
}

export async function startFakeDoh(): Promise<FakeDoh> {
  const table = new Map<string, string[]>();
  const queries: string[] = [];
  const fake: Partial<FakeDoh> = { queries, failWith: null };
  const server: Server = createServer((req, res) => {
    const url = new URL(req.url ?? "/", "http://x");
    const name = (url.searchParams.get("name") ?? "").toLowerCase().replace(/\.$/, "");
    const type = url.searchParams.get("type") ?? "";
    queries.push(`${type} ${name}`);
    if (fake.failWith) {
      res.writeHead(fake.failWith).end();
      return;
    }
    const known = [...table.keys()].some((k) => k.endsWith(` ${name}`));
    const values = table.get(`${type} ${name}`) ?? [];
    const answer = values.map((v) => ({ name: `${name}.`, type: TYPE_CODE[type], TTL: 300, data: type === "TXT" ? `"${v}"` : v }));
    res.writeHead(200, { "content-type": "application/dns-json" }).end(JSON.stringify({ Status: known ? 0 : 3, Answer: answer }));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as { port: number };
  return Object.assign(fake, {
    url: `http://127.0.0.1:${port}/dns-query`,
    set(type: string, name: string, values: string[]) { table.set(`${type} ${name.toLowerCase()}`, values); },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  }) as FakeDoh;
}
