CREATE TABLE `verifications` (
	`id` text PRIMARY KEY NOT NULL,
	`account_id` text NOT NULL,
	`mode` text NOT NULL,
	`to` text NOT NULL,
	`status` text NOT NULL,
	`steps` text NOT NULL,
	`sends` text NOT NULL,
	`code_length` integer NOT NULL,
	`locale` text NOT NULL,
	`check_attempts_remaining` integer NOT NULL,
	`status_callback` text,
	`metadata` text,
	`created_at` integer NOT NULL,
	`expires_at` integer NOT NULL,
	`updated_at` integer NOT NULL,
	`version` integer NOT NULL
);
--> statement-breakpoint
CREATE INDEX `verifications_account_id_idx` ON `verifications` (`account_id`,`id`);--> statement-breakpoint
CREATE INDEX `verifications_account_status_idx` ON `verifications` (`account_id`,`status`,`id`);--> statement-breakpoint
CREATE INDEX `verifications_account_to_idx` ON `verifications` (`account_id`,`to`,`id`);