/**
 * What the browser transfers for the dashboard's aliases page: the HTML, its scripts and its stylesheet,
 * each gzipped as the Worker's clients receive them.
 */
import { gzipSync } from "node:zlib";

/** Signs in through the login form and returns the session cookie header. */
async function signIn(workerUrl: string, login: string, password: string): Promise<string> {
  const page = await fetch(`${workerUrl}/login`);
  const cookies = page.headers.getSetCookie().map((c) => c.split(";")[0]!);
  const csrf = /name="_csrf" value="([^"]*)"/.exec(await page.text())?.[1];
  if (!csrf) throw new Error("no CSRF token on /login");
  const res = await fetch(`${workerUrl}/login`, {
    method: "POST", redirect: "manual",
    headers: { "content-type": "application/x-www-form-urlencoded", cookie: cookies.join("; ") },
    body: new URLSearchParams({ _csrf: csrf, login, password, next: "/aliases" }).toString(),
  });
  if (res.status !== 303 && res.status !== 302) throw new Error(`login answered ${res.status}`);
  const session = res.headers.getSetCookie().map((c) => c.split(";")[0]!);
  return [...cookies, ...session].join("; ");
}

/** Bytes of the aliases page (gzipped) and of its JavaScript, for a signed-in user. */
export async function measureAliasesPage(workerUrl: string, login: string, password: string): Promise<{ totalBytes: number; jsBytes: number; htmlBytes: number }> {
  const cookie = await signIn(workerUrl, login, password);
  const html = await (await fetch(`${workerUrl}/aliases`, { headers: { cookie } })).text();
  if (!html.includes("data-alias=")) throw new Error("the aliases page lists no alias (not signed in?)");
  const gz = async (path: string) => gzipSync(Buffer.from(await (await fetch(`${workerUrl}${path}`)).arrayBuffer())).length;
  const scripts = [...html.matchAll(/<script src="([^"]+)"/g)].map((m) => m[1]!);
  const styles = [...html.matchAll(/<link rel="stylesheet" href="([^"]+)"/g)].map((m) => m[1]!);
  const jsBytes = (await Promise.all(scripts.map(gz))).reduce((a, b) => a + b, 0);
  const cssBytes = (await Promise.all(styles.map(gz))).reduce((a, b) => a + b, 0);
  return { htmlBytes: html.length, jsBytes, totalBytes: gzipSync(Buffer.from(html)).length + jsBytes + cssBytes };
}
