CREATE TABLE `mail_outbox` (
	`id` char(36) NOT NULL,
	`to_address` varchar(254) NOT NULL,
	`subject` varchar(255) NOT NULL,
	`text_body` text NOT NULL,
	`html_body` text,
	`category` varchar(24) NOT NULL,
	`user_id` char(36),
	`alias_id` char(36),
	`status` varchar(8) NOT NULL DEFAULT 'queued',
	`claimed_by` varchar(32),
	`claim_token` char(36),
	`claimed_until` datetime,
	`created_at` datetime NOT NULL,
	`spooled_at` datetime,
	CONSTRAINT `mail_outbox_id` PRIMARY KEY(`id`)
);
--> statement-breakpoint
CREATE INDEX `mail_outbox_status_idx` ON `mail_outbox` (`status`,`claimed_until`);--> statement-breakpoint
CREATE INDEX `mail_outbox_claim_idx` ON `mail_outbox` (`claim_token`);