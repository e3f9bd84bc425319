/** Loads the signed-in account for the page header and access checks (one indexed join). */
import { and, eq, isNull } from "drizzle-orm";
import type { Db } from "../../db/client.js";
import { recipients, usernames, users } from "../../db/schema/index.js";
import type { CurrentUser } from "./types.js";

/** The live account `userId`, or null when it was deleted. */
export async function loadCurrentUser(db: Db, userId: string): Promise<CurrentUser | null> {
  const [row] = await db
    .select({ id: users.id, plan: users.plan, defaultRecipientId: users.defaultRecipientId, username: usernames.username, email: recipients.email, verifiedAt: recipients.emailVerifiedAt })
    .from(users)
    .leftJoin(usernames, eq(usernames.id, users.defaultUsernameId))
    .leftJoin(recipients, eq(recipients.id, users.defaultRecipientId))
    .where(and(eq(users.id, userId), isNull(users.deletedAt)))
    .limit(1);
  if (!row) return null;
  return { id: row.id, plan: row.plan, username: row.username ?? "", email: row.email ?? "", emailVerified: row.verifiedAt !== null, defaultRecipientId: row.defaultRecipientId };
}
