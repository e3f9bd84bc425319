CREATE TABLE `api_tokens` (
	`id` char(36) NOT NULL,
	`user_id` char(36) NOT NULL,
	`name` varchar(100) NOT NULL,
	`token_hash` char(64) NOT NULL,
	`expires_at` datetime,
	`last_used_at` datetime,
	`created_at` datetime NOT NULL,
	`updated_at` datetime NOT NULL,
	CONSTRAINT `api_tokens_id` PRIMARY KEY(`id`),
	CONSTRAINT `api_tokens_hash_unique` UNIQUE(`token_hash`)
);
--> statement-breakpoint
CREATE TABLE `recipients` (
	`id` char(36) NOT NULL,
	`user_id` char(36) NOT NULL,
	`email` varchar(254) NOT NULL,
	`email_verified_at` datetime,
	`can_reply_send` boolean NOT NULL DEFAULT true,
	`should_encrypt` boolean NOT NULL DEFAULT false,
	`fingerprint` varchar(64),
	`created_at` datetime NOT NULL,
	`updated_at` datetime NOT NULL,
	CONSTRAINT `recipients_id` PRIMARY KEY(`id`),
	CONSTRAINT `recipients_user_email_unique` UNIQUE(`user_id`,`email`)
);
--> statement-breakpoint
CREATE TABLE `usernames` (
	`id` char(36) NOT NULL,
	`user_id` char(36),
	`username` varchar(64) NOT NULL,
	`description` varchar(200),
	`from_name` varchar(100),
	`default_recipient_id` char(36),
	`active` boolean NOT NULL DEFAULT true,
	`catch_all` boolean NOT NULL DEFAULT true,
	`can_login` boolean NOT NULL DEFAULT true,
	`created_at` datetime NOT NULL,
	`updated_at` datetime NOT NULL,
	`deleted_at` datetime,
	CONSTRAINT `usernames_id` PRIMARY KEY(`id`),
	CONSTRAINT `usernames_username_unique` UNIQUE(`username`)
);
--> statement-breakpoint
CREATE TABLE `users` (
	`id` char(36) NOT NULL,
	`default_username_id` char(36),
	`default_recipient_id` char(36),
	`password_hash` varchar(255),
	`plan` varchar(32) NOT NULL DEFAULT 'free',
	`from_name` varchar(100),
	`banner_location` varchar(8) NOT NULL DEFAULT 'top',
	`display_from_format` tinyint NOT NULL DEFAULT 0,
	`use_reply_to` boolean NOT NULL DEFAULT false,
	`default_alias_domain` varchar(253),
	`default_alias_format` varchar(32) NOT NULL DEFAULT 'random_characters',
	`bandwidth` bigint unsigned NOT NULL DEFAULT 0,
	`bandwidth_reset_at` datetime,
	`created_at` datetime NOT NULL,
	`updated_at` datetime NOT NULL,
	`deleted_at` datetime,
	CONSTRAINT `users_id` PRIMARY KEY(`id`)
);
--> statement-breakpoint
CREATE TABLE `domains` (
	`id` char(36) NOT NULL,
	`domain` varchar(253) NOT NULL,
	`kind` varchar(8) NOT NULL,
	`paid_only` boolean NOT NULL DEFAULT false,
	`user_id` char(36),
	`description` varchar(200),
	`from_name` varchar(100),
	`default_recipient_id` char(36),
	`active` boolean NOT NULL DEFAULT true,
	`catch_all` boolean NOT NULL DEFAULT true,
	`verification_token` varchar(64),
	`verified_at` datetime,
	`created_at` datetime NOT NULL,
	`updated_at` datetime NOT NULL,
	CONSTRAINT `domains_id` PRIMARY KEY(`id`),
	CONSTRAINT `domains_domain_unique` UNIQUE(`domain`)
);
--> statement-breakpoint
CREATE TABLE `alias_daily_stats` (
	`alias_id` char(36) NOT NULL,
	`user_id` char(36) NOT NULL,
	`day` date NOT NULL,
	`forwarded` int unsigned NOT NULL DEFAULT 0,
	`blocked` int unsigned NOT NULL DEFAULT 0,
	`replied` int unsigned NOT NULL DEFAULT 0,
	`sent` int unsigned NOT NULL DEFAULT 0,
	`bytes` bigint unsigned NOT NULL DEFAULT 0,
	CONSTRAINT `alias_daily_stats_alias_id_day_pk` PRIMARY KEY(`alias_id`,`day`)
);
--> statement-breakpoint
CREATE TABLE `alias_recipients` (
	`alias_id` char(36) NOT NULL,
	`recipient_id` char(36) NOT NULL,
	CONSTRAINT `alias_recipients_alias_id_recipient_id_pk` PRIMARY KEY(`alias_id`,`recipient_id`)
);
--> statement-breakpoint
CREATE TABLE `aliases` (
	`id` char(36) NOT NULL,
	`user_id` char(36),
	`username_id` char(36),
	`domain_id` char(36) NOT NULL,
	`local_part` varchar(64) NOT NULL,
	`extension` varchar(64),
	`domain` varchar(253) NOT NULL,
	`email` varchar(320) NOT NULL,
	`active` boolean NOT NULL DEFAULT true,
	`pinned` boolean NOT NULL DEFAULT false,
	`description` varchar(200),
	`from_name` varchar(100),
	`attached_recipients_only` boolean NOT NULL DEFAULT false,
	`emails_forwarded` int unsigned NOT NULL DEFAULT 0,
	`emails_blocked` int unsigned NOT NULL DEFAULT 0,
	`emails_replied` int unsigned NOT NULL DEFAULT 0,
	`emails_sent` int unsigned NOT NULL DEFAULT 0,
	`last_forwarded` datetime,
	`last_blocked` datetime,
	`last_replied` datetime,
	`last_sent` datetime,
	`created_at` datetime NOT NULL,
	`updated_at` datetime NOT NULL,
	`deleted_at` datetime,
	CONSTRAINT `aliases_id` PRIMARY KEY(`id`),
	CONSTRAINT `aliases_email_unique` UNIQUE(`email`)
);
--> statement-breakpoint
CREATE TABLE `bridge_events` (
	`id` char(36) NOT NULL,
	`bridge` varchar(32) NOT NULL,
	`kind` varchar(16) NOT NULL,
	`alias_id` char(36),
	`bytes` int unsigned NOT NULL DEFAULT 0,
	`occurred_at` datetime NOT NULL,
	`created_at` datetime NOT NULL,
	CONSTRAINT `bridge_events_id` PRIMARY KEY(`id`)
);
--> statement-breakpoint
CREATE TABLE `failed_deliveries` (
	`id` char(36) NOT NULL,
	`user_id` char(36) NOT NULL,
	`alias_id` char(36),
	`recipient_id` char(36),
	`bounce_type` varchar(8) NOT NULL,
	`remote_mta` varchar(255),
	`sender` varchar(320),
	`destination` varchar(320),
	`email_type` varchar(5) NOT NULL,
	`status` varchar(16),
	`code` text,
	`attempted_at` datetime NOT NULL,
	`created_at` datetime NOT NULL,
	`updated_at` datetime NOT NULL,
	CONSTRAINT `failed_deliveries_id` PRIMARY KEY(`id`)
);
--> statement-breakpoint
CREATE INDEX `api_tokens_user_idx` ON `api_tokens` (`user_id`);--> statement-breakpoint
CREATE INDEX `recipients_email_idx` ON `recipients` (`email`);--> statement-breakpoint
CREATE INDEX `usernames_user_idx` ON `usernames` (`user_id`);--> statement-breakpoint
CREATE INDEX `domains_user_idx` ON `domains` (`user_id`);--> statement-breakpoint
CREATE INDEX `alias_daily_stats_user_day_idx` ON `alias_daily_stats` (`user_id`,`day`);--> statement-breakpoint
CREATE INDEX `alias_recipients_recipient_idx` ON `alias_recipients` (`recipient_id`);--> statement-breakpoint
CREATE INDEX `aliases_user_created_idx` ON `aliases` (`user_id`,`created_at`);--> statement-breakpoint
CREATE INDEX `aliases_username_idx` ON `aliases` (`username_id`);--> statement-breakpoint
CREATE INDEX `aliases_domain_idx` ON `aliases` (`domain_id`);--> statement-breakpoint
CREATE INDEX `bridge_events_created_idx` ON `bridge_events` (`created_at`);--> statement-breakpoint
CREATE INDEX `failed_deliveries_user_idx` ON `failed_deliveries` (`user_id`,`created_at`);