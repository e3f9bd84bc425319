/**
 * `/failed-deliveries`: forwards, replies and sends that the destination refused (reported by the
 * bridges), newest first, with the remote server's answer; each can be deleted. Another user's id is 404.
 */
import { deleteFailedDelivery, listFailedDeliveries } from "../../../accounts/failed-deliveries.js";
import { render } from "../../layout.js";
import { currentUser, userRouter } from "../../router.js";
import { ActionButton, when } from "../../ui.js";
import { flashOutcome } from "./outcome.js";

const SIZE = 25;
const TYPES: Record<string, string> = { F: "Forward", R: "Reply", S: "Send", N: "Notification" };

export const failedRoutes = userRouter()
  .get("/", async (c) => {
    const page = Math.max(1, Number.parseInt(c.req.query("page") ?? "1", 10) || 1);
    const { items, total } = await listFailedDeliveries(c.var.db, currentUser(c).id, { page, size: SIZE });
    const last = Math.max(1, Math.ceil(total / SIZE));
    const body = (
      <>
        <h1>Failed deliveries</h1>
        <section class="card">
          <p>Messages the destination's server refused. The messages themselves are not kept.</p>
          {items.length === 0 ? <p>Nothing failed. </p> : (
            <table class="stack">
              <thead><tr><th scope="col">When</th><th scope="col">Type</th><th scope="col">Alias</th><th scope="col">To</th><th scope="col">From</th><th scope="col">Answer</th><th scope="col"><span class="visually-hidden">Delete</span></th></tr></thead>
              <tbody>{items.map(({ delivery: d, aliasEmail, recipientEmail }) => (
                <tr data-failed={d.id}>
                  <td data-label="When">{when(d.attemptedAt)}</td>
                  <td data-label="Type">{TYPES[d.emailType] ?? d.emailType} ({d.bounceType})</td>
                  <td data-label="Alias">{aliasEmail ?? "—"}</td>
                  <td data-label="To">{recipientEmail ?? d.destination ?? "—"}</td>
                  <td data-label="From">{d.sender ?? "—"}</td>
                  <td data-label="Answer">{d.status ? <code>{d.status}</code> : null} {d.code ?? ""}{d.remoteMta ? <div class="hint">by {d.remoteMta}</div> : null}</td>
                  <td><ActionButton action={`/failed-deliveries/${d.id}/delete`} csrf={c.var.csrfToken} danger label="Delete" ariaLabel="Delete this entry" /></td>
                </tr>
              ))}</tbody>
            </table>
          )}
          <nav class="pager" aria-label="Pages">
            {page > 1 ? <a href={`/failed-deliveries?page=${page - 1}`} rel="prev">Previous</a> : null}
            <span>Page {page} of {last}</span>
            {page < last ? <a href={`/failed-deliveries?page=${page + 1}`} rel="next">Next</a> : null}
          </nav>
        </section>
      </>
    );
    return render(c, "Failed deliveries", body);
  })
  .post("/:id/delete", (c) => flashOutcome(c, "/failed-deliveries", async (userId, id) => {
    await deleteFailedDelivery(c.var.db, userId, id);
    return "Deleted.";
  }));
