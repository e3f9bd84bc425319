/** One alias in the list: address, description, recipients, counters, state and its actions. */
import type { AliasWithRecipients } from "../../../accounts/aliases.js";
import { ActionButton, when } from "../../ui.js";

const lastUsed = (a: AliasWithRecipients["alias"]) =>
  [a.lastForwarded, a.lastReplied, a.lastSent].filter((d): d is Date => d !== null).sort((x, y) => y.getTime() - x.getTime())[0] ?? null;

export function AliasRow({ item, csrf, back }: { item: AliasWithRecipients; csrf: string; back: string }) {
  const a = item.alias;
  const fields = { back };
  return (
    <tr data-alias={a.email}>
      <td data-label="Alias">
        <a href={`/aliases/${a.id}`}><strong>{a.email}</strong></a>{" "}
        <button type="button" class="link" data-copy={a.email} aria-label={`Copy ${a.email}`}>Copy</button>
        {a.description ? <div class="muted">{a.description}</div> : null}
      </td>
      <td data-label="Recipients">{item.recipients.length ? item.recipients.map((r) => r.email).join(", ") : <span class="muted">Default</span>}</td>
      <td data-label="Forwarded" class="num" data-testid="forwarded">{a.emailsForwarded}</td>
      <td data-label="Blocked" class="num">{a.emailsBlocked}</td>
      <td data-label="Replied / sent" class="num">{a.emailsReplied} / {a.emailsSent}</td>
      <td data-label="Last used">{when(lastUsed(a))}</td>
      <td data-label="State">
        {a.deletedAt ? <span class="badge off">Deleted</span> : a.active ? <span class="badge ok">Active</span> : <span class="badge off">Inactive</span>}
      </td>
      <td data-label="Actions">
        {a.deletedAt ? (
          <>
            <ActionButton action={`/aliases/${a.id}/restore`} csrf={csrf} label="Restore" secondary fields={fields} ariaLabel={`Restore ${a.email}`} />{" "}
            <ActionButton action={`/aliases/${a.id}/forget`} csrf={csrf} label="Forget" danger fields={fields} ariaLabel={`Forget ${a.email}`}
              confirm={`Forget ${a.email} for good? It cannot be restored.`} />
          </>
        ) : (
          <>
            <ActionButton action={`/aliases/${a.id}/active`} csrf={csrf} label={a.active ? "Turn off" : "Turn on"} secondary
              fields={{ ...fields, active: a.active ? "0" : "1" }} ariaLabel={`${a.active ? "Turn off" : "Turn on"} ${a.email}`} />{" "}
            <ActionButton action={`/aliases/${a.id}/delete`} csrf={csrf} label="Delete" danger fields={fields} ariaLabel={`Delete ${a.email}`}
              confirm={`Delete ${a.email}? Mail to it will be refused; you can restore it later.`} />
          </>
        )}
      </td>
    </tr>
  );
}

export { lastUsed };
