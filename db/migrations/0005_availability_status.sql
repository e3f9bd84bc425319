CREATE TABLE `incident_updates` (
	`id` char(36) NOT NULL,
	`incident_id` char(36) NOT NULL,
	`status` varchar(16) NOT NULL,
	`message` text NOT NULL,
	`created_at` datetime NOT NULL,
	CONSTRAINT `incident_updates_id` PRIMARY KEY(`id`)
);
--> statement-breakpoint
CREATE TABLE `incidents` (
	`id` char(36) NOT NULL,
	`title` varchar(200) NOT NULL,
	`impact` varchar(16) NOT NULL,
	`status` varchar(16) NOT NULL,
	`components` varchar(255) NOT NULL DEFAULT '',
	`created_at` datetime NOT NULL,
	`updated_at` datetime NOT NULL,
	`resolved_at` datetime,
	CONSTRAINT `incidents_id` PRIMARY KEY(`id`)
);
--> statement-breakpoint
CREATE TABLE `mx_nodes` (
	`name` varchar(32) NOT NULL,
	`role` varchar(16) NOT NULL,
	`version` varchar(64) NOT NULL,
	`hostname` varchar(253) NOT NULL,
	`queue_depth` int unsigned NOT NULL,
	`oldest_queued_seconds` int unsigned,
	`deliveries` int unsigned NOT NULL,
	`failures` int unsigned NOT NULL,
	`holding` boolean NOT NULL DEFAULT false,
	`started_at` datetime NOT NULL,
	`last_seen_at` datetime NOT NULL,
	CONSTRAINT `mx_nodes_name` PRIMARY KEY(`name`)
);
--> statement-breakpoint
CREATE TABLE `service_settings` (
	`name` varchar(64) NOT NULL,
	`value` text NOT NULL,
	`updated_at` datetime NOT NULL,
	CONSTRAINT `service_settings_name` PRIMARY KEY(`name`)
);
--> statement-breakpoint
CREATE TABLE `status_checks` (
	`id` char(36) NOT NULL,
	`component` varchar(32) NOT NULL,
	`state` varchar(16) NOT NULL,
	`latency_ms` int unsigned,
	`detail` varchar(255),
	`checked_at` datetime NOT NULL,
	CONSTRAINT `status_checks_id` PRIMARY KEY(`id`)
);
--> statement-breakpoint
CREATE TABLE `status_daily` (
	`component` varchar(32) NOT NULL,
	`day` char(10) NOT NULL,
	`up` int unsigned NOT NULL DEFAULT 0,
	`degraded` int unsigned NOT NULL DEFAULT 0,
	`down` int unsigned NOT NULL DEFAULT 0,
	`maintenance` int unsigned NOT NULL DEFAULT 0,
	`first_check_at` datetime NOT NULL,
	CONSTRAINT `status_daily_component_day_pk` PRIMARY KEY(`component`,`day`)
);
--> statement-breakpoint
CREATE INDEX `incident_updates_incident_idx` ON `incident_updates` (`incident_id`,`created_at`);--> statement-breakpoint
CREATE INDEX `incidents_created_idx` ON `incidents` (`created_at`);--> statement-breakpoint
CREATE INDEX `status_checks_component_idx` ON `status_checks` (`component`,`checked_at`);--> statement-breakpoint
CREATE INDEX `status_checks_checked_idx` ON `status_checks` (`checked_at`);