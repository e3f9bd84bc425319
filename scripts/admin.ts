/**
 * `npm run admin -- <command> [args] [--json]`: the operator's CLI. It talks to the Worker's admin API
 * (signed with ADMIN_SECRET), never to the database, so the Worker stays the only writer.
 *
 * Target: `WORKER_URL` and `ADMIN_SECRET` from the environment, or else the running dev stack
 * (`.data/dev/stack.json`, written by `npm run dev`). Output is text, or JSON with `--json`; errors go
 * to stderr with exit code 1 (2 for usage errors).
 */
import { parseArgs } from "node:util";
import { COMMANDS, type CommandContext } from "./admin/commands.js";
import { loadTarget } from "./admin/target.js";

class UsageError extends Error {}

function usage(): string {
  const lines = Object.entries(COMMANDS).map(([name, c]) => `  ${name} ${c.usage}\n      ${c.summary}`);
  return `usage: npm run admin -- <command> [args] [--json]\n\ncommands:\n${lines.join("\n")}\n`;
}

async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (!name || name === "help" || name === "--help") {
    process.stdout.write(usage());
    return name ? 0 : 2;
  }
  const command = COMMANDS[name];
  if (!command) throw new UsageError(`unknown command "${name}"\n\n${usage()}`);
  let parsed;
  try {
    parsed = parseArgs({ args: rest, options: { ...command.options, json: { type: "boolean" } }, allowPositionals: true, strict: true });
  } catch (err) {
    throw new UsageError(`${(err as Error).message}\nusage: npm run admin -- ${name} ${command.usage}`);
  }
  if (parsed.positionals.length < command.positionals) {
    throw new UsageError(`missing arguments\nusage: npm run admin -- ${name} ${command.usage}`);
  }
  const ctx: CommandContext = { target: command.needsWorker ? loadTarget() : null, args: parsed.positionals, options: parsed.values };
  const result = await command.run(ctx);
  process.stdout.write(parsed.values.json ? `${JSON.stringify(result.json, null, 2)}\n` : `${result.text}\n`);
  return 0;
}

main(process.argv.slice(2)).then(
  (code) => { process.exitCode = code; },
  (err: Error) => {
    // With --json, errors are JSON too (still on stderr), so scripts can read them.
    if (process.argv.includes("--json")) process.stderr.write(`${JSON.stringify({ error: err.message, usage: err instanceof UsageError })}\n`);
    else process.stderr.write(`error: ${err.message}\n`);
    process.exitCode = err instanceof UsageError ? 2 : 1;
  },
);
