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
