CREATE TABLE `shard_moves` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`account_id` text NOT NULL,
	`from_shard` integer NOT NULL,
	`to_shard` integer NOT NULL,
	`born_on` text,
	`phase` text DEFAULT 'requested' NOT NULL,
	`cursor` text,
	`pass` integer DEFAULT 0 NOT NULL,
	`repaired` integer DEFAULT 0 NOT NULL,
	`phase_started_at` integer NOT NULL,
	`lease_until` integer,
	`error` text,
	`requested_at` integer NOT NULL,
	`finished_at` integer
);
--> statement-breakpoint
CREATE UNIQUE INDEX `shard_moves_active_account_idx` ON `shard_moves` (`account_id`) WHERE "shard_moves"."phase" NOT IN ('done', 'failed');