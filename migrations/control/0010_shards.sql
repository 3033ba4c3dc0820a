CREATE TABLE `message_shards` (
	`shard` integer PRIMARY KEY NOT NULL,
	`open` integer DEFAULT true NOT NULL,
	`size_bytes` integer DEFAULT 0 NOT NULL,
	`measured_at` integer
);
--> statement-breakpoint
DROP TABLE `idempotency_keys`;--> statement-breakpoint
DROP TABLE `messages`;--> statement-breakpoint
ALTER TABLE `accounts` ADD `placement` text;