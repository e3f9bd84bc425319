CREATE TABLE `rate_limits` (
	`bucket` varchar(120) NOT NULL,
	`window_start` datetime NOT NULL,
	`hits` int unsigned NOT NULL DEFAULT 0,
	`expires_at` datetime NOT NULL,
	CONSTRAINT `rate_limits_bucket_window_start_pk` PRIMARY KEY(`bucket`,`window_start`)
);
--> statement-breakpoint
DROP INDEX `aliases_user_created_idx` ON `aliases`;--> statement-breakpoint
ALTER TABLE `users` ADD `alias_separator` varchar(8) DEFAULT '.' NOT NULL;--> statement-breakpoint
CREATE INDEX `rate_limits_expires_idx` ON `rate_limits` (`expires_at`);--> statement-breakpoint
CREATE INDEX `aliases_user_live_list_idx` ON `aliases` (`user_id`,`deleted_at`,`pinned`,`created_at`);--> statement-breakpoint
CREATE INDEX `aliases_user_list_idx` ON `aliases` (`user_id`,`pinned`,`created_at`);