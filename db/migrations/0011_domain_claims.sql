ALTER TABLE `domains` ADD `claimed_by` varchar(36) DEFAULT '' NOT NULL;--> statement-breakpoint
UPDATE `domains` SET `claimed_by` = `user_id` WHERE `kind` = 'custom' AND `verified_at` IS NULL AND `user_id` IS NOT NULL;--> statement-breakpoint
ALTER TABLE `domains` ADD CONSTRAINT `domains_domain_claim_unique` UNIQUE(`domain`,`claimed_by`);--> statement-breakpoint
ALTER TABLE `domains` DROP INDEX `domains_domain_unique`;
