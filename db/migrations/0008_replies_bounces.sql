CREATE TABLE `outbound_messages` (
	`id` char(36) NOT NULL,
	`email_type` varchar(1) NOT NULL,
	`user_id` char(36),
	`alias_id` char(36),
	`recipient_id` char(36),
	`outbox_id` char(36),
	`destination` varchar(320) NOT NULL,
	`domain` varchar(253) NOT NULL,
	`created_at` datetime NOT NULL,
	`bounced_at` datetime,
	CONSTRAINT `outbound_messages_id` PRIMARY KEY(`id`)
);
--> statement-breakpoint
CREATE TABLE `owner_notices` (
	`notice_key` varchar(80) NOT NULL,
	`last_sent_at` datetime NOT NULL,
	CONSTRAINT `owner_notices_notice_key` PRIMARY KEY(`notice_key`)
);
--> statement-breakpoint
CREATE TABLE `reverse_aliases` (
	`id` char(36) NOT NULL,
	`token` varchar(16) NOT NULL,
	`alias_id` char(36) NOT NULL,
	`user_id` char(36) NOT NULL,
	`sender` varchar(320) NOT NULL,
	`created_at` datetime NOT NULL,
	CONSTRAINT `reverse_aliases_id` PRIMARY KEY(`id`),
	CONSTRAINT `reverse_aliases_token_unique` UNIQUE(`token`),
	CONSTRAINT `reverse_aliases_alias_sender_unique` UNIQUE(`alias_id`,`sender`)
);
--> statement-breakpoint
CREATE INDEX `outbound_messages_created_idx` ON `outbound_messages` (`created_at`);