CREATE TABLE `idempotency_keys` (
	`account_id` text NOT NULL,
	`key` text NOT NULL,
	`fingerprint` text NOT NULL,
	`lock_token` text,
	`locked_at` integer,
	`response_status` integer,
	`response_content_type` text,
	`response_body` text,
	`message_id` text,
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
	`direction` text DEFAULT 'outbound' NOT NULL,
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
	`content_retention` text DEFAULT 'retain' NOT NULL,
	`redacted_at` integer,
	`updated_at` integer DEFAULT (unixepoch()) NOT NULL,
	`encoding` text,
	`segments` integer,
	`fallback` text,
	`fallback_after` integer,
	`send_at` integer,
	`expires_at` integer,
	`attempts` text,
	`delivered_channel` text,
	`from_id` text,
	`projection_seq` integer DEFAULT 0 NOT NULL
);
--> statement-breakpoint
CREATE INDEX `messages_account_id_idx` ON `messages` (`account_id`,`id`);--> statement-breakpoint
CREATE INDEX `messages_account_status_idx` ON `messages` (`account_id`,`status`,`id`);--> statement-breakpoint
CREATE INDEX `messages_account_channel_idx` ON `messages` (`account_id`,`channel`,`id`);--> statement-breakpoint
CREATE INDEX `messages_account_to_idx` ON `messages` (`account_id`,`to`,`id`);--> statement-breakpoint
CREATE INDEX `messages_account_direction_idx` ON `messages` (`account_id`,`direction`,`id`);--> statement-breakpoint
CREATE INDEX `messages_queued_idx` ON `messages` (`updated_at`) WHERE "messages"."status" = 'queued';--> statement-breakpoint
CREATE INDEX `messages_scheduled_idx` ON `messages` (`send_at`) WHERE "messages"."status" = 'scheduled';