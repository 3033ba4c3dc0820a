ALTER TABLE `senders` ADD `status` text DEFAULT 'pending_verification' NOT NULL;--> statement-breakpoint
ALTER TABLE `senders` ADD `verification_token` text;--> statement-breakpoint
ALTER TABLE `senders` ADD `verification_code_hash` text;--> statement-breakpoint
ALTER TABLE `senders` ADD `verification_expires_at` integer;--> statement-breakpoint
ALTER TABLE `senders` ADD `verification_attempts` integer DEFAULT 0 NOT NULL;--> statement-breakpoint
CREATE UNIQUE INDEX `senders_bound_address_idx` ON `senders` (`channel`,`address`) WHERE "senders"."status" IN ('verified', 'operator_bound');--> statement-breakpoint
CREATE UNIQUE INDEX `senders_bound_phone_number_id_idx` ON `senders` (`phone_number_id`) WHERE "senders"."status" IN ('verified', 'operator_bound') AND "senders"."phone_number_id" IS NOT NULL;