/** A small form choosing the default recipient of a username or a domain. */
import type { RecipientView } from "../../../accounts/recipients.js";
import { Csrf } from "../../ui.js";

export function DefaultRecipientForm(p: { action: string; csrf: string; current: string | null; recipients: RecipientView[]; id: string }) {
  const fieldId = `dr-${p.id}`;
  return (
    <form method="post" action={p.action} class="row">
      <Csrf token={p.csrf} />
      <div>
        <label for={fieldId}>Forward aliases without recipients to</label>
        <select id={fieldId} name="recipient_id">
          <option value="" selected={!p.current}>My default recipient</option>
          {p.recipients.map(({ recipient: r }) => <option value={r.id} selected={r.id === p.current}>{r.email}</option>)}
        </select>
      </div>
      <button type="submit" class="secondary">Save</button>
    </form>
  );
}
