CREATE TABLE `accounts` (
	`id` text PRIMARY KEY NOT NULL,
	`name` text NOT NULL,
	`mode` text NOT NULL,
	`webhook_secret` text NOT NULL,
	`previous_webhook_secret` text,
	`previous_webhook_secret_expires_at` integer,
	`created_at` integer NOT NULL,
	`rate_limit_rps` integer,
	`daily_message_limit` integer
);
--> statement-breakpoint
CREATE UNIQUE INDEX `accounts_name_unique` ON `accounts` (`name`);--> statement-breakpoint
CREATE TABLE `api_keys` (
	`id` text PRIMARY KEY NOT NULL,
	`account_id` text NOT NULL,
	`prefix` text NOT NULL,
	`hash` text NOT NULL,
	`created_at` integer NOT NULL,
	`revoked_at` integer,
	FOREIGN KEY (`account_id`) REFERENCES `accounts`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `api_keys_prefix_idx` ON `api_keys` (`prefix`);--> statement-breakpoint
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
CREATE TABLE `messages` (
	`id` text PRIMARY KEY NOT NULL,
	`account_id` text NOT NULL,
	`mode` text NOT NULL,
	`channel` text NOT NULL,
	`to` text NOT NULL,
	`from` text NOT NULL,
	`content` text NOT NULL,
	`rendered` text,
	`status` text DEFAULT 'queued' NOT NULL,
	`status_callback` text,
	`error_code` text,
	`error_message` text,
	`created_at` integer NOT NULL,
	`delivered_at` integer,
	`provider_latency_ms` integer,
	`updated_at` integer DEFAULT (unixepoch()) NOT NULL
);
--> statement-breakpoint
CREATE INDEX `messages_account_id_idx` ON `messages` (`account_id`,`id`);--> statement-breakpoint
CREATE INDEX `messages_account_status_idx` ON `messages` (`account_id`,`status`,`id`);--> statement-breakpoint
CREATE INDEX `messages_account_channel_idx` ON `messages` (`account_id`,`channel`,`id`);--> statement-breakpoint
CREATE INDEX `messages_account_to_idx` ON `messages` (`account_id`,`to`,`id`);--> statement-breakpoint
CREATE INDEX `messages_queued_idx` ON `messages` (`updated_at`) WHERE "messages"."status" = 'queued';--> statement-breakpoint
CREATE TABLE `senders` (
	`id` text PRIMARY KEY NOT NULL,
	`account_id` text NOT NULL,
	`channel` text NOT NULL,
	`address` text NOT NULL,
	`phone_number_id` text,
	`name` text,
	`is_default` integer NOT NULL,
	`created_at` integer NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `senders_account_channel_address_idx` ON `senders` (`account_id`,`channel`,`address`);--> statement-breakpoint
CREATE INDEX `senders_account_id_idx` ON `senders` (`account_id`,`id`);--> statement-breakpoint
CREATE TABLE `templates` (
	`account_id` text NOT NULL,
	`id` text NOT NULL,
	`sms` text,
	`whatsapp` text,
	`email` text,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL,
	PRIMARY KEY(`account_id`, `id`)
);
