CREATE TABLE `batches` (
	`id` text PRIMARY KEY NOT NULL,
	`account_id` text NOT NULL,
	`created_at` integer NOT NULL,
	`validation` text NOT NULL,
	`metadata` text
);
--> statement-breakpoint
CREATE INDEX `batches_account_id_idx` ON `batches` (`account_id`,`id`);