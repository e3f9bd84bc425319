/**
 * The README's configuration reference names every setting the code reads, so an operator never has to
 * read the source to find one (each schema key of bridge/config.ts and worker/env.ts).
 */
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { ROOT } from "../../scripts/stack/files.js";

const readme = readFileSync(`${ROOT}/README.md`, "utf8");

/** The keys of the `const EnvSchema = z.object({...})` in a source file. */
function schemaKeys(file: string): string[] {
  const source = readFileSync(`${ROOT}/${file}`, "utf8");
  const body = /const EnvSchema = z\.object\(\{\n([\s\S]*?)\n\}\)/.exec(source)?.[1];
  if (!body) throw new Error(`no EnvSchema in ${file}`);
  return [...body.matchAll(/^ {2}([A-Z][A-Z0-9_]+):/gm)].map((m) => m[1]!);
}

describe("README configuration reference", () => {
  for (const file of ["bridge/config.ts", "worker/env.ts"]) {
    it(`documents every setting of ${file}`, () => {
      const keys = schemaKeys(file);
      expect(keys.length).toBeGreaterThan(5);
      const missing = keys.filter((k) => !new RegExp(`\\b${k}\\b`).test(readme));
      expect(missing, `not in README.md: ${missing.join(", ")}`).toEqual([]);
    });
  }
});
