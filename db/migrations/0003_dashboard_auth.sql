CREATE TABLE `auth_throttles` (
	`throttle_key` varchar(100) NOT NULL,
	`failures` int unsigned NOT NULL,
	`window_started_at` datetime NOT NULL,
	`locked_until` datetime,
	CONSTRAINT `auth_throttles_throttle_key` PRIMARY KEY(`throttle_key`)
);
--> statement-breakpoint
CREATE TABLE `backup_codes` (
	`id` char(36) NOT NULL,
	`user_id` char(36) NOT NULL,
	`code_hash` char(64) NOT NULL,
	`used_at` datetime,
	`created_at` datetime NOT NULL,
	CONSTRAINT `backup_codes_id` PRIMARY KEY(`id`)
);
--> statement-breakpoint
CREATE TABLE `sessions` (
	`id` char(64) NOT NULL,
	`user_id` char(36) NOT NULL,
	`stage` varchar(8) NOT NULL,
	`challenge` varchar(128),
	`ip` varchar(45),
	`user_agent` varchar(255),
	`created_at` datetime NOT NULL,
	`last_seen_at` datetime NOT NULL,
	`expires_at` datetime NOT NULL,
	CONSTRAINT `sessions_id` PRIMARY KEY(`id`)
);
--> statement-breakpoint
CREATE TABLE `webauthn_credentials` (
	`id` char(36) NOT NULL,
	`user_id` char(36) NOT NULL,
	`credential_id` varchar(255) NOT NULL,
	`public_key` text NOT NULL,
	`counter` bigint unsigned NOT NULL DEFAULT 0,
	`transports` varchar(100),
	`name` varchar(100) NOT NULL,
	`created_at` datetime NOT NULL,
	`last_used_at` datetime,
	CONSTRAINT `webauthn_credentials_id` PRIMARY KEY(`id`),
	CONSTRAINT `webauthn_credentials_credential_unique` UNIQUE(`credential_id`)
);
--> statement-breakpoint
CREATE TABLE `newsletter_subscribers` (
	`id` char(36) NOT NULL,
	`email` varchar(254) NOT NULL,
	`confirmed_at` datetime,
	`unsubscribed_at` datetime,
	`confirmation_sent_at` datetime,
	`created_at` datetime NOT NULL,
	`updated_at` datetime NOT NULL,
	CONSTRAINT `newsletter_subscribers_id` PRIMARY KEY(`id`),
	CONSTRAINT `newsletter_subscribers_email_unique` UNIQUE(`email`)
);
--> statement-breakpoint
ALTER TABLE `users` ADD `totp_secret` varchar(255);--> statement-breakpoint
ALTER TABLE `users` ADD `totp_enabled_at` datetime;--> statement-breakpoint
CREATE INDEX `backup_codes_user_idx` ON `backup_codes` (`user_id`);--> statement-breakpoint
CREATE INDEX `sessions_user_idx` ON `sessions` (`user_id`);--> statement-breakpoint
CREATE INDEX `sessions_expires_idx` ON `sessions` (`expires_at`);--> statement-breakpoint
CREATE INDEX `webauthn_credentials_user_idx` ON `webauthn_credentials` (`user_id`);