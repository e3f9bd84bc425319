ALTER TABLE `recipients` ADD `verification_sent_at` datetime;--> statement-breakpoint
ALTER TABLE `newsletter_subscribers` ADD `blocked_at` datetime;