/** The settings section's own navigation, shared by its pages. */
const ITEMS: [string, string][] = [
  ["/settings", "General"], ["/settings/password", "Password"], ["/settings/2fa", "Two-factor"], ["/settings/tokens", "API tokens"],
  ["/settings/delete", "Delete account"],
];

export function SettingsNav({ current }: { current: string }) {
  return (
    <nav aria-label="Settings" class="card">
      <ul>{ITEMS.map(([href, label]) => <li><a href={href} aria-current={href === current ? "page" : undefined}>{label}</a></li>)}</ul>
    </nav>
  );
}
