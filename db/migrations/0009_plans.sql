CREATE TABLE `plans` (
	`name` varchar(32) NOT NULL,
	`paid` boolean NOT NULL DEFAULT false,
	`bandwidth_bytes` bigint unsigned,
	`shared_domain_aliases` int unsigned,
	`recipients` int unsigned,
	`custom_domains` int unsigned,
	`usernames` int unsigned,
	`rules` int unsigned,
	`replies_per_day` int unsigned,
	`aliases_per_hour` int unsigned,
	`created_at` datetime NOT NULL,
	`updated_at` datetime NOT NULL,
	CONSTRAINT `plans_name` PRIMARY KEY(`name`)
);
--> statement-breakpoint
ALTER TABLE `users` ADD `bandwidth_warned_at` datetime;--> statement-breakpoint
ALTER TABLE `aliases` ADD `deactivated_by_plan` boolean DEFAULT false NOT NULL;--> statement-breakpoint
CREATE INDEX `users_bandwidth_reset_idx` ON `users` (`bandwidth_reset_at`);