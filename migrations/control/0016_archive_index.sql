CREATE TABLE `archive_parts` (
	`account_id` text NOT NULL,
	`shard` integer NOT NULL,
	`day` text NOT NULL,
	`part` integer NOT NULL,
	`from_id` text NOT NULL,
	`first_id` text NOT NULL,
	`last_id` text NOT NULL,
	`count` integer NOT NULL,
	PRIMARY KEY(`account_id`, `shard`, `day`, `part`)
);
--> statement-breakpoint
CREATE INDEX `archive_parts_claim_idx` ON `archive_parts` (`account_id`,`shard`,`day`,`from_id`);--> statement-breakpoint
CREATE INDEX `archive_parts_last_idx` ON `archive_parts` (`account_id`,`last_id`);--> statement-breakpoint
CREATE INDEX `archive_parts_first_idx` ON `archive_parts` (`account_id`,`first_id`);--> statement-breakpoint
CREATE TABLE `archived_batch_counts` (
	`account_id` text NOT NULL,
	`batch_id` text NOT NULL,
	`shard` integer NOT NULL,
	`day` text NOT NULL,
	`part` integer NOT NULL,
	`status` text NOT NULL,
	`count` integer NOT NULL,
	PRIMARY KEY(`account_id`, `batch_id`, `shard`, `day`, `part`, `status`)
);
--> statement-breakpoint
CREATE INDEX `archived_batch_counts_part_idx` ON `archived_batch_counts` (`account_id`,`shard`,`day`,`part`);--> statement-breakpoint
CREATE TABLE `archived_changes` (
	`account_id` text NOT NULL,
	`message_id` text NOT NULL,
	`seq` integer NOT NULL,
	`change` text NOT NULL,
	PRIMARY KEY(`account_id`, `message_id`)
);
--> statement-breakpoint
CREATE INDEX `archived_changes_seq_idx` ON `archived_changes` (`seq`);