-- addy.io's hosted plans (shared/reference/addy-features.md, "Plans"); NULL = unlimited.
-- name, paid, bandwidth a month (bytes), active shared-domain aliases, recipients, custom domains,
-- usernames besides the account's own, rules, replies+sends a day, new aliases an hour.
INSERT INTO `plans` (`name`, `paid`, `bandwidth_bytes`, `shared_domain_aliases`, `recipients`, `custom_domains`, `usernames`, `rules`, `replies_per_day`, `aliases_per_hour`, `created_at`, `updated_at`) VALUES
  ('free', false, 10485760, 10, 1, 0, 0, 0, 0, 10, UTC_TIMESTAMP(), UTC_TIMESTAMP()),
  ('lite', true, 104857600, 50, 5, 1, 5, 5, 50, 20, UTC_TIMESTAMP(), UTC_TIMESTAMP()),
  ('pro', true, NULL, NULL, 30, 20, 20, 20, 200, 50, UTC_TIMESTAMP(), UTC_TIMESTAMP());
