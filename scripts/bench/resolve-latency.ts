/**
 * RCPT-time resolution latency as a sending MTA sees it: the time from sending `RCPT TO` to the reply,
 * with a warm cache (the same alias again and again) and a cold one (every RCPT a new alias, created
 * on first mail by the username's catch-all).
 */
import { SmtpLine } from "./smtp-client.js";
import { percentiles } from "./tools.js";

/**
 * @param address gives the RCPT address of sample i (0 ≤ i < warmUp + samples)
 * @param warmUp RCPTs sent first and not timed (addresses 0 … warmUp − 1, so a cold run's timed RCPTs
 *   are still all new aliases): the steady state is measured, not the first requests after start
 *   (workerd compiling code paths, connections opening). What is timed is unchanged.
 * @returns latency percentiles in ms
 */
export async function measureRcptLatency(port: number, samples: number, address: (i: number) => string, warmUp = 10) {
  const smtp = await SmtpLine.open(port);
  await smtp.command("EHLO bench.example");
  const times: number[] = [];
  for (let i = 0; i < warmUp + samples; i++) {
    await smtp.command("MAIL FROM:<load@sender.example>");
    const t0 = performance.now();
    const reply = await smtp.command(`RCPT TO:<${address(i)}>`);
    if (i >= warmUp) times.push(performance.now() - t0);
    if (!reply.startsWith("250")) throw new Error(`RCPT ${address(i)} refused: ${reply.trim()}`);
    await smtp.command("RSET");
  }
  await smtp.close();
  return percentiles(times);
}
