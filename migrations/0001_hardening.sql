CREATE TABLE `idempotency_keys` (
	`account_id` text NOT NULL,
	`key` text NOT NULL,
	`fingerprint` text NOT NULL,
	`lock_token` text,
	`locked_at` integer,
	`response_status` integer,
	`response_content_type` text,
	`response_body` text,
	`created_at` integer NOT NULL,
	`expires_at` integer NOT NULL,
	PRIMARY KEY(`account_id`, `key`)
);
--> statement-breakpoint
CREATE INDEX `idempotency_keys_expires_at_idx` ON `idempotency_keys` (`expires_at`);--> statement-breakpoint
ALTER TABLE `accounts` ADD `rate_limit_rps` integer;--> statement-breakpoint
ALTER TABLE `accounts` ADD `daily_message_limit` integer;--> statement-breakpoint
CREATE INDEX `messages_account_status_idx` ON `messages` (`account_id`,`status`,`id`);--> statement-breakpoint
CREATE INDEX `messages_account_channel_idx` ON `messages` (`account_id`,`channel`,`id`);--> statement-breakpoint
CREATE INDEX `messages_account_to_idx` ON `messages` (`account_id`,`to`,`id`);--> statement-breakpoint
CREATE INDEX `messages_queued_idx` ON `messages` (`updated_at`) WHERE "messages"."status" = 'queued';